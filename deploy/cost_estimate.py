"""Print the monthly hosting cost estimate (S3 + CloudFront) for given traffic assumptions.

Purpose: the numbers behind docs/deploy.md's cost section, recomputable with other assumptions.
Inputs: traffic options (default: 1,000 cold visits a month). The size of a cold visit is measured
on the built site (--site-dir, default frontend/dist) when it has an index.html; otherwise it is
--megabytes-per-cold-visit (default: hyperion.cloud.cost.DEFAULT_MEGABYTES_PER_COLD_VISIT).
Outputs: a table on stdout, without and with the CloudFront always-free tier.
Run: .venv/bin/python deploy/cost_estimate.py [--visits-per-month 1000] [--site-dir frontend/dist]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hyperion.cloud import cost


def main(argv: list[str] | None = None) -> int:
    defaults = cost.TrafficAssumptions()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visits-per-month", type=int, default=defaults.visits_per_month)
    parser.add_argument("--site-dir", type=Path, default=Path("frontend/dist"), help="built site to measure")
    parser.add_argument("--megabytes-per-cold-visit", type=float, help="instead of measuring the site")
    parser.add_argument("--cold-visit-share", type=float, default=defaults.cold_visit_share)
    parser.add_argument("--requests-per-visit", type=int, default=defaults.requests_per_visit)
    arguments = parser.parse_args(argv)
    megabytes, source = arguments.megabytes_per_cold_visit, "given"
    if megabytes is None and (arguments.site_dir / "index.html").is_file():
        megabytes, source = (
            cost.cold_visit_bytes(arguments.site_dir) / 1_000_000,
            f"measured on {arguments.site_dir}",
        )
    if megabytes is None:
        megabytes, source = cost.DEFAULT_MEGABYTES_PER_COLD_VISIT, "default: no built site to measure"
    traffic = cost.TrafficAssumptions(
        visits_per_month=arguments.visits_per_month,
        megabytes_per_cold_visit=megabytes,
        cold_visit_share=arguments.cold_visit_share,
        requests_per_visit=arguments.requests_per_visit,
    )
    print(f"Assumptions: {traffic}")
    print(f"Cold visit: {megabytes:.2f} MB ({source})")
    print(f"Prices of {cost.PRICES_RECORDED_ON}, without the free tier:")
    print(cost.format_cost_table(cost.monthly_cost_estimate(traffic)))
    print("With the CloudFront always-free tier:")
    print(cost.format_cost_table(cost.monthly_cost_estimate(traffic, use_free_tier=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

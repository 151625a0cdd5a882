"""Print the monthly hosting cost estimate (S3 + CloudFront) for given traffic assumptions.

Purpose: the numbers behind docs/deploy.md's cost section, recomputable with other assumptions.
Inputs: traffic assumptions as options (defaults: the plan's 1,000 visits/month, 10 MB per cold
visit). Outputs: a table on stdout, without and with the CloudFront always-free tier.

Run: .venv/bin/python deploy/cost_estimate.py [--visits-per-month 1000] [--megabytes-per-cold-visit 10]
"""

from __future__ import annotations

import argparse
import sys

from hyperion.deploy import PRICES_RECORDED_ON, TrafficAssumptions, format_cost_table, monthly_cost_estimate


def main(argv: list[str] | None = None) -> int:
    defaults = TrafficAssumptions()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visits-per-month", type=int, default=defaults.visits_per_month)
    parser.add_argument("--megabytes-per-cold-visit", type=float, default=defaults.megabytes_per_cold_visit)
    parser.add_argument("--cold-visit-share", type=float, default=defaults.cold_visit_share)
    parser.add_argument("--requests-per-visit", type=int, default=defaults.requests_per_visit)
    arguments = parser.parse_args(argv)
    traffic = TrafficAssumptions(
        visits_per_month=arguments.visits_per_month,
        megabytes_per_cold_visit=arguments.megabytes_per_cold_visit,
        cold_visit_share=arguments.cold_visit_share,
        requests_per_visit=arguments.requests_per_visit,
    )
    print(f"Assumptions: {traffic}")
    print(f"Prices of {PRICES_RECORDED_ON}, without the free tier:")
    print(format_cost_table(monthly_cost_estimate(traffic)))
    print("With the CloudFront always-free tier:")
    print(format_cost_table(monthly_cost_estimate(traffic, use_free_tier=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The monthly cost estimate, and the size of a cold visit measured on a built site."""

from __future__ import annotations

import gzip
import random

import pytest

from hyperion.cloud import cost

# --- costs ---------------------------------------------------------------------------------


def test_monthly_cost_for_the_plan_traffic_is_under_one_dollar():
    traffic = cost.TrafficAssumptions()
    lines = cost.monthly_cost_estimate(traffic)
    by_item = {line.item: line for line in lines}
    # 1,000 cold visits x 9 MB = 9 GB at $0.085/GB.
    assert by_item["CloudFront data transfer out"].quantity == pytest.approx(9.0)
    assert by_item["CloudFront data transfer out"].usd == pytest.approx(9.0 * 0.085)
    # 12,000 HTTPS requests at $0.01 per 10,000.
    assert by_item["CloudFront HTTPS requests"].usd == pytest.approx(1.2 * 0.01)
    assert cost.total_usd(lines) == pytest.approx(sum(line.usd for line in lines))
    assert cost.total_usd(lines) < 1.0
    assert "Total per month" in cost.format_cost_table(lines)


def test_free_tier_leaves_only_s3_costs():
    lines = cost.monthly_cost_estimate(cost.TrafficAssumptions(), use_free_tier=True)
    assert all(line.usd == 0 for line in lines if line.item.startswith("CloudFront"))
    assert 0 < cost.total_usd(lines) < 0.01


def test_cost_grows_linearly_with_visits():
    small = cost.total_usd(cost.monthly_cost_estimate(cost.TrafficAssumptions(visits_per_month=1000)))
    large = cost.total_usd(cost.monthly_cost_estimate(cost.TrafficAssumptions(visits_per_month=2000)))
    assert large > small
    assert large < 2 * small + 0.01


def test_default_cold_visit_is_not_below_the_gzipped_wasm():
    # The gzipped DuckDB eh wasm alone is 7.6 MB; JS, worker and the database come on top.
    assert cost.TrafficAssumptions().megabytes_per_cold_visit >= 7.6 + 1.0


def test_cold_visit_is_measured_on_the_built_site(tmp_path):
    generator = random.Random(7)
    (tmp_path / "assets").mkdir()
    (tmp_path / "data").mkdir()
    wasm = generator.randbytes(300_000) + bytes(300_000)
    (tmp_path / "assets" / "duckdb-eh-AbC.wasm").write_bytes(wasm)
    (tmp_path / "assets" / "duckdb-mvp-DeF.wasm").write_bytes(generator.randbytes(500_000))
    (tmp_path / "assets" / "duckdb-browser-mvp.worker-GhI.js").write_text("x" * 50_000)
    (tmp_path / "assets" / "index-JkL.js").write_text("const a = 1;\n" * 5_000)
    (tmp_path / "assets" / "index-JkL.js.map").write_text("{}" * 5_000)
    (tmp_path / "data" / "hyperion.duckdb").write_bytes(generator.randbytes(200_000))
    (tmp_path / "index.html").write_text("<!doctype html>")

    measured = cost.cold_visit_bytes(tmp_path)

    expected = (
        len(gzip.compress(wasm, compresslevel=9, mtime=0))
        + len(gzip.compress(b"const a = 1;\n" * 5_000, compresslevel=9, mtime=0))
        + 200_000
        + len(b"<!doctype html>")  # under 1,000 bytes: CloudFront does not compress it
    )
    assert measured == expected

"""Pure deployment logic: headers, upload plan, distribution config, DNS records, costs, EMR plan."""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from hyperion import deploy

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
DISTRIBUTION_ARN = "arn:aws:cloudfront::123456789012:distribution/E2EXAMPLE"
CERTIFICATE_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d"
FUNCTION_ARN = "arn:aws:cloudfront::123456789012:function/hyperion-spa-rewrite"


# --- headers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "content_type"),
    [
        ("assets/duckdb-eh-XyZ.wasm", "application/wasm"),
        ("assets/duckdb-browser-eh.worker-Q1w2.js", "text/javascript"),
        ("data/films_complete.parquet", "application/octet-stream"),
        ("data/hyperion.duckdb", "application/octet-stream"),
        ("data/manifest.json", "application/json"),
        ("favicon.svg", "image/svg+xml"),
        ("index.html", "text/html; charset=utf-8"),
        ("assets/index-AbC123.CSS", "text/css"),
    ],
)
def test_content_types_are_explicit(key, content_type):
    assert deploy.content_type_for(key) == content_type


def test_unknown_extension_is_a_loud_failure():
    with pytest.raises(deploy.UnknownContentTypeError, match=r"\.xyz"):
        deploy.content_type_for("assets/thing-123.xyz")


@pytest.mark.parametrize(
    ("key", "cache_control"),
    [
        ("assets/index-AbC123.js", "public, max-age=31536000, immutable"),
        ("assets/duckdb-eh-XyZ.wasm", "public, max-age=31536000, immutable"),
        ("index.html", "no-cache"),
        ("data/manifest.json", "no-cache"),
        ("data/films_complete.parquet", "no-cache"),
    ],
)
def test_cache_headers(key, cache_control):
    assert deploy.cache_control_for(key) == cache_control


@pytest.mark.parametrize(
    ("key", "size", "expected"),
    [
        ("assets/duckdb-eh-XyZ.wasm", 2_000, True),
        ("assets/duckdb-eh-XyZ.wasm", 35_000_000, True),
        ("assets/index-AbC123.js", 11_000_000, True),
        ("assets/index-AbC123.js", 9_000_000, False),
        ("data/films_complete.parquet", 50_000_000, False),
    ],
)
def test_precompression_for_wasm_and_large_text(key, size, expected):
    assert deploy.should_precompress(key, size) is expected


def test_gzip_is_deterministic_and_reversible():
    data = b"duckdb " * 10_000
    first = deploy.deterministic_gzip(data)
    assert first == deploy.deterministic_gzip(data)
    assert gzip.decompress(first) == data
    assert first[4:8] == b"\x00\x00\x00\x00"  # gzip header MTIME


# --- upload plan ---------------------------------------------------------------------------


@pytest.fixture
def site_dir(tmp_path) -> Path:
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "index.html").write_text("<!doctype html>")
    (root / "assets" / "index-AbC123.js").write_text("console.log(1);\n" * 100)
    (root / "assets" / "duckdb-eh-XyZ.wasm").write_bytes(b"\x00asm" + b"\x01\x02" * 50_000)
    (root / "data" / "manifest.json").write_text("{}")
    (root / "data" / "films_complete.parquet").write_bytes(b"PAR1" + b"\x00" * 100 + b"PAR1")
    (root / "favicon.svg").write_text("<svg/>")
    (root / ".DS_Store").write_bytes(b"junk")
    return root


def test_upload_items_put_assets_first_and_index_last(site_dir):
    keys = [item.key for item in deploy.build_upload_items(site_dir)]
    assert keys == [
        "assets/duckdb-eh-XyZ.wasm",
        "assets/index-AbC123.js",
        "data/films_complete.parquet",
        "data/manifest.json",
        "favicon.svg",
        "index.html",
    ]


def test_wasm_item_is_gzip_with_the_md5_of_the_compressed_body(site_dir):
    items = {item.key: item for item in deploy.build_upload_items(site_dir)}
    wasm = items["assets/duckdb-eh-XyZ.wasm"]
    body = deploy.upload_body(wasm)
    assert wasm.content_encoding == "gzip"
    assert wasm.headers()["ContentEncoding"] == "gzip"
    assert gzip.decompress(body) == (site_dir / "assets" / "duckdb-eh-XyZ.wasm").read_bytes()
    assert wasm.body_md5 == hashlib.md5(body).hexdigest()
    assert wasm.body_size == len(body) < 100_004
    index = items["index.html"]
    assert "ContentEncoding" not in index.headers()
    assert deploy.upload_body(index) == b"<!doctype html>"


def remote_copy(item: deploy.UploadItem, prefix: str = "") -> deploy.RemoteObject:
    return deploy.RemoteObject(
        prefix + item.key, f'"{item.body_md5}"', item.content_type, item.cache_control, item.content_encoding
    )


def test_plan_uploads_everything_into_an_empty_bucket(site_dir):
    items = deploy.build_upload_items(site_dir)
    plan = deploy.plan_sync(items, {})
    assert plan.uploads == items
    assert plan.deletions == []


def test_plan_is_empty_when_bytes_and_headers_match(site_dir):
    items = deploy.build_upload_items(site_dir)
    plan = deploy.plan_sync(items, {item.key: remote_copy(item) for item in items})
    assert plan.uploads == []
    assert plan.deletions == []
    assert len(plan.unchanged) == len(items)


def test_plan_reuploads_on_header_change_and_deletes_stale_objects(site_dir):
    items = deploy.build_upload_items(site_dir)
    remote = {item.key: remote_copy(item) for item in items}
    manifest = remote["data/manifest.json"]
    remote["data/manifest.json"] = deploy.RemoteObject(
        manifest.key, manifest.etag, "text/plain", manifest.cache_control, None
    )
    remote["assets/index-OLD999.js"] = deploy.RemoteObject(
        "assets/index-OLD999.js", '"abc"', None, None, None
    )
    plan = deploy.plan_sync(items, remote)
    assert [item.key for item in plan.uploads] == ["data/manifest.json"]
    assert plan.deletions == ["assets/index-OLD999.js"]


def test_plan_with_prefix_compares_prefixed_keys(site_dir):
    items = deploy.build_upload_items(site_dir)
    prefix = deploy.normalize_prefix("/preview/")
    assert prefix == "preview/"
    remote = {prefix + item.key: remote_copy(item, prefix) for item in items}
    plan = deploy.plan_sync(items, remote, prefix)
    assert plan.uploads == []
    assert plan.unchanged[0].startswith("preview/")


# --- CloudFront ----------------------------------------------------------------------------


def load_template() -> dict:
    return json.loads((REPOSITORY_ROOT / "deploy" / "cloudfront_config.json").read_text())


def build_config(**overrides) -> dict:
    arguments = {
        "bucket": "hyperion-site",
        "region": "eu-west-1",
        "origin_access_control_id": "E1OAC",
        "certificate_arn": CERTIFICATE_ARN,
        "aliases": ["example.com", "www.example.com"],
        "spa_function_arn": FUNCTION_ARN,
        "caller_reference": "run-1",
    }
    arguments.update(overrides)
    return deploy.build_distribution_config(load_template(), **arguments)


def test_distribution_config_has_oac_https_spa_function_and_no_error_pages():
    config = build_config()
    (origin,) = config["Origins"]["Items"]
    behavior = config["DefaultCacheBehavior"]
    assert origin["DomainName"] == "hyperion-site.s3.eu-west-1.amazonaws.com"
    assert origin["OriginAccessControlId"] == "E1OAC"
    assert behavior["TargetOriginId"] == origin["Id"]
    assert behavior["ViewerProtocolPolicy"] in {"redirect-to-https", "https-only"}
    assert behavior["Compress"] is True
    assert behavior["FunctionAssociations"] == {
        "Quantity": 1,
        "Items": [{"FunctionARN": FUNCTION_ARN, "EventType": "viewer-request"}],
    }
    assert config["DefaultRootObject"] == "index.html"
    assert config["CustomErrorResponses"] == {"Quantity": 0}
    assert config["ViewerCertificate"]["ACMCertificateArn"] == CERTIFICATE_ARN
    assert config["ViewerCertificate"]["MinimumProtocolVersion"].startswith("TLSv1.2")
    assert config["Aliases"] == {"Quantity": 2, "Items": ["example.com", "www.example.com"]}
    assert deploy.validate_distribution_config(config) == []


def test_template_is_not_modified_by_building():
    template = load_template()
    deploy.build_distribution_config(
        template,
        bucket="b",
        region="us-east-1",
        origin_access_control_id="E1",
        certificate_arn=None,
        aliases=[],
        spa_function_arn=None,
        caller_reference="r",
    )
    assert template == load_template()


def test_certificate_must_be_in_us_east_1_and_aliases_need_one():
    with pytest.raises(ValueError, match="us-east-1"):
        build_config(certificate_arn="arn:aws:acm:eu-west-1:123456789012:certificate/x")
    with pytest.raises(ValueError, match="certificate"):
        build_config(certificate_arn=None)


def test_validation_rejects_custom_errors_plain_http_and_missing_oac():
    config = build_config()
    config["CustomErrorResponses"] = {
        "Quantity": 1,
        "Items": [{"ErrorCode": 404, "ResponsePagePath": "/index.html", "ResponseCode": "200"}],
    }
    config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] = "allow-all"
    config["Origins"]["Items"][0]["OriginAccessControlId"] = ""
    problems = deploy.validate_distribution_config(config)
    assert len(problems) == 3
    assert any("custom error" in problem for problem in problems)


def test_bucket_policy_grants_only_the_distribution():
    policy = deploy.bucket_policy("hyperion-site", DISTRIBUTION_ARN)
    (statement,) = policy["Statement"]
    assert statement["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert statement["Action"] == "s3:GetObject"
    assert statement["Resource"] == "arn:aws:s3:::hyperion-site/*"
    assert statement["Condition"] == {"StringEquals": {"AWS:SourceArn": DISTRIBUTION_ARN}}


def run_spa_function(uri: str) -> str:
    """Run deploy/spa_rewrite.js's handler in Node with a viewer-request event."""
    harness = (
        "const fs = require('fs');"
        f"eval(fs.readFileSync({json.dumps(str(REPOSITORY_ROOT / 'deploy' / 'spa_rewrite.js'))}, 'utf8'));"
        f"process.stdout.write(handler({{request: {{uri: {json.dumps(uri)}, headers: {{}}}}}}).uri);"
    )
    return subprocess.run(
        ["node", "-e", harness], capture_output=True, text=True, check=True, timeout=30
    ).stdout


@pytest.mark.parametrize(
    ("uri", "rewritten"),
    [
        ("/", "/index.html"),
        ("/films/toy-story", "/index.html"),
        ("/analytics/", "/index.html"),
        ("/assets/duckdb-eh-XyZ.wasm", "/assets/duckdb-eh-XyZ.wasm"),
        ("/data/manifest.json", "/data/manifest.json"),
        ("/assets/missing-file.wasm", "/assets/missing-file.wasm"),
    ],
)
def test_spa_function_rewrites_only_extensionless_paths(uri, rewritten):
    assert run_spa_function(uri) == rewritten


# --- DNS -----------------------------------------------------------------------------------

VALIDATION_RECORDS = [
    {"Name": "_a1b2.example.com.", "Type": "CNAME", "Value": "_c3d4.xlfgrmvvlj.acm-validations.aws."},
    {"Name": "_e5f6.www.example.com.", "Type": "CNAME", "Value": "_g7h8.xlfgrmvvlj.acm-validations.aws."},
    {"Name": "_a1b2.example.com.", "Type": "CNAME", "Value": "_c3d4.xlfgrmvvlj.acm-validations.aws."},
]


def test_namecheap_records_use_relative_hosts_and_list_validation_once():
    records = deploy.namecheap_records("example.com", "d111abcdef8.cloudfront.net.", VALIDATION_RECORDS)
    assert [(record.record_type, record.host, record.value) for record in records] == [
        ("ALIAS", "@", "d111abcdef8.cloudfront.net"),
        ("CNAME", "www", "d111abcdef8.cloudfront.net"),
        ("CNAME", "_a1b2", "_c3d4.xlfgrmvvlj.acm-validations.aws"),
        ("CNAME", "_e5f6.www", "_g7h8.xlfgrmvvlj.acm-validations.aws"),
    ]
    assert records[3].fully_qualified_name("example.com") == "_e5f6.www.example.com"


def test_relative_host_rejects_names_outside_the_domain():
    with pytest.raises(ValueError, match="not inside"):
        deploy.relative_host("_x.example.org.", "example.com")


# Recorded with: dig +noall +answer www.example.com CNAME / example.com A
DIG_CNAME = """\
; <<>> DiG 9.18.33 <<>> +noall +answer www.example.com CNAME
www.example.com.\t1799\tIN\tCNAME\td111abcdef8.cloudfront.net.
"""
DIG_APEX = """\
example.com.\t\t60\tIN\tA\t18.244.102.12
example.com.\t\t60\tIN\tA\t18.244.102.80
"""


def test_dig_answers_are_parsed():
    assert deploy.parse_dig_answers(DIG_APEX + DIG_CNAME) == [
        deploy.DigAnswer("example.com", 60, "A", "18.244.102.12"),
        deploy.DigAnswer("example.com", 60, "A", "18.244.102.80"),
        deploy.DigAnswer("www.example.com", 1799, "CNAME", "d111abcdef8.cloudfront.net"),
    ]


def test_check_record_against_recorded_dig_output():
    www = deploy.DnsRecord("CNAME", "www", "d111abcdef8.cloudfront.net", "")
    apex = deploy.DnsRecord("ALIAS", "@", "d111abcdef8.cloudfront.net", "")
    wrong = deploy.DnsRecord("CNAME", "www", "d999.cloudfront.net", "")
    assert deploy.check_record(www, "example.com", DIG_CNAME)[0] is True
    assert deploy.check_record(apex, "example.com", DIG_APEX)[0] is True
    ok, message = deploy.check_record(wrong, "example.com", DIG_CNAME)
    assert ok is False
    assert "d111abcdef8.cloudfront.net" in message
    assert deploy.check_record(apex, "example.com", "")[0] is False


# --- costs ---------------------------------------------------------------------------------


def test_monthly_cost_for_the_plan_traffic_is_under_one_dollar():
    traffic = deploy.TrafficAssumptions()
    lines = deploy.monthly_cost_estimate(traffic)
    by_item = {line.item: line for line in lines}
    # 1,000 cold visits x 10 MB = 10 GB at $0.085/GB.
    assert by_item["CloudFront data transfer out"].quantity == pytest.approx(10.0)
    assert by_item["CloudFront data transfer out"].usd == pytest.approx(10.0 * 0.085)
    # 12,000 HTTPS requests at $0.01 per 10,000.
    assert by_item["CloudFront HTTPS requests"].usd == pytest.approx(1.2 * 0.01)
    assert deploy.total_usd(lines) == pytest.approx(sum(line.usd for line in lines))
    assert deploy.total_usd(lines) < 1.0
    assert "Total per month" in deploy.format_cost_table(lines)


def test_free_tier_leaves_only_s3_costs():
    lines = deploy.monthly_cost_estimate(deploy.TrafficAssumptions(), use_free_tier=True)
    assert all(line.usd == 0 for line in lines if line.item.startswith("CloudFront"))
    assert 0 < deploy.total_usd(lines) < 0.01


def test_cost_grows_linearly_with_visits():
    small = deploy.total_usd(deploy.monthly_cost_estimate(deploy.TrafficAssumptions(visits_per_month=1000)))
    large = deploy.total_usd(deploy.monthly_cost_estimate(deploy.TrafficAssumptions(visits_per_month=2000)))
    assert large > small
    assert large < 2 * small + 0.01


# --- CloudFront Function publishing (moto has no CloudFront Functions API) -------------------


class FakeCloudFrontFunctions:
    """A hand-written stand-in for the four CloudFront Functions calls the setup script makes."""

    def __init__(self, existing: bool):
        self.calls: list[str] = []
        self.code: bytes | None = b"old" if existing else None
        self.etag = 1

    def _next_etag(self) -> str:
        self.etag += 1
        return f"E{self.etag}"

    def describe_function(self, Name, Stage):  # noqa: N803 (boto3's argument names)
        self.calls.append(f"describe {Name} {Stage}")
        if self.code is None:
            raise ClientError(
                {"Error": {"Code": "NoSuchFunctionExists", "Message": "no"}}, "DescribeFunction"
            )
        return {"ETag": f"E{self.etag}"}

    def create_function(self, Name, FunctionConfig, FunctionCode):  # noqa: N803
        self.calls.append(f"create {Name} {FunctionConfig['Runtime']}")
        self.code = FunctionCode
        return {"ETag": self._next_etag()}

    def update_function(self, Name, IfMatch, FunctionConfig, FunctionCode):  # noqa: N803
        assert IfMatch == f"E{self.etag}", "update must carry the current ETag"
        self.calls.append(f"update {Name} {FunctionConfig['Runtime']}")
        self.code = FunctionCode
        return {"ETag": self._next_etag()}

    def publish_function(self, Name, IfMatch):  # noqa: N803
        assert IfMatch == f"E{self.etag}", "publish must carry the ETag of the latest change"
        self.calls.append(f"publish {Name}")
        arn = f"arn:aws:cloudfront::123456789012:function/{Name}"
        return {"FunctionSummary": {"FunctionMetadata": {"FunctionARN": arn}}}


def load_distribution_script():
    path = REPOSITORY_ROOT / "deploy" / "cloudfront_distribution.py"
    spec = importlib.util.spec_from_file_location("cloudfront_distribution", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("existing", "expected_calls"),
    [
        (False, ["describe spa DEVELOPMENT", "create spa cloudfront-js-2.0", "publish spa"]),
        (True, ["describe spa DEVELOPMENT", "update spa cloudfront-js-2.0", "publish spa"]),
    ],
)
def test_spa_function_is_created_or_updated_then_published(existing, expected_calls):
    script = load_distribution_script()
    fake = FakeCloudFrontFunctions(existing)
    code = (REPOSITORY_ROOT / "deploy" / "spa_rewrite.js").read_bytes()

    arn = script.ensure_spa_function(fake, "spa", code)

    assert fake.calls == expected_calls
    assert fake.code == code
    assert arn == "arn:aws:cloudfront::123456789012:function/spa"

"""The site deployment scripts against moto's server, as a real HTTP endpoint.

The aws CLI, boto3 and the shell wrappers all talk to a ThreadedMotoServer on 127.0.0.1 through
AWS_ENDPOINT_URL, with moto's dummy credentials set in the test environment only.

moto 5.1.11 implements neither the CloudFront Functions API (CreateFunction, PublishFunction) nor
response headers policies, and its distributions drop an origin's OriginAccessControlId and empty
S3OriginConfig, the FunctionAssociations and the CustomErrorResponses: those calls are checked with
botocore's Stubber against the real CloudFront model, and the generated config with its validator,
in tests/unit/test_cloud_distribution.py; here the function and the policy are passed by id.
"""

from __future__ import annotations

import gzip
import json
import random
import subprocess
import sys
from pathlib import Path

import boto3
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from hyperion.cloud import EMR_PROOF_PREFIX, site

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
SPA_FUNCTION_ARN = "arn:aws:cloudfront::123456789012:function/hyperion-spa-rewrite"
HEADERS_POLICY_ID = "0a1b2c3d-1111-2222-3333-444455556666"
BUCKET = "hyperion-site-test"

# What the issue asks of each file: (content type, cache control, content encoding).
EXPECTED_HEADERS = {
    "assets/index-AbC123.js": ("text/javascript", "public, max-age=31536000, immutable", None),
    "assets/duckdb-eh-XyZ.wasm": ("application/wasm", "public, max-age=31536000, immutable", "gzip"),
    "assets/duckdb-browser-eh.worker-Q1w2.js": (
        "text/javascript",
        "public, max-age=31536000, immutable",
        None,
    ),
    "data/films_complete.parquet": ("application/octet-stream", "no-cache", None),
    "data/manifest.json": ("application/json", "no-cache", None),
    "favicon.svg": ("image/svg+xml", "no-cache", None),
    "index.html": ("text/html; charset=utf-8", "no-cache", None),
}


def run_entrypoint(name: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Run a deploy entrypoint as a person would, as a program (the test imports no script by path)."""
    return subprocess.run(
        [sys.executable, str(REPOSITORY_ROOT / "deploy" / name), *arguments],
        capture_output=True,
        text=True,
        timeout=120,
    )


def set_up_distribution(*arguments: str) -> dict[str, str]:
    completed = run_entrypoint(
        "cloudfront_distribution.py",
        "--bucket",
        BUCKET,
        "--spa-function-arn",
        SPA_FUNCTION_ARN,
        "--response-headers-policy-id",
        HEADERS_POLICY_ID,
        *arguments,
    )
    assert completed.returncode == 0, completed.stderr
    return dict(line.split("=", 1) for line in completed.stdout.splitlines())


@pytest.fixture
def site_dir(tmp_path) -> Path:
    """A realistic Vite build: hashed assets with a multi-megabyte wasm, Parquet data, index.html."""
    generator = random.Random(20240607)
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "index.html").write_text(
        '<!doctype html><html><head><script type="module" src="/assets/index-AbC123.js"></script>'
        '</head><body><div id="root"></div></body></html>\n'
    )
    (root / "assets" / "index-AbC123.js").write_text("import('./duckdb-browser-eh.worker-Q1w2.js');\n" * 200)
    (root / "assets" / "duckdb-browser-eh.worker-Q1w2.js").write_text("self.onmessage = () => {};\n" * 500)
    # Half random, half repetitive: like real wasm, it compresses, but not to nothing.
    wasm = b"\x00asm\x01\x00\x00\x00" + generator.randbytes(1_500_000) + b"\x0b\x00\x41\x01" * 400_000
    (root / "assets" / "duckdb-eh-XyZ.wasm").write_bytes(wasm)
    table = pa.table({"film_id": ["toy-story", "the-lion-king"], "runtime_minutes": [81, 88]})
    pq.write_table(table, root / "data" / "films_complete.parquet")
    (root / "data" / "manifest.json").write_text(json.dumps({"files": ["films_complete.parquet"]}))
    (root / "favicon.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    return root


def run_sync(environment: dict[str, str], site: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(REPOSITORY_ROOT / "deploy" / "s3_sync.sh"), "--bucket", BUCKET, "--site-dir", str(site), *extra],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )


def uploaded_keys(stdout: str) -> list[str]:
    return [line.split("\t")[1] for line in stdout.splitlines() if line.startswith("upload\t")]


def test_sync_uploads_every_file_with_its_headers_assets_first_index_last(aws_environment, site_dir):
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=BUCKET)

    result = run_sync(aws_environment, site_dir)

    order = uploaded_keys(result.stdout)
    assert sorted(order) == sorted(EXPECTED_HEADERS)
    assert order[-1] == "index.html"
    assets = [position for position, key in enumerate(order) if key.startswith("assets/")]
    others = [position for position, key in enumerate(order) if not key.startswith("assets/")]
    assert max(assets) < min(others)
    for key, (content_type, cache_control, content_encoding) in EXPECTED_HEADERS.items():
        head = s3.head_object(Bucket=BUCKET, Key=key)
        assert (head["ContentType"], head["CacheControl"], head.get("ContentEncoding")) == (
            content_type,
            cache_control,
            content_encoding,
        ), key
    original_wasm = (site_dir / "assets" / "duckdb-eh-XyZ.wasm").read_bytes()
    stored_wasm = s3.get_object(Bucket=BUCKET, Key="assets/duckdb-eh-XyZ.wasm")["Body"].read()
    assert len(stored_wasm) < len(original_wasm)
    assert gzip.decompress(stored_wasm) == original_wasm
    stored_parquet = s3.get_object(Bucket=BUCKET, Key="data/films_complete.parquet")["Body"].read()
    assert stored_parquet == (site_dir / "data" / "films_complete.parquet").read_bytes()


def test_second_sync_with_nothing_changed_uploads_nothing(aws_environment, site_dir):
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    run_sync(aws_environment, site_dir)
    before = {item["Key"]: item["LastModified"] for item in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}

    second = run_sync(aws_environment, site_dir)

    assert uploaded_keys(second.stdout) == []
    assert "0 uploaded, 7 unchanged, 0 deleted" in second.stderr
    after = {item["Key"]: item["LastModified"] for item in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert after == before


def test_changed_file_is_the_only_upload(aws_environment, site_dir):
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    run_sync(aws_environment, site_dir)
    (site_dir / "data" / "manifest.json").write_text(json.dumps({"files": [], "version": 2}))

    second = run_sync(aws_environment, site_dir)

    assert uploaded_keys(second.stdout) == ["data/manifest.json"]
    stored = json.loads(s3.get_object(Bucket=BUCKET, Key="data/manifest.json")["Body"].read())
    assert stored == {"files": [], "version": 2}


def test_deleted_local_file_disappears_from_the_bucket(aws_environment, site_dir):
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    run_sync(aws_environment, site_dir)
    (site_dir / "assets" / "index-AbC123.js").unlink()

    second = run_sync(aws_environment, site_dir)

    assert "delete\tassets/index-AbC123.js" in second.stdout.splitlines()
    assert uploaded_keys(second.stdout) == []
    remaining = {item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert remaining == set(EXPECTED_HEADERS) - {"assets/index-AbC123.js"} | {site.SITE_OWNERSHIP_KEY}


def test_dry_run_lists_the_plan_and_changes_nothing(aws_environment, site_dir):
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    # stale.txt went up with an earlier deploy (the ownership record says so); notes/ did not.
    s3.put_object(Bucket=BUCKET, Key="stale.txt", Body=b"old")
    s3.put_object(Bucket=BUCKET, Key="notes/readme.txt", Body=b"someone else's")
    s3.put_object(Bucket=BUCKET, Key=site.SITE_OWNERSHIP_KEY, Body=site.render_ownership(["stale.txt"]))
    before = sorted(item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET)["Contents"])

    result = run_sync(aws_environment, site_dir, "--dry-run", "--distribution-id", "E0000000000000")

    assert sorted(uploaded_keys(result.stdout)) == sorted(EXPECTED_HEADERS)
    assert "delete\tstale.txt" in result.stdout.splitlines()
    assert "keep\tnotes/readme.txt\tnot the site's" in result.stdout.splitlines()
    assert "would invalidate" in result.stderr
    assert sorted(item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET)["Contents"]) == before


def test_other_objects_in_the_bucket_root_survive_deploys(aws_environment, site_dir):
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    foreign = {
        "backups/2026-01-01.sql": b"keep me",
        "robots.txt": b"User-agent: *",
        "assets/logo-team.png": b"png",
    }
    for key, body in foreign.items():
        s3.put_object(Bucket=BUCKET, Key=key, Body=body)
    run_sync(aws_environment, site_dir)
    (site_dir / "assets" / "index-AbC123.js").unlink()

    second = run_sync(aws_environment, site_dir)

    assert [line for line in second.stdout.splitlines() if line.startswith("delete")] == [
        "delete\tassets/index-AbC123.js"
    ]
    for key, body in foreign.items():
        assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == body
    remaining = {item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    site_keys = set(EXPECTED_HEADERS) - {"assets/index-AbC123.js"}
    assert remaining == site_keys | set(foreign) | {site.SITE_OWNERSHIP_KEY}
    owned = site.parse_ownership(s3.get_object(Bucket=BUCKET, Key=site.SITE_OWNERSHIP_KEY)["Body"].read(), "")
    assert owned == site_keys


def test_a_crash_mid_upload_leaves_every_uploaded_object_owned(aws_environment, site_dir):
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    items = site.build_upload_items(site_dir)
    plan = site.plan_sync(items, {})
    # What apply_site_sync writes before its first upload, then the first two uploads: the crash.
    s3.put_object(
        Bucket=BUCKET, Key=site.SITE_OWNERSHIP_KEY, Body=site.render_ownership(plan.ownership_before_upload)
    )
    for item in plan.uploads[:2]:
        s3.put_object(Bucket=BUCKET, Key=item.key, Body=site.upload_body(item), **item.headers())
    for item in plan.uploads[:2]:
        (site_dir / item.key).unlink()

    after_restart = run_sync(aws_environment, site_dir)

    deleted = sorted(
        line.split("\t")[1] for line in after_restart.stdout.splitlines() if line.startswith("delete")
    )
    assert deleted == sorted(item.key for item in plan.uploads[:2])
    assert "keep\t" not in after_restart.stdout


def test_a_bucket_with_emr_proof_data_is_refused_and_left_untouched(aws_environment, site_dir):
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    proof_key = f"{EMR_PROOF_PREFIX}20260101T000000Z/processed/films/part-0.parquet"
    s3.put_object(Bucket=BUCKET, Key=proof_key, Body=b"PAR1")

    completed = subprocess.run(
        [str(REPOSITORY_ROOT / "deploy" / "s3_sync.sh"), "--bucket", BUCKET, "--site-dir", str(site_dir)],
        env=aws_environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert completed.returncode == 2, completed.stderr
    assert f"s3://{BUCKET} holds EMR proof data" in completed.stderr
    assert [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET)["Contents"]] == [proof_key]


def create_certificate(domain: str) -> str:
    acm = boto3.client("acm", region_name="us-east-1")
    return acm.request_certificate(
        DomainName=domain, SubjectAlternativeNames=[f"www.{domain}"], ValidationMethod="DNS"
    )["CertificateArn"]


def test_distribution_has_private_bucket_oac_https_and_a_policy_for_it_alone(aws_environment):
    certificate_arn = create_certificate("example.com")

    outputs = set_up_distribution(
        "--certificate-arn", certificate_arn, "--alias", "example.com", "--alias", "www.example.com"
    )

    cloudfront = boto3.client("cloudfront")
    distribution = cloudfront.get_distribution(Id=outputs["distribution_id"])["Distribution"]
    config = distribution["DistributionConfig"]
    assert distribution["ARN"] == outputs["distribution_arn"]
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    assert config["DefaultCacheBehavior"]["Compress"] is True
    assert config["DefaultRootObject"] == "index.html"
    assert config["ViewerCertificate"]["ACMCertificateArn"] == certificate_arn
    assert config["ViewerCertificate"]["SSLSupportMethod"] == "sni-only"
    assert sorted(config["Aliases"]["Items"]) == ["example.com", "www.example.com"]
    assert config.get("CustomErrorResponses", {}).get("Quantity", 0) == 0
    (origin,) = config["Origins"]["Items"]
    assert origin["DomainName"] == f"{BUCKET}.s3.us-east-1.amazonaws.com"

    access_controls = cloudfront.list_origin_access_controls()["OriginAccessControlList"]["Items"]
    (access_control,) = [
        item for item in access_controls if item["Id"] == outputs["origin_access_control_id"]
    ]
    assert access_control["SigningProtocol"] == "sigv4"
    assert access_control["SigningBehavior"] == "always"
    assert access_control["OriginAccessControlOriginType"] == "s3"

    s3 = boto3.client("s3")
    block = s3.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"]
    assert block == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    policy = json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"])
    (statement,) = policy["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert statement["Action"] == "s3:GetObject"
    assert statement["Resource"] == f"arn:aws:s3:::{BUCKET}/*"
    assert statement["Condition"] == {"StringEquals": {"AWS:SourceArn": distribution["ARN"]}}


def test_rerun_updates_the_same_distribution(aws_environment):
    first = set_up_distribution()

    second = set_up_distribution()

    assert second["distribution_id"] == first["distribution_id"]
    assert second["origin_access_control_id"] == first["origin_access_control_id"]
    listing = boto3.client("cloudfront").list_distributions()["DistributionList"]
    assert [item["Id"] for item in listing["Items"]] == [first["distribution_id"]]


def test_sync_then_invalidation_through_the_aws_cli(aws_environment, site_dir):
    distribution_id = set_up_distribution()["distribution_id"]

    run_sync(aws_environment, site_dir, "--distribution-id", distribution_id)

    cloudfront = boto3.client("cloudfront")
    (summary,) = cloudfront.list_invalidations(DistributionId=distribution_id)["InvalidationList"]["Items"]
    invalidation = cloudfront.get_invalidation(DistributionId=distribution_id, Id=summary["Id"])[
        "Invalidation"
    ]
    assert invalidation["InvalidationBatch"]["Paths"]["Items"] == ["/*"]


def test_dns_records_come_from_the_distribution_and_the_certificate(aws_environment):
    certificate_arn = create_certificate("example.com")
    outputs = set_up_distribution(
        "--certificate-arn", certificate_arn, "--alias", "example.com", "--alias", "www.example.com"
    )

    printed = run_entrypoint(
        "dns_records.py",
        "print",
        "--format",
        "tsv",
        "--distribution-id",
        outputs["distribution_id"],
        "--certificate-arn",
        certificate_arn,
        "--domain",
        "example.com",
    )

    assert printed.returncode == 0, printed.stderr
    rows = [line.split("\t") for line in printed.stdout.splitlines()]
    domain = outputs["distribution_domain"]
    assert ["ALIAS", "@", "example.com", domain] in rows
    assert ["CNAME", "www", "www.example.com", domain] in rows
    certificate = boto3.client("acm", region_name="us-east-1").describe_certificate(
        CertificateArn=certificate_arn
    )
    for option in certificate["Certificate"]["DomainValidationOptions"]:
        record = option["ResourceRecord"]
        fully_qualified = record["Name"].rstrip(".")
        host = fully_qualified.removesuffix(".example.com")
        assert [record["Type"], host, fully_qualified, record["Value"].rstrip(".")] in rows

"""The CloudFront side: distribution config, security headers, bucket policy, and the API calls
that moto lacks (CloudFront Functions, response headers policies), checked with botocore's Stubber
against the real service model."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from botocore.validate import ParamValidator

from hyperion.cloud import aws, distribution
from hyperion.cloud.site import CONTENT_TYPES

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
DISTRIBUTION_ARN = "arn:aws:cloudfront::123456789012:distribution/E2EXAMPLE"
CERTIFICATE_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d"
FUNCTION_ARN = "arn:aws:cloudfront::123456789012:function/hyperion-spa-rewrite"
HEADERS_POLICY_ID = "0a1b2c3d-1111-2222-3333-444455556666"


def offline_cloudfront_client():
    """A real botocore client (real service model) with dummy credentials; a Stubber answers it."""
    return boto3.client(
        "cloudfront", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )


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
        "response_headers_policy_id": HEADERS_POLICY_ID,
        "caller_reference": "run-1",
    }
    arguments.update(overrides)
    return distribution.build_distribution_config(load_template(), **arguments)


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
    assert behavior["ResponseHeadersPolicyId"] == HEADERS_POLICY_ID
    assert config["DefaultRootObject"] == "index.html"
    assert config["CustomErrorResponses"] == {"Quantity": 0}
    assert config["ViewerCertificate"]["ACMCertificateArn"] == CERTIFICATE_ARN
    assert config["ViewerCertificate"]["MinimumProtocolVersion"].startswith("TLSv1.2")
    assert config["Aliases"] == {"Quantity": 2, "Items": ["example.com", "www.example.com"]}
    assert distribution.validate_distribution_config(config) == []


def test_template_is_not_modified_by_building():
    template = load_template()
    distribution.build_distribution_config(
        template,
        bucket="b",
        region="us-east-1",
        origin_access_control_id="E1",
        certificate_arn=None,
        aliases=[],
        spa_function_arn=None,
        response_headers_policy_id=None,
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
    problems = distribution.validate_distribution_config(config)
    assert len(problems) == 3
    assert any("custom error" in problem for problem in problems)


def test_bucket_policy_grants_only_the_distribution():
    policy = distribution.bucket_policy("hyperion-site", DISTRIBUTION_ARN)
    (statement,) = policy["Statement"]
    assert statement["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert statement["Action"] == "s3:GetObject"
    assert statement["Resource"] == "arn:aws:s3:::hyperion-site/*"
    assert statement["Condition"] == {"StringEquals": {"AWS:SourceArn": DISTRIBUTION_ARN}}


def test_validation_requires_the_security_headers_policy():
    config = build_config(response_headers_policy_id=None)
    assert distribution.validate_distribution_config(config) == [
        "the security headers policy must be attached"
    ]


def test_distribution_config_is_valid_for_cloudfronts_model():
    client = offline_cloudfront_client()
    operation = client.meta.service_model.operation_model("CreateDistribution")
    report = ParamValidator().validate({"DistributionConfig": build_config()}, operation.input_shape)
    assert not report.has_errors(), report.generate_report()


# --- security headers ----------------------------------------------------------------------

SECURITY_HEADERS_PATH = REPOSITORY_ROOT / "deploy" / "security_headers.json"


def test_csp_allows_only_the_sites_own_origin_plus_wasm_compilation():
    headers = distribution.load_security_headers(SECURITY_HEADERS_PATH)
    directives = distribution.content_security_policy_directives(headers["Content-Security-Policy"])
    assert directives["default-src"] == ["'self'"]
    assert "'wasm-unsafe-eval'" in directives["script-src"]
    allowed = {"'self'", "'none'", "'wasm-unsafe-eval'", "data:"}
    # CodeMirror (the /analytics editor) injects <style> elements; scripts stay strict.
    style_allowed = allowed | {"'unsafe-inline'"}
    for directive, sources in directives.items():
        permitted = style_allowed if directive == "style-src" else allowed
        assert set(sources) <= permitted, f"{directive} allows {set(sources) - permitted}"
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in headers["Content-Security-Policy"]
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]


def test_response_headers_policy_carries_every_header_of_the_file():
    headers = distribution.load_security_headers(SECURITY_HEADERS_PATH)
    config = distribution.response_headers_policy_config(headers, "name", "comment")
    security = config["SecurityHeadersConfig"]
    assert security["ContentSecurityPolicy"]["ContentSecurityPolicy"] == headers["Content-Security-Policy"]
    assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31_536_000
    assert security["StrictTransportSecurity"]["IncludeSubdomains"] is True
    assert security["ContentTypeOptions"] == {"Override": True}
    assert security["ReferrerPolicy"]["ReferrerPolicy"] == headers["Referrer-Policy"]
    assert security["FrameOptions"]["FrameOption"] == "DENY"
    assert all(value["Override"] is True for value in security.values())


@pytest.mark.parametrize(
    ("header", "value", "reason"),
    [
        ("Strict-Transport-Security", "includeSubDomains", "max-age"),
        ("Strict-Transport-Security", "max-age=10; always", "unknown part"),
        ("X-Content-Type-Options", "sniff", "nosniff"),
        ("Referrer-Policy", "everywhere", "Referrer-Policy"),
        ("Permissions-Policy", "camera=()", "no CloudFront security header"),
    ],
)
def test_a_header_cloudfront_cannot_send_is_refused(header, value, reason):
    headers = distribution.load_security_headers(SECURITY_HEADERS_PATH)
    headers[header] = value
    with pytest.raises(distribution.SecurityHeadersError, match=reason):
        distribution.response_headers_policy_config(headers, "name", "comment")


def test_a_headers_file_without_csp_is_refused(tmp_path):
    path = tmp_path / "headers.json"
    path.write_text(json.dumps({"X-Content-Type-Options": "nosniff"}))
    with pytest.raises(distribution.SecurityHeadersError, match="Content-Security-Policy"):
        distribution.load_security_headers(path)


# --- calls moto lacks, against botocore's real CloudFront model -----------------------------


@pytest.fixture
def cloudfront():
    client = offline_cloudfront_client()
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def function_summary(name: str, stage: str) -> dict:
    return {
        "Name": name,
        "FunctionConfig": distribution.SPA_FUNCTION_CONFIG,
        "FunctionMetadata": {
            "FunctionARN": f"arn:aws:cloudfront::123456789012:function/{name}",
            "Stage": stage,
            "LastModifiedTime": "2026-01-01T00:00:00Z",
        },
    }


SPA_CODE = (REPOSITORY_ROOT / "deploy" / "spa_rewrite.js").read_bytes()


def test_new_spa_function_is_created_then_published(cloudfront):
    client, stubber = cloudfront
    stubber.add_client_error(
        "describe_function",
        "NoSuchFunctionExists",
        http_status_code=404,
        expected_params={"Name": "spa", "Stage": "DEVELOPMENT"},
    )
    stubber.add_response(
        "create_function",
        {"FunctionSummary": function_summary("spa", "DEVELOPMENT"), "ETag": "ETAG1", "Location": "loc"},
        {"Name": "spa", "FunctionConfig": distribution.SPA_FUNCTION_CONFIG, "FunctionCode": SPA_CODE},
    )
    stubber.add_response(
        "publish_function",
        {"FunctionSummary": function_summary("spa", "LIVE")},
        {"Name": "spa", "IfMatch": "ETAG1"},
    )

    arn = aws.ensure_spa_function(client, "spa", SPA_CODE)

    assert arn == "arn:aws:cloudfront::123456789012:function/spa"


def test_existing_spa_function_is_updated_with_its_etag_then_published(cloudfront):
    client, stubber = cloudfront
    stubber.add_response(
        "describe_function",
        {"FunctionSummary": function_summary("spa", "DEVELOPMENT"), "ETag": "ETAG7"},
        {"Name": "spa", "Stage": "DEVELOPMENT"},
    )
    stubber.add_response(
        "update_function",
        {"FunctionSummary": function_summary("spa", "DEVELOPMENT"), "ETag": "ETAG8"},
        {
            "Name": "spa",
            "IfMatch": "ETAG7",
            "FunctionConfig": distribution.SPA_FUNCTION_CONFIG,
            "FunctionCode": SPA_CODE,
        },
    )
    stubber.add_response(
        "publish_function",
        {"FunctionSummary": function_summary("spa", "LIVE")},
        {"Name": "spa", "IfMatch": "ETAG8"},
    )

    assert aws.ensure_spa_function(client, "spa", SPA_CODE).endswith(":function/spa")


def test_other_function_errors_are_not_swallowed(cloudfront):
    client, stubber = cloudfront
    stubber.add_client_error("describe_function", "AccessDenied", http_status_code=403)
    with pytest.raises(ClientError, match="AccessDenied"):
        aws.ensure_spa_function(client, "spa", SPA_CODE)


def headers_policy_config() -> dict:
    headers = distribution.load_security_headers(SECURITY_HEADERS_PATH)
    return distribution.response_headers_policy_config(
        headers, distribution.RESPONSE_HEADERS_POLICY_NAME, "c"
    )


def headers_policy(policy_id: str, config: dict) -> dict:
    return {
        "Id": policy_id,
        "LastModifiedTime": "2026-01-01T00:00:00Z",
        "ResponseHeadersPolicyConfig": config,
    }


def test_security_headers_policy_is_created_when_missing(cloudfront):
    client, stubber = cloudfront
    config = headers_policy_config()
    stubber.add_response(
        "list_response_headers_policies",
        {"ResponseHeadersPolicyList": {"MaxItems": 100, "Quantity": 0, "Items": []}},
        {"Type": "custom"},
    )
    stubber.add_response(
        "create_response_headers_policy",
        {"ResponseHeadersPolicy": headers_policy(HEADERS_POLICY_ID, config), "ETag": "E1", "Location": "l"},
        {"ResponseHeadersPolicyConfig": config},
    )
    assert aws.ensure_response_headers_policy(client, config) == HEADERS_POLICY_ID


def test_security_headers_policy_is_updated_in_place(cloudfront):
    client, stubber = cloudfront
    config = headers_policy_config()
    other = {**config, "Name": "someone-elses-policy"}
    listing = {
        "MaxItems": 100,
        "Quantity": 2,
        "Items": [
            {"Type": "custom", "ResponseHeadersPolicy": headers_policy("other-id", other)},
            {"Type": "custom", "ResponseHeadersPolicy": headers_policy(HEADERS_POLICY_ID, config)},
        ],
    }
    stubber.add_response(
        "list_response_headers_policies", {"ResponseHeadersPolicyList": listing}, {"Type": "custom"}
    )
    stubber.add_response(
        "get_response_headers_policy_config",
        {"ResponseHeadersPolicyConfig": config, "ETag": "E5"},
        {"Id": HEADERS_POLICY_ID},
    )
    stubber.add_response(
        "update_response_headers_policy",
        {"ResponseHeadersPolicy": headers_policy(HEADERS_POLICY_ID, config), "ETag": "E6"},
        {"ResponseHeadersPolicyConfig": config, "Id": HEADERS_POLICY_ID, "IfMatch": "E5"},
    )
    assert aws.ensure_response_headers_policy(client, config) == HEADERS_POLICY_ID


# --- the SPA function's code, under node ---------------------------------------------------


def test_spa_function_node_tests_pass():
    completed = subprocess.run(
        ["node", "--test", "--test-reporter=tap", str(REPOSITORY_ROOT / "deploy" / "tests")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-2000:]
    counts = dict(re.findall(r"^# (pass|fail|tests) (\d+)$", completed.stdout, flags=re.MULTILINE))
    assert int(counts["fail"]) == 0
    assert int(counts["pass"]) == int(counts["tests"]) >= 10
    assert "mr.-peabody-sherman -> /index.html" in completed.stdout


def test_spa_function_knows_every_extension_the_site_uploads():
    source = (REPOSITORY_ROOT / "deploy" / "spa_rewrite.js").read_text()
    listed = re.search(r"var FILE_EXTENSIONS = \[(.*?)\];", source, flags=re.DOTALL).group(1)
    extensions = set(re.findall(r"'([a-z0-9]+)'", listed))
    assert extensions == {suffix.lstrip(".") for suffix in CONTENT_TYPES}


def test_cache_key_must_include_accept_encoding():
    config = build_config()
    assert distribution.validate_distribution_config(config) == []
    assert config["DefaultCacheBehavior"]["CachePolicyId"] in distribution.ACCEPT_ENCODING_KEYED
    # Managed-CachingDisabled: no Accept-Encoding in the key, so encodings could be mixed up.
    config["DefaultCacheBehavior"]["CachePolicyId"] = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
    problems = distribution.validate_distribution_config(config)
    assert problems == [
        "the cache policy must key on Accept-Encoding (gzip and br): use Managed-CachingOptimized"
    ]

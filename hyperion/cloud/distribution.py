"""The CloudFront side of the site: distribution config, security headers, bucket policy.

Pure functions: they turn the static template ``deploy/cloudfront_config.json``, the security
headers of ``deploy/security_headers.json`` and a few identifiers into the documents CloudFront and
S3 expect. ``hyperion.cloud.aws`` sends them.

The security headers are defined once, in ``deploy/security_headers.json`` as plain HTTP headers:
``frontend/scripts/serve.mjs`` sends them as they are (``make serve`` and the Chromium e2e run under
the same policy), and ``response_headers_policy_config`` turns them into CloudFront's structured
SecurityHeadersConfig. The Content-Security-Policy allows only the site's own origin, plus
``'wasm-unsafe-eval'``, without which DuckDB-WASM cannot compile its wasm and start-up hangs.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from hyperion.cloud.site import ENTRY_DOCUMENT

SPA_FUNCTION_RUNTIME = "cloudfront-js-2.0"
SPA_FUNCTION_NAME = "hyperion-spa-rewrite"
ORIGIN_ID = "hyperion-site-bucket"
ORIGIN_ACCESS_CONTROL_NAME = "hyperion-site-oac"
RESPONSE_HEADERS_POLICY_NAME = "hyperion-site-security-headers"
# Managed cache policies whose cache key includes the normalized Accept-Encoding (gzip and br
# enabled). The SPA function already puts the encoding into the URI (x.wasm.br), so each variant
# is cached under its own key; keying on Accept-Encoding as well keeps CloudFront's own
# compression of the other files apart per encoding. CachingDisabled and friends would not.
ACCEPT_ENCODING_PROBLEM = (
    "the cache policy must key on Accept-Encoding (gzip, br): use Managed-CachingOptimized"
)
ACCEPT_ENCODING_KEYED = frozenset({"658327ea-f89d-4fab-a63d-7e88639e58f6"})  # Managed-CachingOptimized

# CloudFront's SecurityHeadersConfig accepts these referrer policies and frame options only.
REFERRER_POLICIES = frozenset(
    {
        "no-referrer",
        "no-referrer-when-downgrade",
        "origin",
        "origin-when-cross-origin",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
        "unsafe-url",
    }
)
FRAME_OPTIONS = frozenset({"DENY", "SAMEORIGIN"})
REQUIRED_SECURITY_HEADERS = (
    "Content-Security-Policy",
    "Strict-Transport-Security",
    "X-Content-Type-Options",
    "Referrer-Policy",
)


class SecurityHeadersError(ValueError):
    """The security headers file breaks a rule (names the header and why)."""


def load_security_headers(path: Path) -> dict[str, str]:
    """Read ``deploy/security_headers.json``: header name to value, all required ones present."""
    headers = json.loads(path.read_text(encoding="utf-8"))
    missing = [name for name in REQUIRED_SECURITY_HEADERS if name not in headers]
    if missing:
        raise SecurityHeadersError(f"{path}: missing {', '.join(missing)}")
    return headers


def content_security_policy_directives(policy: str) -> dict[str, list[str]]:
    """Split a CSP header value into {directive: [sources]}."""
    directives = {}
    for part in policy.split(";"):
        tokens = part.split()
        if tokens:
            directives[tokens[0].lower()] = tokens[1:]
    return directives


def _strict_transport_security(value: str) -> dict[str, Any]:
    config: dict[str, Any] = {"Override": True, "IncludeSubdomains": False, "Preload": False}
    for part in (piece.strip() for piece in value.split(";")):
        name, _, argument = part.partition("=")
        if name.lower() == "max-age" and argument.isdigit():
            config["AccessControlMaxAgeSec"] = int(argument)
        elif name.lower() == "includesubdomains":
            config["IncludeSubdomains"] = True
        elif name.lower() == "preload":
            config["Preload"] = True
        elif part:
            raise SecurityHeadersError(f"Strict-Transport-Security: unknown part {part!r}")
    if "AccessControlMaxAgeSec" not in config:
        raise SecurityHeadersError("Strict-Transport-Security: needs max-age=<seconds>")
    return config


def response_headers_policy_config(headers: dict[str, str], name: str, comment: str) -> dict[str, Any]:
    """CloudFront's ResponseHeadersPolicyConfig carrying exactly the given security headers.

    Every header overrides what the origin sends, so an object's metadata cannot weaken the policy.
    """
    security: dict[str, Any] = {
        "ContentSecurityPolicy": {
            "Override": True,
            "ContentSecurityPolicy": headers["Content-Security-Policy"],
        },
        "StrictTransportSecurity": _strict_transport_security(headers["Strict-Transport-Security"]),
    }
    if headers["X-Content-Type-Options"] != "nosniff":
        raise SecurityHeadersError("X-Content-Type-Options: CloudFront can only send 'nosniff'")
    security["ContentTypeOptions"] = {"Override": True}
    referrer = headers["Referrer-Policy"]
    if referrer not in REFERRER_POLICIES:
        raise SecurityHeadersError(f"Referrer-Policy: {referrer!r} is not one CloudFront can send")
    security["ReferrerPolicy"] = {"Override": True, "ReferrerPolicy": referrer}
    if "X-Frame-Options" in headers:
        if headers["X-Frame-Options"] not in FRAME_OPTIONS:
            raise SecurityHeadersError(f"X-Frame-Options: {headers['X-Frame-Options']!r}")
        security["FrameOptions"] = {"Override": True, "FrameOption": headers["X-Frame-Options"]}
    unknown = set(headers) - set(REQUIRED_SECURITY_HEADERS) - {"X-Frame-Options"}
    if unknown:
        raise SecurityHeadersError(f"no CloudFront security header for {', '.join(sorted(unknown))}")
    return {"Comment": comment, "Name": name, "SecurityHeadersConfig": security}


def bucket_regional_domain(bucket: str, region: str) -> str:
    """The S3 REST endpoint CloudFront must use with Origin Access Control (not the website one)."""
    return f"{bucket}.s3.{region}.amazonaws.com"


def build_distribution_config(
    template: dict[str, Any],
    *,
    bucket: str,
    region: str,
    origin_access_control_id: str,
    certificate_arn: str | None,
    aliases: list[str],
    spa_function_arn: str | None,
    response_headers_policy_id: str | None,
    caller_reference: str,
) -> dict[str, Any]:
    """Fill the static template of ``deploy/cloudfront_config.json`` into a DistributionConfig.

    Aliases need a certificate: with no certificate the distribution uses the default
    ``*.cloudfront.net`` one and no aliases (useful for a first deploy before DNS exists).
    The SPA function association and the response headers policy are left out only when their
    ids are None (for environments without those APIs, such as the moto test server);
    ``validate_distribution_config`` refuses such a config for a real deploy.
    """
    if aliases and not certificate_arn:
        raise ValueError("aliases need an ACM certificate ARN (in us-east-1)")
    if certificate_arn and ":us-east-1:" not in certificate_arn:
        raise ValueError(f"CloudFront needs its ACM certificate in us-east-1, got {certificate_arn}")
    config = copy.deepcopy(template)
    config["CallerReference"] = caller_reference
    config["Aliases"] = {"Quantity": len(aliases), "Items": list(aliases)} if aliases else {"Quantity": 0}
    origin = config["Origins"]["Items"][0]
    origin["Id"] = ORIGIN_ID
    origin["DomainName"] = bucket_regional_domain(bucket, region)
    origin["OriginAccessControlId"] = origin_access_control_id
    # With OAC, S3OriginConfig must be present with an empty identity (the OAI mechanism).
    origin["S3OriginConfig"] = {"OriginAccessIdentity": ""}
    behavior = config["DefaultCacheBehavior"]
    behavior["TargetOriginId"] = ORIGIN_ID
    if spa_function_arn:
        behavior["FunctionAssociations"] = {
            "Quantity": 1,
            "Items": [{"FunctionARN": spa_function_arn, "EventType": "viewer-request"}],
        }
    else:
        behavior["FunctionAssociations"] = {"Quantity": 0}
    if response_headers_policy_id:
        behavior["ResponseHeadersPolicyId"] = response_headers_policy_id
    if certificate_arn:
        config["ViewerCertificate"] = {
            "ACMCertificateArn": certificate_arn,
            "SSLSupportMethod": "sni-only",
            "MinimumProtocolVersion": "TLSv1.2_2021",
            "CloudFrontDefaultCertificate": False,
        }
    else:
        config["ViewerCertificate"] = {"CloudFrontDefaultCertificate": True}
    return config


def validate_distribution_config(
    config: dict[str, Any], *, require_security_headers: bool = True
) -> list[str]:
    """Return the reasons a distribution config breaks the site's rules (empty when fine)."""
    problems = []
    behavior = config.get("DefaultCacheBehavior", {})
    if behavior.get("ViewerProtocolPolicy") not in {"redirect-to-https", "https-only"}:
        problems.append("viewers must be redirected to HTTPS or refused over HTTP")
    if not behavior.get("Compress"):
        problems.append("compression must be on")
    if behavior.get("CachePolicyId") not in ACCEPT_ENCODING_KEYED:
        problems.append(
            "the cache policy must key on Accept-Encoding (gzip and br): use Managed-CachingOptimized"
        )
    if require_security_headers and not behavior.get("ResponseHeadersPolicyId"):
        problems.append("the security headers policy must be attached")
    if config.get("DefaultRootObject") != ENTRY_DOCUMENT:
        problems.append("default root object must be index.html")
    if config.get("CustomErrorResponses", {}).get("Quantity", 0):
        problems.append("no custom error responses: they would serve HTML for a missing .wasm")
    for origin in config.get("Origins", {}).get("Items", []):
        if not origin.get("OriginAccessControlId"):
            problems.append(f"origin {origin.get('Id')} has no Origin Access Control")
        if ".s3-website" in origin.get("DomainName", ""):
            problems.append("origin must be the S3 REST endpoint, not the website endpoint")
    return problems


def bucket_policy(bucket: str, distribution_arn: str) -> dict[str, Any]:
    """Bucket policy letting only this CloudFront distribution read objects (OAC, SourceArn)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowCloudFrontServicePrincipalReadOnly",
                "Effect": "Allow",
                "Principal": {"Service": "cloudfront.amazonaws.com"},
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
                "Condition": {"StringEquals": {"AWS:SourceArn": distribution_arn}},
            }
        ],
    }


BLOCK_ALL_PUBLIC_ACCESS = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}

ORIGIN_ACCESS_CONTROL_CONFIG = {
    "Name": ORIGIN_ACCESS_CONTROL_NAME,
    "Description": "Hyperion site: CloudFront signs every request to the private bucket",
    "SigningProtocol": "sigv4",
    "SigningBehavior": "always",
    "OriginAccessControlOriginType": "s3",
}

SPA_FUNCTION_CONFIG = {"Comment": "Hyperion SPA fallback to /index.html", "Runtime": SPA_FUNCTION_RUNTIME}

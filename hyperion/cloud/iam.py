"""The least-privilege IAM policy of ``make deploy``, rendered from ``deploy/iam/deploy-policy.json``.

The deploy (deploy/s3_sync.sh: deploy/sync_site.py, then the CloudFront invalidation) needs to list
one bucket, read, write and delete its objects (HEAD is s3:GetObject; stale files go
with one DeleteObject each), and invalidate one distribution. Nothing else: the one-time set-up
(deploy/cloudfront_distribution.py) creates buckets, distributions and policies and is run by an
administrator, not by the deploy's identity.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from string import Template
from typing import Any

PLACEHOLDER = re.compile(r"\$\{(\w+)\}")


def render_policy(template_path: Path, **values: str) -> dict[str, Any]:
    """Fill the ``${Name}`` placeholders of a policy template; every one must be given."""
    text = template_path.read_text(encoding="utf-8")
    missing = sorted(set(PLACEHOLDER.findall(text)) - set(values))
    if missing:
        raise ValueError(f"{template_path}: no value for {', '.join(missing)}")
    return json.loads(Template(text).substitute(values))


def statements_allowing(policy: dict[str, Any], action: str) -> list[dict[str, Any]]:
    """The Allow statements that name ``action`` exactly (the policy uses no wildcards)."""
    found = []
    for statement in policy["Statement"]:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        if statement["Effect"] == "Allow" and action in actions:
            found.append(statement)
    return found

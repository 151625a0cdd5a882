#!/usr/bin/env bash
# Publish the built site (frontend/dist) to the S3 bucket, then invalidate CloudFront.
#
# Prerequisites: the site is built (npm run build in frontend/); AWS credentials, profile and
# region come from the standard AWS environment (AWS_PROFILE, AWS_REGION, ...); the bucket and
# the distribution exist (deploy/cloudfront_distribution.py creates them).
# Re-run safety: idempotent. deploy/sync_site.py compares MD5 and headers, so a second run with
# nothing changed uploads nothing; stale objects are deleted after index.html is in place.
#
# Usage: deploy/s3_sync.sh [--dry-run] [--site-dir DIR] [--bucket BUCKET] [--distribution-id ID]
#   bucket default:          $HYPERION_SITE_BUCKET
#   distribution default:    $HYPERION_CLOUDFRONT_DISTRIBUTION_ID (no invalidation when empty)
#   interpreter / CLI:       $PYTHON (default python3), $AWS_CLI (default aws)
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON:-python3}"
aws_cli="${AWS_CLI:-aws}"
site_dir="frontend/dist"
bucket="${HYPERION_SITE_BUCKET:-}"
distribution_id="${HYPERION_CLOUDFRONT_DISTRIBUTION_ID:-}"
dry_run=()

while (($#)); do
  case "$1" in
    --dry-run) dry_run=(--dry-run); shift ;;
    --site-dir) site_dir="$2"; shift 2 ;;
    --bucket) bucket="$2"; shift 2 ;;
    --distribution-id) distribution_id="$2"; shift 2 ;;
    -h | --help) awk 'NR > 1 && /^#/ { print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

if [[ -z "$bucket" ]]; then
  echo "no bucket: pass --bucket or set HYPERION_SITE_BUCKET" >&2
  exit 2
fi

"$python" "$script_dir/sync_site.py" --site-dir "$site_dir" --bucket "$bucket" "${dry_run[@]}"

if [[ -z "$distribution_id" ]]; then
  echo "no distribution id: skipping the CloudFront invalidation" >&2
elif ((${#dry_run[@]})); then
  echo "dry run: would invalidate /* on distribution $distribution_id" >&2
else
  # One wildcard path counts as a single invalidation path (1,000 free per month).
  "$aws_cli" cloudfront create-invalidation --distribution-id "$distribution_id" --paths '/*' \
    --query 'Invalidation.[Id,Status]' --output text
fi

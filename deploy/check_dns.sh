#!/usr/bin/env bash
# Check with dig that the site's Namecheap records are live (apex ALIAS, www CNAME, ACM CNAMEs).
#
# Prerequisites: dig (Debian: dnsutils), the aws credentials that can read the distribution and
# the certificate, and the records entered as docs/dns.md describes.
# Re-run safety: read-only; it only sends DNS queries and AWS Get/Describe calls.
#
# Usage: deploy/check_dns.sh --distribution-id ID --certificate-arn ARN --domain example.com [--resolver 1.1.1.1]
#   interpreter: $PYTHON (default python3). Exit status: 0 when every record answers as expected.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON:-python3}"
domain="${HYPERION_SITE_DOMAIN:-}"
resolver="1.1.1.1"
print_arguments=()

while (($#)); do
  case "$1" in
    --distribution-id | --certificate-arn) print_arguments+=("$1" "$2"); shift 2 ;;
    --domain) domain="$2"; shift 2 ;;
    --resolver) resolver="$2"; shift 2 ;;
    -h | --help) awk 'NR > 1 && /^#/ { print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

command -v dig >/dev/null || { echo "dig not found (apt-get install dnsutils)" >&2; exit 2; }

records="$("$python" "$script_dir/dns_records.py" print --format tsv --domain "$domain" "${print_arguments[@]}")"
failures=0
while IFS=$'\t' read -r record_type host name value; do
  # Namecheap serves an ALIAS as A records: the apex's addresses are compared with those of the
  # distribution's own name, asked of the same resolver (a parking address must not pass).
  if [[ "$record_type" == "ALIAS" ]]; then
    answers="$(dig +noall +answer "@$resolver" "$name" A; dig +noall +answer "@$resolver" "$value" A)"
  else
    answers="$(dig +noall +answer "@$resolver" "$name" "$record_type")"
  fi
  if ! "$python" "$script_dir/dns_records.py" verify --domain "$domain" --type "$record_type" \
    --host "$host" --value "$value" <<<"$answers"; then
    failures=$((failures + 1))
  fi
done <<<"$records"

if ((failures)); then
  echo "$failures record(s) not live yet (DNS changes can take up to 30 minutes at Namecheap)" >&2
  exit 1
fi
echo "all records live" >&2

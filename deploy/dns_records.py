"""Print the Namecheap DNS records for the site, or check one record against dig's answers.

Inputs (print): --distribution-id, --certificate-arn (us-east-1), --domain; values come from AWS.
Inputs (verify): dig +noall +answer output on stdin (for ALIAS: the apex's and the distribution's).
Outputs: the records (table or tsv); verify prints ok/FAIL and exits 0 when live, else 1.
Run: .venv/bin/python deploy/dns_records.py print --distribution-id E1 --certificate-arn A --domain D
     (dig ...) | .venv/bin/python deploy/dns_records.py verify --domain D --type CNAME --host www --value V
"""

from __future__ import annotations

import argparse
import logging
import sys

from botocore.exceptions import ClientError

from hyperion.cloud import aws, dns
from hyperion.config import get_settings
from hyperion.logs import configure_logging

logger = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    settings = get_settings()  # ACM is asked in us-east-1: CloudFront's certificates live there.
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    printer = commands.add_parser("print", help="print the records to create at Namecheap")
    printer.add_argument("--distribution-id", default=settings.cloudfront_distribution_id or None)
    printer.add_argument("--certificate-arn", default=settings.acm_certificate_arn or None)
    printer.add_argument("--domain", default=settings.site_domain or None, help="apex domain")
    printer.add_argument("--format", choices=["table", "tsv"], default="table")
    verifier = commands.add_parser("verify", help="check one record against dig output read from stdin")
    verifier.add_argument("--domain", required=True, help="apex domain")
    verifier.add_argument("--type", dest="record_type", required=True, choices=["ALIAS", "CNAME", "A", "TXT"])
    verifier.add_argument("--host", required=True, help="as in Namecheap, @ for the apex")
    verifier.add_argument("--value", required=True, help="expected value")
    arguments = parser.parse_args(argv)
    configure_logging()
    if arguments.command == "verify":
        record = dns.DnsRecord(arguments.record_type, arguments.host, arguments.value, "")
        ok, message = dns.check_record(record, arguments.domain, sys.stdin.read())
        print(message)
        return 0 if ok else 1
    if not (arguments.distribution_id and arguments.certificate_arn and arguments.domain):
        parser.error("print needs --distribution-id, --certificate-arn and --domain")
    (cloudfront_client,), (acm_client,) = aws.clients("cloudfront"), aws.clients("acm", region="us-east-1")
    names = (arguments.distribution_id, arguments.certificate_arn, arguments.domain)
    try:
        records = aws.fetch_dns_records(cloudfront_client, acm_client, *names)
    except ClientError as error:
        logger.error("%s", error)
        return 1
    print(dns.format_records(records, arguments.domain, arguments.format))
    return 0


if __name__ == "__main__":
    sys.exit(main())

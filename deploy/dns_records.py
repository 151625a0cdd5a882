"""Print the Namecheap DNS records for the site, or check one record against dig's answer.

Purpose: the records to type into Namecheap's Advanced DNS page come from AWS, not from memory:
the distribution's ``*.cloudfront.net`` name (CloudFront GetDistribution) and the certificate's
DNS-validation CNAMEs (ACM DescribeCertificate). ``deploy/check_dns.sh`` then uses the ``verify``
sub-command to check each record once it is live.

Inputs (print): --distribution-id, --certificate-arn (us-east-1), --domain (the apex, example.com).
Credentials, profile and endpoint come from the standard AWS environment; ACM is always asked in
us-east-1, where CloudFront certificates live.
Outputs (print): a readable table on stdout, or with --format tsv one record per line:
``type<TAB>host<TAB>fully-qualified name<TAB>value``.
Inputs (verify): dig's ``+noall +answer`` output on stdin and the expected record as arguments;
exit status 0 when the record is live, 1 when not, with one ``ok``/``FAIL`` line on stdout.

Run: .venv/bin/python deploy/dns_records.py print --distribution-id E123 \\
        --certificate-arn arn:aws:acm:us-east-1:<account>:certificate/<id> --domain example.com
     dig +noall +answer www.example.com CNAME | .venv/bin/python deploy/dns_records.py verify \\
        --domain example.com --type CNAME --host www --value d111.cloudfront.net
"""

from __future__ import annotations

import argparse
import logging
import sys

import boto3
from botocore.exceptions import ClientError

from hyperion.config import get_settings
from hyperion.deploy import DnsRecord, check_record, namecheap_records

logger = logging.getLogger(__name__)


def fetch_records(distribution_id: str, certificate_arn: str, apex_domain: str) -> list[DnsRecord]:
    """Ask CloudFront and ACM for the values, and turn them into Namecheap records."""
    cloudfront_client = boto3.client("cloudfront")
    acm_client = boto3.client("acm", region_name="us-east-1")
    distribution = cloudfront_client.get_distribution(Id=distribution_id)["Distribution"]
    certificate = acm_client.describe_certificate(CertificateArn=certificate_arn)["Certificate"]
    validation_records = [
        option["ResourceRecord"]
        for option in certificate.get("DomainValidationOptions", [])
        if option.get("ResourceRecord")
    ]
    if not validation_records:
        logger.warning("the certificate lists no DNS validation records yet (requested with DNS validation?)")
    return namecheap_records(apex_domain, distribution["DomainName"], validation_records)


def format_records(records: list[DnsRecord], apex_domain: str, output_format: str) -> str:
    """Render the records as a table for people or as TSV for check_dns.sh."""
    if output_format == "tsv":
        return "\n".join(
            f"{record.record_type}\t{record.host}\t{record.fully_qualified_name(apex_domain)}\t{record.value}"
            for record in records
        )
    lines = [f"{'Type':<6} {'Host':<45} {'Value':<60} Purpose"]
    lines += [
        f"{record.record_type:<6} {record.host:<45} {record.value:<60} {record.purpose}" for record in records
    ]
    lines.append("TTL: Automatic. Namecheap adds the domain to Host itself: type the Host column as shown.")
    return "\n".join(lines)


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    printer = commands.add_parser("print", help="print the records to create at Namecheap")
    printer.add_argument(
        "--distribution-id", default=get_settings().cloudfront_distribution_id or None, required=False
    )
    printer.add_argument("--certificate-arn", default=get_settings().acm_certificate_arn or None)
    printer.add_argument("--domain", default=get_settings().site_domain or None, help="apex domain")
    printer.add_argument("--format", choices=["table", "tsv"], default="table")
    verifier = commands.add_parser("verify", help="check one record against dig output read from stdin")
    verifier.add_argument("--domain", required=True, help="apex domain")
    verifier.add_argument("--type", dest="record_type", required=True, choices=["ALIAS", "CNAME", "A", "TXT"])
    verifier.add_argument("--host", required=True, help="host as in Namecheap ('@' for the apex)")
    verifier.add_argument("--value", required=True, help="expected value")
    arguments = parser.parse_args(argv)
    if arguments.command == "print":
        missing = [
            name for name in ("distribution_id", "certificate_arn", "domain") if not getattr(arguments, name)
        ]
        if missing:
            parser.error(f"missing: {', '.join('--' + name.replace('_', '-') for name in missing)}")
    return arguments


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    arguments = parse_arguments(argv)
    if arguments.command == "verify":
        record = DnsRecord(arguments.record_type, arguments.host, arguments.value, "")
        ok, message = check_record(record, arguments.domain, sys.stdin.read())
        print(message)
        return 0 if ok else 1
    try:
        records = fetch_records(arguments.distribution_id, arguments.certificate_arn, arguments.domain)
    except ClientError as error:
        logger.error("%s", error)
        return 1
    print(format_records(records, arguments.domain, arguments.format))
    return 0


if __name__ == "__main__":
    sys.exit(main())

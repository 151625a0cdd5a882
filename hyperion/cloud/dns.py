"""The DNS records of the site at Namecheap, and the check that each one is live.

Pure functions: ``namecheap_records`` turns the distribution's domain and ACM's validation records
into what to type into Namecheap's Advanced DNS page; ``check_record`` compares one expected record
with ``dig +noall +answer`` output. ``hyperion.cloud.aws.fetch_dns_inputs`` asks AWS for the inputs;
``deploy/dns_records.py`` and ``deploy/check_dns.sh`` wire them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DnsRecord:
    """One record as typed into Namecheap's Advanced DNS page (host relative to the domain)."""

    record_type: str
    host: str
    value: str
    purpose: str

    def fully_qualified_name(self, apex_domain: str) -> str:
        """The record's name as dig asks for it."""
        return apex_domain if self.host == "@" else f"{self.host}.{apex_domain}"


def relative_host(name: str, apex_domain: str) -> str:
    """Turn ``_abc.www.example.com.`` into Namecheap's host field ``_abc.www`` (``@`` for apex)."""
    bare = name.rstrip(".").lower()
    apex = apex_domain.rstrip(".").lower()
    if bare == apex:
        return "@"
    if not bare.endswith("." + apex):
        raise ValueError(f"{name} is not inside {apex_domain}")
    return bare[: -(len(apex) + 1)]


def namecheap_records(
    apex_domain: str, distribution_domain: str, validation_records: list[dict[str, str]]
) -> list[DnsRecord]:
    """The records for Namecheap: apex ALIAS and www CNAME to CloudFront, and ACM validation CNAMEs.

    ``validation_records`` are ACM's ``DomainValidationOptions[].ResourceRecord`` dicts
    (Name, Type, Value); duplicates (apex and www often share one) are listed once.
    """
    target = distribution_domain.rstrip(".")
    records = [
        DnsRecord("ALIAS", "@", target, "apex to CloudFront (Namecheap ALIAS, resolved to A records)"),
        DnsRecord("CNAME", "www", target, "www to CloudFront"),
    ]
    seen = set()
    for validation in validation_records:
        host = relative_host(validation["Name"], apex_domain)
        value = validation["Value"].rstrip(".")
        if (host, value) in seen:
            continue
        seen.add((host, value))
        records.append(DnsRecord(validation.get("Type", "CNAME"), host, value, "ACM certificate validation"))
    return records


@dataclass(frozen=True)
class DigAnswer:
    """One answer line of ``dig +noall +answer``."""

    name: str
    ttl: int
    record_type: str
    value: str


def parse_dig_answers(text: str) -> list[DigAnswer]:
    """Parse the output of ``dig +noall +answer NAME TYPE`` (comments and blanks ignored)."""
    answers = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(";"):
            continue
        fields = stripped.split(None, 4)
        if len(fields) != 5 or fields[2] != "IN":
            continue
        name, ttl, _class, record_type, value = fields
        answers.append(DigAnswer(name.rstrip(".").lower(), int(ttl), record_type.upper(), value.rstrip(".")))
    return answers


def check_record(record: DnsRecord, apex_domain: str, dig_output: str) -> tuple[bool, str]:
    """Check one expected record against dig's answer section; return (ok, message).

    A CNAME must point at the expected value. An ALIAS is flattened by Namecheap into A records,
    so ``dig_output`` must hold the answers for both the apex and the ALIAS target (the
    distribution's ``*.cloudfront.net`` name, resolved by the same resolver): the check passes
    only when every apex address is one of the distribution's. A registrar's parking address,
    or an old server's, fails.
    """
    name = record.fully_qualified_name(apex_domain)
    answers = parse_dig_answers(dig_output)
    if record.record_type == "ALIAS":
        return _check_alias(name, record.value.lower(), answers)
    found = [
        answer.value.lower()
        for answer in answers
        if answer.record_type == record.record_type and answer.name == name.lower()
    ]
    if record.value.lower() in found:
        return True, f"ok   {name} {record.record_type} {record.value}"
    return False, f"FAIL {name} {record.record_type}: expected {record.value}, got {found or 'nothing'}"


def _check_alias(name: str, target: str, answers: list[DigAnswer]) -> tuple[bool, str]:
    apex_addresses = {
        answer.value for answer in answers if answer.record_type == "A" and answer.name == name.lower()
    }
    target_addresses = {
        answer.value for answer in answers if answer.record_type == "A" and answer.name == target
    }
    if not target_addresses:
        return False, f"FAIL {name}: the ALIAS target {target} did not resolve (no A records to compare with)"
    if not apex_addresses:
        return False, f"FAIL {name}: no A records (expected ALIAS to {target})"
    strangers = sorted(apex_addresses - target_addresses)
    if strangers:
        return False, (
            f"FAIL {name} A {', '.join(strangers)} not among {target}'s addresses "
            f"({', '.join(sorted(target_addresses))}): the ALIAS does not point at the distribution"
        )
    return True, f"ok   {name} A {', '.join(sorted(apex_addresses))} (ALIAS to {target})"


def format_records(records: list[DnsRecord], apex_domain: str, output_format: str) -> str:
    """Render the records as a table for people or as TSV (type, host, name, value) for check_dns.sh."""
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

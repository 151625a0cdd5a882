"""The Namecheap records and their check against dig's answers."""

from __future__ import annotations

import pytest

from hyperion.cloud import dns

# --- DNS -----------------------------------------------------------------------------------

VALIDATION_RECORDS = [
    {"Name": "_a1b2.example.com.", "Type": "CNAME", "Value": "_c3d4.xlfgrmvvlj.acm-validations.aws."},
    {"Name": "_e5f6.www.example.com.", "Type": "CNAME", "Value": "_g7h8.xlfgrmvvlj.acm-validations.aws."},
    {"Name": "_a1b2.example.com.", "Type": "CNAME", "Value": "_c3d4.xlfgrmvvlj.acm-validations.aws."},
]


def test_namecheap_records_use_relative_hosts_and_list_validation_once():
    records = dns.namecheap_records("example.com", "d111abcdef8.cloudfront.net.", VALIDATION_RECORDS)
    assert [(record.record_type, record.host, record.value) for record in records] == [
        ("ALIAS", "@", "d111abcdef8.cloudfront.net"),
        ("CNAME", "www", "d111abcdef8.cloudfront.net"),
        ("CNAME", "_a1b2", "_c3d4.xlfgrmvvlj.acm-validations.aws"),
        ("CNAME", "_e5f6.www", "_g7h8.xlfgrmvvlj.acm-validations.aws"),
    ]
    assert records[3].fully_qualified_name("example.com") == "_e5f6.www.example.com"


def test_relative_host_rejects_names_outside_the_domain():
    with pytest.raises(ValueError, match="not inside"):
        dns.relative_host("_x.example.org.", "example.com")


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
    assert dns.parse_dig_answers(DIG_APEX + DIG_CNAME) == [
        dns.DigAnswer("example.com", 60, "A", "18.244.102.12"),
        dns.DigAnswer("example.com", 60, "A", "18.244.102.80"),
        dns.DigAnswer("www.example.com", 1799, "CNAME", "d111abcdef8.cloudfront.net"),
    ]


DIG_TARGET = """\
d111abcdef8.cloudfront.net. 60\tIN\tA\t18.244.102.80
d111abcdef8.cloudfront.net. 60\tIN\tA\t18.244.102.12
d111abcdef8.cloudfront.net. 60\tIN\tA\t18.244.102.47
"""
# What a registrar's parking page answers for the apex before the ALIAS is set.
DIG_PARKED = "example.com.\t\t1799\tIN\tA\t198.54.117.200\n"


def test_check_record_against_recorded_dig_output():
    www = dns.DnsRecord("CNAME", "www", "d111abcdef8.cloudfront.net", "")
    apex = dns.DnsRecord("ALIAS", "@", "d111abcdef8.cloudfront.net", "")
    wrong = dns.DnsRecord("CNAME", "www", "d999.cloudfront.net", "")
    assert dns.check_record(www, "example.com", DIG_CNAME)[0] is True
    assert dns.check_record(apex, "example.com", DIG_APEX + DIG_TARGET)[0] is True
    ok, message = dns.check_record(wrong, "example.com", DIG_CNAME)
    assert ok is False
    assert "d111abcdef8.cloudfront.net" in message
    assert dns.check_record(apex, "example.com", "")[0] is False


def test_alias_pointing_at_a_parking_address_fails():
    apex = dns.DnsRecord("ALIAS", "@", "d111abcdef8.cloudfront.net", "")
    ok, message = dns.check_record(apex, "example.com", DIG_PARKED + DIG_TARGET)
    assert ok is False
    assert "198.54.117.200" in message


def test_alias_with_one_stray_address_fails():
    apex = dns.DnsRecord("ALIAS", "@", "d111abcdef8.cloudfront.net", "")
    ok, message = dns.check_record(apex, "example.com", DIG_APEX + DIG_PARKED + DIG_TARGET)
    assert ok is False
    assert "198.54.117.200" in message and "18.244.102.12" not in message.split("not among")[0]


def test_alias_cannot_pass_without_the_distribution_addresses():
    apex = dns.DnsRecord("ALIAS", "@", "d111abcdef8.cloudfront.net", "")
    ok, message = dns.check_record(apex, "example.com", DIG_APEX)
    assert ok is False
    assert "did not resolve" in message

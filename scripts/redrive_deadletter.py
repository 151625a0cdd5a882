"""Re-drive dead letters once fixed: export them for editing, then send them back through the producers.

Inputs:  export: the dead-letter topic (HYPERION_TOPIC_DEADLETTER), or --from-landing ROOT (the landed
         <ROOT>/rejects/ files), filtered by --select field=value or field~=text (stage, topic, reason...).
         send: --from-file FIXED.jsonl (the exported lines, payloads fixed).
Outputs: export: JSON Lines on stdout. send: records on their raw topics in the producers' envelopes (still
         invalid ones on the dead-letter topic), a run manifest in <--landing-root>/raw/_runs/, and one
         summary line per topic on stdout. Exit 1 if a delivery failed. Re-running a send is safe: records
         already sent by the same content are skipped (see hyperion/ingest/redrive.py and docs/reconcile.md).

Run:
    .venv/bin/python scripts/redrive_deadletter.py export --select topic=raw-films > fixed.jsonl
    .venv/bin/python scripts/redrive_deadletter.py send --from-file fixed.jsonl
"""

from __future__ import annotations

import json
import sys

from hyperion.config import get_settings
from hyperion.ingest.redrive import (
    build_parser,
    editable_line,
    iter_deadletter_values,
    parse_fixed_lines,
    selected,
    send_fixed,
)
from hyperion.logs import configure_logging


def main(argv: list[str] | None = None) -> int:
    arguments = build_parser(__doc__).parse_args(argv)
    configure_logging()
    settings = get_settings()
    if arguments.command == "export":
        for value in selected(iter_deadletter_values(settings, arguments.from_landing), arguments.select):
            print(json.dumps(editable_line(value), ensure_ascii=False, sort_keys=True))
        return 0
    lines = parse_fixed_lines(arguments.from_file.read_text(encoding="utf-8"), str(arguments.from_file))
    outcomes = send_fixed(settings, lines, arguments.landing_root, str(arguments.from_file.resolve()))
    for outcome in outcomes:
        print(outcome.one_line())
    return 1 if any(outcome.failed for outcome in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())

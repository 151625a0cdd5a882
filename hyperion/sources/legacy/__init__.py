"""The legacy importer: source folders in the original author's layout (docs/legacy-import.md).

* :mod:`hyperion.sources.legacy.layout` detects a file's layout and matches films to the catalog;
* :mod:`hyperion.sources.legacy.records` holds the record types and the reconciliation report;
* :mod:`hyperion.sources.legacy.normalize` normalises titles, names and voice credits;
* :mod:`hyperion.sources.legacy.importer` reads a folder into records, deduplicates and reconciles;
* :mod:`hyperion.sources.legacy.cli` is the command line of ``scripts/import_legacy.py``.
"""

"""The package's import graph: side-by-side wings, no upward imports.

Base modules (config, logs, pipeline) import no wing. The wings, in order sources, ingest, transform,
runtime, cloud, import only the base and wings before them, and transform (pure Spark, shipped to EMR as
a zip) imports neither ingest nor runtime. Modules still at the package root from before the wings are
classified by name.
"""

from __future__ import annotations

import ast
from pathlib import Path

import hyperion

PACKAGE = Path(hyperion.__file__).parent
BASE = "base"
WINGS = ("sources", "ingest", "transform", "runtime", "cloud")
# Root modules from before the wings (the source side, and the cloud deploy logic).
ROOT_MODULES = {
    "config": BASE,
    "logs": BASE,
    "pipeline": BASE,
    "__init__": BASE,
    "boxoffice": "sources",
    "dataset": "sources",
    "legacy": "sources",
    "legacy_layout": "sources",
    "legacy_records": "sources",
    "normalize": "sources",
    "us_states": "sources",
    "source_files": "sources",
    "crosscheck": "sources",
    # Reads every hop (sources, Kafka, HDFS, the processed tables, exports): it sits beside runtime.
    "reconcile": "runtime",
}
# Besides the order: the transform wing is pure Spark and must not reach into ingest.
FORBIDDEN = {("transform", "ingest"), ("transform", "sources")}


def wing_of(module: str) -> str:
    """The wing of a dotted module name under hyperion (``hyperion.transform.jobs`` -> ``transform``)."""
    parts = module.split(".")[1:]
    if not parts:
        return BASE
    if parts[0] in WINGS:
        return parts[0]
    if parts[0] not in ROOT_MODULES:
        raise AssertionError(f"hyperion.{parts[0]} belongs to no wing: add it to a wing or to ROOT_MODULES")
    return ROOT_MODULES[parts[0]]


def imports_of(path: Path) -> set[str]:
    """Every hyperion module a file imports, at any depth (function-level imports count too)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "hyperion"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "hyperion":
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names if node.module == "hyperion"}
    return found


def allowed(importer: str, imported: str) -> bool:
    if importer == imported or imported == BASE:
        return True
    if importer == BASE or (importer, imported) in FORBIDDEN:
        return False
    return WINGS.index(imported) < WINGS.index(importer)


def violations(package: Path = PACKAGE) -> list[str]:
    found = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package.parent).with_suffix("")
        module = ".".join(relative.parts)
        importer = wing_of(module)
        for imported_module in sorted(imports_of(path)):
            imported = wing_of(imported_module)
            if not allowed(importer, imported):
                found.append(f"{module} ({importer}) imports {imported_module} ({imported})")
    return found


def test_no_wing_imports_upward():
    assert violations() == []


def test_the_check_catches_an_upward_import(tmp_path):
    """A transform module that imports the runtime (as the old submit.py did) is reported."""
    package = tmp_path / "hyperion"
    (package / "transform").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "transform" / "submit.py").write_text("from hyperion.runtime.java import find_java\n")
    (package / "transform" / "fixture.py").write_text("def f():\n    import hyperion.ingest.envelope\n")
    (package / "pipeline.py").write_text("from hyperion.transform import jobs\n")
    assert violations(package) == [
        "hyperion.pipeline (base) imports hyperion.transform (transform)",
        "hyperion.transform.fixture (transform) imports hyperion.ingest.envelope (ingest)",
        "hyperion.transform.submit (transform) imports hyperion.runtime.java (runtime)",
    ]

"""The package's import graph: side-by-side wings, no upward imports.

Base modules (config, logs, pipeline) import no wing. The wings, in order sources, ingest, transform,
runtime, cloud, import only the base and wings before them, and transform (pure Spark, shipped to EMR as
a zip) imports neither ingest nor runtime. Modules at the package root are classified by name. Inside the
sources wing, the bundled-catalog side (catalog, record rules, generator, file reader) does not import the
legacy importer: the importer builds on the catalog, not the other way round.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import hyperion

PACKAGE = Path(hyperion.__file__).parent
BASE = "base"
WINGS = ("sources", "ingest", "transform", "runtime", "cloud")
# Modules at the package root: the base, and reconcile, which sits beside runtime.
ROOT_MODULES = {
    "config": BASE,
    "logs": BASE,
    "pipeline": BASE,
    "__init__": BASE,
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


# Modules of the sources wing that may read the legacy importer: the adapters (a legacy folder is one of the
# producers' sources) and the cross-check (it reads a legacy folder to compare credits).
LEGACY_READERS = {"hyperion.sources.adapters", "hyperion.sources.crosscheck"}


def legacy_violations(package: Path = PACKAGE) -> list[str]:
    """Modules of the sources wing outside ``sources.legacy`` that import it without being a legacy reader."""
    found = []
    sources = package / "sources"
    for path in sorted(sources.rglob("*.py")):
        relative = path.relative_to(package.parent).with_suffix("")
        module = ".".join(relative.parts)
        if module.startswith("hyperion.sources.legacy") or module in LEGACY_READERS:
            continue
        for imported_module in sorted(imports_of(path)):
            if imported_module.startswith("hyperion.sources.legacy"):
                found.append(f"{module} imports {imported_module} (the legacy importer)")
    return found


def test_no_wing_imports_upward():
    assert violations() == []


def test_source_modules_sit_in_the_sources_wing():
    """The source code lives in hyperion/sources/ (issue 13): no source module is left at the package root."""
    root_modules = {path.stem for path in PACKAGE.glob("*.py")}
    assert root_modules <= set(ROOT_MODULES), sorted(root_modules - set(ROOT_MODULES))
    assert not (PACKAGE / "ingest" / "sources.py").exists()
    for module in (
        "catalog",
        "gross",
        "validation",
        "boxoffice",
        "record_rules",
        "files",
        "adapters",
        "crosscheck",
    ):
        assert wing_of(f"hyperion.sources.{module}") == "sources"
    assert wing_of("hyperion.sources.legacy.importer") == "sources"


def test_the_bundled_catalog_does_not_import_the_legacy_importer():
    assert legacy_violations() == []


def test_the_legacy_check_catches_a_catalog_module_importing_the_importer(tmp_path):
    package = tmp_path / "hyperion"
    (package / "sources" / "legacy").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sources" / "catalog.py").write_text("from hyperion.sources.legacy.layout import X\n")
    (package / "sources" / "adapters.py").write_text("from hyperion.sources.legacy.importer import Y\n")
    (package / "sources" / "legacy" / "importer.py").write_text("from hyperion.sources.catalog import Z\n")
    assert legacy_violations(package) == [
        "hyperion.sources.catalog imports hyperion.sources.legacy.layout (the legacy importer)",
    ]


def test_a_root_module_outside_every_wing_is_reported():
    """A new module dropped at the package root (as dataset.py once was) must be given a wing."""
    with pytest.raises(AssertionError, match="belongs to no wing"):
        wing_of("hyperion.legacy_layout")


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

"""The site sync plan: content types, cache headers, compression, upload order, ownership, EMR guard."""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

import pytest

from hyperion.cloud import EMR_PROOF_MARKER, EMR_PROOF_PREFIX, site

# --- headers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "content_type"),
    [
        ("assets/duckdb-eh-XyZ.wasm", "application/wasm"),
        ("assets/duckdb-browser-eh.worker-Q1w2.js", "text/javascript"),
        ("data/films_complete.parquet", "application/octet-stream"),
        ("data/hyperion.duckdb", "application/octet-stream"),
        ("data/manifest.json", "application/json"),
        ("favicon.svg", "image/svg+xml"),
        ("index.html", "text/html; charset=utf-8"),
        ("assets/index-AbC123.CSS", "text/css"),
    ],
)
def test_content_types_are_explicit(key, content_type):
    assert site.content_type_for(key) == content_type


def test_unknown_extension_is_a_loud_failure():
    with pytest.raises(site.UnknownContentTypeError, match=r"\.xyz"):
        site.content_type_for("assets/thing-123.xyz")


@pytest.mark.parametrize(
    ("key", "cache_control"),
    [
        ("assets/index-AbC123.js", "public, max-age=31536000, immutable"),
        ("assets/duckdb-eh-XyZ.wasm", "public, max-age=31536000, immutable"),
        ("index.html", "no-cache"),
        ("data/manifest.json", "no-cache"),
        ("data/films_complete.parquet", "no-cache"),
    ],
)
def test_cache_headers(key, cache_control):
    assert site.cache_control_for(key) == cache_control


@pytest.mark.parametrize(
    ("key", "size", "expected"),
    [
        ("assets/duckdb-eh-XyZ.wasm", 2_000, True),
        ("assets/duckdb-eh-XyZ.wasm", 35_000_000, True),
        ("assets/index-AbC123.js", 11_000_000, True),
        ("assets/index-AbC123.js", 9_000_000, False),
        ("data/films_complete.parquet", 50_000_000, False),
    ],
)
def test_precompression_for_wasm_and_large_text(key, size, expected):
    assert site.should_precompress(key, size) is expected


def test_gzip_is_deterministic_and_reversible():
    data = b"duckdb " * 10_000
    first = site.deterministic_gzip(data)
    assert first == site.deterministic_gzip(data)
    assert gzip.decompress(first) == data
    assert first[4:8] == b"\x00\x00\x00\x00"  # gzip header MTIME


# --- upload plan ---------------------------------------------------------------------------


@pytest.fixture
def site_dir(tmp_path) -> Path:
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "index.html").write_text("<!doctype html>")
    (root / "assets" / "index-AbC123.js").write_text("console.log(1);\n" * 100)
    (root / "assets" / "duckdb-eh-XyZ.wasm").write_bytes(b"\x00asm" + b"\x01\x02" * 50_000)
    (root / "data" / "manifest.json").write_text("{}")
    (root / "data" / "films_complete.parquet").write_bytes(b"PAR1" + b"\x00" * 100 + b"PAR1")
    (root / "favicon.svg").write_text("<svg/>")
    (root / ".DS_Store").write_bytes(b"junk")
    return root


def test_upload_items_put_assets_first_and_index_last(site_dir):
    keys = [item.key for item in site.build_upload_items(site_dir)]
    assert keys == [
        "assets/duckdb-eh-XyZ.wasm",
        "assets/index-AbC123.js",
        "data/films_complete.parquet",
        "data/manifest.json",
        "favicon.svg",
        "index.html",
    ]


def test_wasm_item_is_gzip_with_the_md5_of_the_compressed_body(site_dir):
    items = {item.key: item for item in site.build_upload_items(site_dir)}
    wasm = items["assets/duckdb-eh-XyZ.wasm"]
    body = site.upload_body(wasm)
    assert wasm.content_encoding == "gzip"
    assert wasm.headers()["ContentEncoding"] == "gzip"
    assert gzip.decompress(body) == (site_dir / "assets" / "duckdb-eh-XyZ.wasm").read_bytes()
    assert wasm.body_md5 == hashlib.md5(body).hexdigest()
    assert wasm.body_size == len(body) < 100_004
    index = items["index.html"]
    assert "ContentEncoding" not in index.headers()
    assert site.upload_body(index) == b"<!doctype html>"


def remote_copy(item: site.UploadItem, prefix: str = "") -> site.RemoteObject:
    return site.RemoteObject(
        prefix + item.key, f'"{item.body_md5}"', item.content_type, item.cache_control, item.content_encoding
    )


def test_plan_uploads_everything_into_an_empty_bucket(site_dir):
    items = site.build_upload_items(site_dir)
    plan = site.plan_sync(items, {})
    assert plan.uploads == items
    assert plan.deletions == []


def test_plan_is_empty_when_bytes_and_headers_match(site_dir):
    items = site.build_upload_items(site_dir)
    plan = site.plan_sync(items, {item.key: remote_copy(item) for item in items})
    assert plan.uploads == []
    assert plan.deletions == []
    assert len(plan.unchanged) == len(items)


def test_plan_reuploads_on_header_change_and_deletes_stale_objects(site_dir):
    items = site.build_upload_items(site_dir)
    remote = {item.key: remote_copy(item) for item in items}
    manifest = remote["data/manifest.json"]
    remote["data/manifest.json"] = site.RemoteObject(
        manifest.key, manifest.etag, "text/plain", manifest.cache_control, None
    )
    remote["assets/index-OLD999.js"] = site.RemoteObject("assets/index-OLD999.js", '"abc"', None, None, None)
    plan = site.plan_sync(items, remote, owned=frozenset({"assets/index-OLD999.js"}))
    assert [item.key for item in plan.uploads] == ["data/manifest.json"]
    assert plan.deletions == ["assets/index-OLD999.js"]


def test_plan_with_prefix_compares_prefixed_keys(site_dir):
    items = site.build_upload_items(site_dir)
    prefix = site.normalize_prefix("/preview/")
    assert prefix == "preview/"
    remote = {prefix + item.key: remote_copy(item, prefix) for item in items}
    plan = site.plan_sync(items, remote, prefix)
    assert plan.uploads == []
    assert plan.unchanged[0].startswith("preview/")


# --- what the sync may delete ------------------------------------------------------------------


def test_objects_the_site_does_not_own_are_kept_whatever_their_name(site_dir):
    items = site.build_upload_items(site_dir)
    remote = {item.key: remote_copy(item) for item in items}
    for key in ("backups/db.sql", "assets/index-OLD999.js", "index.htm", site.SITE_OWNERSHIP_KEY):
        remote[key] = site.RemoteObject(key, '"abc"', None, None, None)

    plan = site.plan_sync(items, remote, owned=frozenset({"assets/index-OLD999.js", "gone-already.js"}))

    assert plan.deletions == ["assets/index-OLD999.js"]
    assert plan.foreign == ["backups/db.sql", "index.htm"]
    assert "keep\tbackups/db.sql\tnot the site's" in site.plan_lines(plan, "")
    assert "delete\tassets/index-OLD999.js" in site.plan_lines(plan, "")


def test_deletions_stay_inside_the_prefix(site_dir):
    items = site.build_upload_items(site_dir)
    remote = {
        "site/assets/old-1.js": site.RemoteObject("site/assets/old-1.js", '"a"', None, None, None),
        "assets/old-1.js": site.RemoteObject("assets/old-1.js", '"a"', None, None, None),
        "other/assets/old-1.js": site.RemoteObject("other/assets/old-1.js", '"a"', None, None, None),
    }
    plan = site.plan_sync(items, remote, "site/", owned=frozenset({"assets/old-1.js"}))
    assert plan.deletions == ["site/assets/old-1.js"]
    assert plan.foreign == []


def test_ownership_covers_old_and_new_keys_while_uploading_and_the_build_after(site_dir):
    items = site.build_upload_items(site_dir)
    plan = site.plan_sync(items, {}, owned=frozenset({"assets/index-OLD999.js"}))
    build_keys = sorted(item.key for item in items)
    assert plan.ownership_before_upload == sorted([*build_keys, "assets/index-OLD999.js"])
    assert plan.ownership_after_delete == build_keys
    record = site.render_ownership(plan.ownership_after_delete)
    assert site.parse_ownership(record, "test") == frozenset(build_keys)


@pytest.mark.parametrize("body", [b"not json", b'{"keys": ["a"]}', b'{"format": 1, "keys": [1]}', b"[]"])
def test_an_unreadable_ownership_record_stops_the_sync(body):
    with pytest.raises(site.OwnershipRecordError, match="s3://bucket/.hyperion-site-objects.json"):
        site.parse_ownership(body, "s3://bucket/.hyperion-site-objects.json")


def test_no_ownership_record_owns_nothing():
    assert site.parse_ownership(None, "s3://bucket/x") == frozenset()


@pytest.mark.parametrize(
    "emr_key",
    [
        f"{EMR_PROOF_PREFIX}20260101T000000Z/raw/raw-films/part-0.jsonl",
        f"my-own-run/{EMR_PROOF_MARKER}",
        EMR_PROOF_MARKER,
    ],
)
def test_a_bucket_with_emr_proof_data_is_refused(emr_key):
    keys = ["index.html", "assets/a-1.js", emr_key]
    assert site.emr_proof_keys(keys) == [emr_key]
    with pytest.raises(site.BucketHoldsEmrProofError, match=r"s3://shared-bucket holds EMR proof data"):
        site.refuse_emr_proof_bucket("shared-bucket", keys)


def test_a_site_bucket_is_not_mistaken_for_emr_data():
    site.refuse_emr_proof_bucket("site", ["index.html", "code/other.zip", "hyperion-emr-proofs.txt"])


# --- pre-compressed variants and hashed data -------------------------------------------------


@pytest.fixture
def precompressed_site_dir(site_dir) -> Path:
    wasm = site_dir / "assets" / "duckdb-eh-XyZ.wasm"
    (site_dir / "assets" / "duckdb-eh-XyZ.wasm.br").write_bytes(b"brotli bytes")
    (site_dir / "assets" / "duckdb-eh-XyZ.wasm.gz").write_bytes(gzip.compress(wasm.read_bytes(), mtime=0))
    (site_dir / "data" / "hyperion.0123456789abcdef.duckdb").write_bytes(b"DUCK" * 100)
    (site_dir / "data" / "hyperion.0123456789abcdef.duckdb.br").write_bytes(b"br")
    (site_dir / "data" / "site.json").write_text('{"database": {"file": "hyperion.0123456789abcdef.duckdb"}}')
    return site_dir


def test_variants_keep_the_type_of_their_file_and_carry_their_encoding(precompressed_site_dir):
    items = {item.key: item for item in site.build_upload_items(precompressed_site_dir)}
    brotli = items["assets/duckdb-eh-XyZ.wasm.br"]
    assert brotli.headers() == {
        "ContentType": "application/wasm",
        "CacheControl": "public, max-age=31536000, immutable",
        "ContentEncoding": "br",
    }
    # The build compressed it: the upload is the file's bytes, not compressed a second time.
    assert site.upload_body(brotli) == b"brotli bytes"
    gzipped = items["assets/duckdb-eh-XyZ.wasm.gz"]
    assert gzipped.content_encoding == "gzip"
    assert (
        site.upload_body(gzipped)
        == (precompressed_site_dir / "assets" / "duckdb-eh-XyZ.wasm.gz").read_bytes()
    )
    # With variants beside it, the plain file goes up plain, for clients that accept neither.
    plain = items["assets/duckdb-eh-XyZ.wasm"]
    assert plain.content_encoding is None
    assert site.upload_body(plain) == (precompressed_site_dir / "assets" / "duckdb-eh-XyZ.wasm").read_bytes()
    assert (
        items["data/hyperion.0123456789abcdef.duckdb.br"].headers()["ContentType"]
        == "application/octet-stream"
    )


@pytest.mark.parametrize(
    ("key", "cache_control"),
    [
        ("data/hyperion.0123456789abcdef.duckdb", "public, max-age=31536000, immutable"),
        ("data/hyperion.0123456789abcdef.duckdb.br", "public, max-age=31536000, immutable"),
        ("data/first-paint-films.fedcba9876543210.json.gz", "public, max-age=31536000, immutable"),
        ("data/site.json", "no-cache"),
        ("data/site.json.br", "no-cache"),
        ("data/hyperion.duckdb", "no-cache"),
        ("data/hyperion.0123.duckdb", "no-cache"),
    ],
)
def test_content_hashed_data_is_immutable_and_its_manifest_revalidated(key, cache_control):
    assert site.cache_control_for(key) == cache_control


def test_site_manifest_goes_up_after_the_data_it_names_and_before_index(precompressed_site_dir):
    keys = [item.key for item in site.build_upload_items(precompressed_site_dir)]
    assert keys.index("data/site.json") > keys.index("data/hyperion.0123456789abcdef.duckdb.br")
    assert keys[-1] == "index.html"
    assert keys[-2] == "data/site.json"


def test_variant_of_an_unknown_file_is_not_a_variant():
    assert site.variant_source("archive.tar.gz") is None
    assert site.variant_source("assets/x.wasm.br") == "assets/x.wasm"
    with pytest.raises(site.UnknownContentTypeError):
        site.content_type_for("archive.tar.gz")


def test_precompressed_extensions_agree_between_the_build_and_the_function():
    root = Path(__file__).resolve().parents[2]
    function = (root / "deploy" / "spa_rewrite.js").read_text()
    build = (root / "frontend" / "vite.config.ts").read_text()

    def listed(source: str, pattern: str) -> set[str]:
        match = re.search(pattern, source, flags=re.DOTALL)
        assert match, pattern
        return set(re.findall(r"'([a-z0-9]+)'", match.group(1)))

    in_function = listed(function, r"var PRECOMPRESSED_EXTENSIONS = \[(.*?)\];")
    assert in_function == listed(build, r"export const PRECOMPRESSED_EXTENSIONS = \[(.*?)\];")
    assert in_function <= {suffix.lstrip(".") for suffix in site.CONTENT_TYPES}

"""Layout detection and film matching for legacy-layout source files.

Pure functions over parsed JSON: which layout a document has (by structure only), which non-film medium
a file or category covers, which listed film a category *is*, and which films a piece of text, a group
key or a voice-credit tag names. Used by hyperion.sources.legacy.importer; the rules are documented in
docs/legacy-import.md.
"""

from __future__ import annotations

import datetime
import functools
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hyperion.sources.catalog import CATALOG_FILE_NAME, DEFAULT_DATA_DIR, DatasetError, load_catalog
from hyperion.sources.legacy.normalize import slugify, title_tokens
from hyperion.sources.legacy.records import (
    LAYOUT_AWARD_LIST,
    LAYOUT_CATEGORIZED,
    LAYOUT_GROUPED,
    LAYOUT_RELEASE_LIST,
    LAYOUT_SHORT_LIST,
    LAYOUT_SINGLE_FILM,
    LAYOUT_SINGLE_GAME,
    LAYOUT_SOUNDTRACK_LIST,
    LAYOUT_SUMMARY,
    REASON_FUTURE_RELEASE,
    REASON_GAME,
    REASON_NOT_DISNEY,
    REASON_SHORT,
    REASON_SOUNDTRACK,
    REASON_TV,
    REASON_UNKNOWN_LAYOUT,
    LegacyImportError,
)

logger = logging.getLogger(__name__)

# Studio text -> studio_id, first match wins. "fox" is only trusted in a studio field, never in a
# franchise name ("The Fox and the Hound" is a WDAS film).
_STUDIO_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"pixar", "pixar"),
    (r"blue[\s_-]*sky", "blue-sky"),
    (r"disney[\s_-]*toon", "disneytoon"),
    (r"marvel", "marvel-animation"),
    (r"hybrid", "disney-hybrid"),
    (r"disney[\s_-]*(\+|plus)", "disney-plus"),
    (r"20th[\s_-]*century|\bfox\b|^fox[\s_-]", "20th-century-animation"),
    (r"walt[\s_-]*disney[\s_-]*(feature[\s_-]*)?animation|\bwdas\b|^wdas", "wdas"),
)
_TRUSTED_IN_NAMES = frozenset({"marvel-animation", "disney-hybrid", "disney-plus"})
# Studios whose every feature is computer-animated, used when a file does not state the technique.
COMPUTER_ANIMATION_STUDIOS = frozenset({"pixar", "blue-sky"})
# Companies of the Disney family, past and present (studios and releasing labels). A film whose file names
# its studio or distributor, none of them in this family, is not Disney-released ("Sony Pictures
# Animation", "Columbia Pictures"): it is set aside rather than filed under a Disney studio.
_DISNEY_FAMILY = re.compile(
    r"disney|pixar|buena[\s_-]*vista|touchstone|hollywood[\s_-]*pictures|20th[\s_-]*century|\bfox\b|^fox"
    r"|blue[\s_-]*sky|marvel|lucasfilm|searchlight|imagemovers|dtv"
)
# Where a file (or a release-list entry) names the companies of a film.
_STUDIO_FIELDS = ("studio", "parent_company")
_MAKER_FIELDS = ("maker", "production_company", "production_studio", "animation_studio", "co_production")
_DISTRIBUTOR_FIELDS = ("distributor", "distributed_by", "released_by", "distribution")
# The release-list layout: a list of film entries under one of these keys, each with its characters.
RELEASE_LIST_KEYS = ("releases", "release_list", "movies")
RELEASE_TITLE_FIELDS = ("title", "film", "name")

# --------------------------------------------------------------------------------------------------
# Layout detection


def _is_list_of_dicts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, dict) for item in value)


def detect_layout(document: Any, source_file: str) -> str:
    """Return the layout name of a parsed legacy document, or raise ``LegacyImportError``.

    Detection is by structure only (keys and value types), never by file name.
    """
    if isinstance(document, list):
        if document and _is_list_of_dicts(document) and all("releases" in item for item in document):
            return LAYOUT_SOUNDTRACK_LIST
        raise LegacyImportError(source_file, REASON_UNKNOWN_LAYOUT, "top-level list of unknown entries")
    if not isinstance(document, dict):
        raise LegacyImportError(source_file, REASON_UNKNOWN_LAYOUT, f"top-level {type(document).__name__}")
    if _is_list_of_dicts(document.get("files")) and all("filename" in item for item in document["files"]):
        return LAYOUT_SUMMARY
    if _is_list_of_dicts(document.get("awards")) and "characters" not in document:
        return LAYOUT_AWARD_LIST
    if _is_list_of_dicts(document.get("shorts")) and "characters" not in document:
        return LAYOUT_SHORT_LIST
    categories = document.get("categories")
    if (
        isinstance(categories, dict)
        and categories
        and all(
            isinstance(group, dict) and isinstance(group.get("characters"), list)
            for group in categories.values()
        )
    ):
        return LAYOUT_CATEGORIZED
    characters = document.get("characters")
    if isinstance(characters, list):
        if isinstance(document.get("film"), str):
            return LAYOUT_SINGLE_FILM
        if isinstance(document.get("game"), str):
            return LAYOUT_SINGLE_GAME
    if (
        isinstance(characters, dict)
        and characters
        and all(isinstance(group, list) for group in characters.values())
        and isinstance(document.get("films") or document.get("games"), list)
    ):
        return LAYOUT_GROUPED
    if release_list_key(document) is not None:
        return LAYOUT_RELEASE_LIST
    keys = ", ".join(sorted(document)[:12]) or "(none)"
    raise LegacyImportError(source_file, REASON_UNKNOWN_LAYOUT, f"no known layout has top-level keys {keys}")


def release_list_key(document: dict[str, Any]) -> str | None:
    """The key of a release list: a non-empty list of objects, most of them holding a ``characters`` list.

    "Most", not "all": a malformed entry (no character list, a string) must not turn the whole file into
    an unknown layout; it is rejected on its own as ``malformed-release-entry``.
    """
    for key in RELEASE_LIST_KEYS:
        entries = document.get(key)
        if not isinstance(entries, list) or not entries:
            continue
        with_characters = [
            entry
            for entry in entries
            if isinstance(entry, dict) and isinstance(entry.get("characters"), list)
        ]
        if len(with_characters) * 2 > len(entries):
            return key
    return None


def medium_of_collection(document: dict[str, Any]) -> str | None:
    """The non-film medium a whole file covers, or None for films."""
    if "games" in document or "game" in document:
        return REASON_GAME
    kind = str(document.get("type", "")).lower()
    if "series" in document or "series" in kind or kind in {"tv", "show"}:
        return REASON_TV
    return _medium_of_type(kind)


def _medium_of_type(kind: str) -> str | None:
    if "series" in kind or kind in {"tv", "show", "episode"}:
        return REASON_TV
    if "game" in kind:
        return REASON_GAME
    if "short" in kind:
        return REASON_SHORT
    if "soundtrack" in kind or "album" in kind:
        return REASON_SOUNDTRACK
    return None


def medium_of_group(metadata: dict[str, Any]) -> str | None:
    """The non-film medium of one category, from its own metadata, or None."""
    if any(key in metadata for key in ("platform", "game_type", "developer")):
        return REASON_GAME
    if "episode_count" in metadata or "seasons" in metadata:
        return REASON_TV
    return _medium_of_type(str(metadata.get("type", "")).lower())


# --------------------------------------------------------------------------------------------------
# Films of a file and matching text to them


@dataclass(frozen=True)
class Companies:
    """Who made and who released a film, as a file says, and the catalog studio grouping that follows.

    ``outside`` holds the reason and detail when the file names companies and none is of the Disney
    family: such a film is not filed under any studio but set aside.
    """

    studio_id: str | None
    maker: str | None = None
    distributor: str | None = None
    outside: tuple[str, str] | None = None


@dataclass
class FilmCandidate:
    title: str
    year: int | None
    directors: list[str] = field(default_factory=list)
    release_type: str | None = None
    animation_type: str | None = None
    json_path: str = "$"
    release_date: str | None = None
    # The film's own companies (a release-list entry); None: the file's.
    companies: Companies | None = None

    @property
    def tokens(self) -> list[str]:
        return title_tokens(self.title)

    def aliases(self) -> list[list[str]]:
        """Token sequences that name this film: its title, and "<title> 1" for a film without a number."""
        tokens = self.tokens
        aliases = [tokens]
        if tokens and not tokens[-1].isdigit():
            aliases.append([*tokens, "1"])
        return aliases

    def abbreviations(self) -> set[str]:
        """Initials used as film tags in voice credits ("Finding Nemo" -> FN, "Inside Out 2" -> IO2)."""
        initials = "".join(token if token.isdigit() else token[0] for token in self.tokens).upper()
        result = {initials}
        if self.tokens and not self.tokens[-1].isdigit():
            result.add(initials + "1")
        return result


TITLE_WITH_YEAR = re.compile(r"^(?P<title>.*?)\s*\((?P<year>\d{4})[^)]*\)\s*$")


def parse_listed_film(text: str) -> FilmCandidate:
    match = TITLE_WITH_YEAR.match(text)
    if match:
        return FilmCandidate(title=match.group("title").strip(), year=int(match.group("year")))
    return FilmCandidate(title=text.strip(), year=None)


@functools.cache
def catalog_title_tokens() -> frozenset[tuple[str, ...]]:
    """Title tokens of every film of the bundled catalog ("Fantasia 2000" -> ("fantasia", "2000")).

    Used only to keep a year-like number that is part of a title; without the catalog (a broken
    checkout) the importer still works, with the file's own titles and years as its only guide.
    """
    try:
        films = load_catalog(DEFAULT_DATA_DIR / CATALOG_FILE_NAME)
    except (DatasetError, OSError) as error:
        logger.warning("catalog titles unavailable (%s); year-like title words rely on the files", error)
        return frozenset()
    return frozenset(
        tuple(title_tokens(film["title"])) for film in films if isinstance(film.get("title"), str)
    )


def key_tokens(key: str, year: int | None = None) -> list[str]:
    """Tokens of a category key without its trailing year ("rescuers_down_under_1990" -> 3 tokens).

    A trailing year-like number is part of the title, and kept, when the tokens with it are a catalog
    title ("fantasia_2000" is Fantasia 2000, not Fantasia of 2000), or when the category's own ``year``
    is another year ("fantasia_2000" with year 1999).
    """
    tokens = [token for token in slugify(key).split("-") if token]
    while len(tokens) > 1 and tokens[0] in ("the", "a", "an"):
        tokens = tokens[1:]
    if len(tokens) > 1 and re.fullmatch(r"(19|20)\d\d", tokens[-1]):
        is_title = tuple(tokens) in catalog_title_tokens() or (year is not None and int(tokens[-1]) != year)
        if not is_title:
            tokens = tokens[:-1]
    return tokens


def _contains_sequence(haystack: list[str], needle: list[str]) -> bool:
    return any(haystack[i : i + len(needle)] == needle for i in range(len(haystack) - len(needle) + 1))


def match_group_to_film(
    key: str, metadata: dict[str, Any], candidates: list[FilmCandidate]
) -> FilmCandidate | None:
    """The listed film that a category *is*, or None when the category is not a film.

    A category is a film when its key equals a film's title, when it carries a year that exactly one
    listed film has and shares a word with that title, or when all its words are in exactly one title
    with the fewest extra words.
    """
    year = metadata.get("year")
    full = title_tokens(key.replace("_", " "))
    # The whole key first: a year-like number in it may be part of a title ("fantasia_2000").
    for tokens in (full, key_tokens(key, year if isinstance(year, int) else None)):
        for candidate in candidates:
            if tokens in candidate.aliases():
                return candidate
    tokens = key_tokens(key, year if isinstance(year, int) else None)
    if isinstance(year, int):
        same_year = [c for c in candidates if c.year == year]
        if len(same_year) == 1 and set(tokens) & set(same_year[0].tokens):
            return same_year[0]
    containing = [c for c in candidates if tokens and set(tokens) <= set(c.tokens)]
    if containing:
        containing.sort(key=lambda c: len(c.tokens))
        if len(containing) == 1 or len(containing[0].tokens) < len(containing[1].tokens):
            return containing[0]
    return None


def films_named_in_key(key: str, candidates: list[FilmCandidate]) -> list[FilmCandidate]:
    """Films whose title (or "<title> 1") appears in a group key; the longest match wins."""
    tokens = [token for token in slugify(key).split("-") if token]
    best_length, best = 0, []
    for candidate in candidates:
        length = max((len(a) for a in candidate.aliases() if a and _contains_sequence(tokens, a)), default=0)
        if length > best_length:
            best_length, best = length, [candidate]
        elif length and length == best_length:
            best.append(candidate)
    return best if len(best) == 1 else []


def films_matching_text(text: str, candidates: list[FilmCandidate]) -> list[FilmCandidate]:
    """Films whose title equals ``text`` as a slug (with or without a leading article)."""
    wanted = title_tokens(TITLE_WITH_YEAR.sub(r"\g<title>", text))
    return [c for c in candidates if wanted in c.aliases()]


def films_mentioned(text: str, candidates: list[FilmCandidate]) -> list[FilmCandidate]:
    """Films whose title is written in ``text`` (case-sensitive, whole words; longest mention wins)."""
    spans: list[tuple[int, int, FilmCandidate]] = []
    for candidate in candidates:
        variants = {candidate.title, re.sub(r"^(The|A|An)\s+", "", candidate.title)}
        for variant in variants:
            if len(variant) < 3:
                continue
            for match in re.finditer(rf"(?<![\w]){re.escape(variant)}(?![\w])", text):
                spans.append((match.start(), match.end(), candidate))
    found: list[FilmCandidate] = []
    for start, end, candidate in spans:
        covered = any(
            other is not candidate and s <= start and end <= e and (e - s) > (end - start)
            for s, e, other in spans
        )
        if not covered and candidate not in found:
            found.append(candidate)
    return found


_FILM_RANGE = re.compile(
    r"^(?P<prefix>[A-Za-z]*)\s*(?P<first>\d{1,2})(?:\s*[-\u2013]\s*(?P=prefix)?(?P<last>\d{1,2}))?$"
)


def in_release_order(candidates: list[FilmCandidate]) -> list[FilmCandidate]:
    """The file's films by release year (list order among equal or unknown years): "film 1" is first."""
    indexed = sorted(enumerate(candidates), key=lambda item: (item[1].year or 9999, item[0]))
    return [candidate for _, candidate in indexed]


def _films_of_range(qualifier: str, candidates: list[FilmCandidate]) -> list[FilmCandidate]:
    """Films named by a number or a range: "(1-2)" are the file's first two films in release order,
    "(C2-3)" are the films whose initials are C2 and C3 (Cars 2, Cars 3), "(3)" is the third film."""
    match = _FILM_RANGE.match(qualifier.strip())
    if not match:
        return []
    first = int(match.group("first"))
    last = int(match.group("last") or first)
    if last < first or last - first > 20:
        return []
    prefix = match.group("prefix").upper()
    if not prefix:
        ordered = in_release_order(candidates)
        return [ordered[number - 1] for number in range(first, last + 1) if 1 <= number <= len(ordered)]
    found: list[FilmCandidate] = []
    for number in range(first, last + 1):
        found.extend(c for c in candidates if f"{prefix}{number}" in c.abbreviations() and c not in found)
    return found


def films_of_voice_tags(qualifiers: Iterable[str], candidates: list[FilmCandidate]) -> list[FilmCandidate]:
    """Films named by voice-credit qualifiers: by title ("(Rio 2)"), by initials ("(FN)", "(IO2)"), by
    position or range ("(1-2)", "(3)", "(C2-3)")."""
    found: list[FilmCandidate] = []
    for qualifier in qualifiers:
        for candidate in candidates:
            by_initials = qualifier.upper() in candidate.abbreviations()
            named = by_initials or title_tokens(qualifier) in candidate.aliases()
            if named and candidate not in found:
                found.append(candidate)
        if len(candidates) > 1:
            found.extend(c for c in _films_of_range(qualifier, candidates) if c not in found)
    return found


def is_recurring_group(key: str | None) -> bool:
    """A group that holds a franchise's recurring cast ("core_recurring_cast", "returning_characters")."""
    if not key:
        return False
    tokens = set(slugify(key).split("-"))
    return bool(tokens & {"recurring", "returning"}) or {"core", "cast"} <= tokens


# --------------------------------------------------------------------------------------------------
# Per-file context: studio, franchise, technique


def studio_id_from_text(text: str | None, *, trusted_only: bool = False) -> str | None:
    """Map free studio text ("Fox Animation Studios", "DisneyToon Studios") to a catalog studio_id."""
    if not text:
        return None
    lowered = text.lower()
    for pattern, studio_id in _STUDIO_PATTERNS:
        if trusted_only and studio_id not in _TRUSTED_IN_NAMES:
            continue
        if re.search(pattern, lowered):
            return studio_id
    return None


def _texts(fields: Mapping[str, Any], names: tuple[str, ...]) -> list[str]:
    return [
        fields[name].strip() for name in names if isinstance(fields.get(name), str) and fields[name].strip()
    ]


def companies_of(
    fields: Mapping[str, Any], source_file: str, inherited: Companies | None = None
) -> Companies:
    """The companies of a file (or of a release-list entry, over its file's ``inherited`` ones).

    The studio grouping comes from the studio fields (``studio``, ``parent_company``), then a collection
    name that says Marvel, hybrid or Disney+, then the distributor (20th Century Fox releases are
    ``20th-century-animation``; another Disney label is ``disney-released``: made elsewhere, released by
    Disney), and last from its folder names. A file that names companies, none of them Disney's, is
    ``not-disney-released``, whatever folder it sits in.
    """
    studios = _texts(fields, _STUDIO_FIELDS)
    makers = _texts(fields, _MAKER_FIELDS)
    distributors = _texts(fields, _DISTRIBUTOR_FIELDS)
    maker = " and ".join(makers) or None
    distributor = distributors[0] if distributors else None
    if inherited is not None and not (studios or makers or distributors):
        return inherited
    if inherited is not None:
        maker = maker or inherited.maker
        distributor = distributor or inherited.distributor
    studio_id = next((sid for text in studios if (sid := studio_id_from_text(text))), None)
    if studio_id is None:
        for key in ("franchise", "type"):
            value = fields.get(key)
            if isinstance(value, str) and (sid := studio_id_from_text(value, trusted_only=True)):
                studio_id = sid
                break
    named = studios + distributors if studios or distributors else makers
    if studio_id is None and named and not any(_DISNEY_FAMILY.search(text.lower()) for text in named):
        detail = f"the file names {', '.join(named)}, none of them a Disney company"
        return Companies(None, maker, distributor, (REASON_NOT_DISNEY, detail))
    if studio_id is None and distributors:
        studio_id = studio_id_from_text(distributors[0]) or (
            "disney-released" if _DISNEY_FAMILY.search(distributors[0].lower()) else None
        )
    if studio_id is None and inherited is not None:
        studio_id = inherited.studio_id
    if studio_id is None:
        for folder in reversed(Path(source_file).parts[:-1]):
            if sid := studio_id_from_text(folder.replace("_", " ")):
                studio_id = sid
                break
    return Companies(studio_id, maker, distributor)


def studio_of_file(document: dict[str, Any], source_file: str) -> str | None:
    """studio_id from the file's studio fields, then collection names, then its folder names."""
    return companies_of(document, source_file).studio_id


def release_date_of(fields: Mapping[str, Any]) -> str | None:
    """An ISO release date (``release_date`` or ``released``), or None when absent or not a date."""
    for key in ("release_date", "released"):
        value = fields.get(key)
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value.strip()).isoformat()
            except ValueError:
                continue
    return None


def future_release(
    year: int | None, release_date: str | None, today: datetime.date
) -> tuple[str, str] | None:
    """(reason, detail) when a film is not released yet on ``today``; a year alone counts only when later."""
    if release_date is not None and datetime.date.fromisoformat(release_date) > today:
        return REASON_FUTURE_RELEASE, f"release date {release_date} is after {today.isoformat()}"
    if release_date is None and year is not None and year > today.year:
        return REASON_FUTURE_RELEASE, f"release year {year} is after {today.year}"
    return None


def normalize_release_type(raw: Any) -> str | None:
    """ "direct_to_video" -> direct-to-video; theatrical; streaming; anything else -> None."""
    if not isinstance(raw, str):
        return None
    label = re.sub(r"[\s_]+", "-", raw.strip().lower())
    if label in {"direct-to-video", "dtv", "video"}:
        return "direct-to-video"
    if label in {"theatrical", "streaming"}:
        return label
    if "disney+" in label or "disney-plus" in label:
        return "streaming"
    return None


def normalize_animation_type(raw: Any) -> str | None:
    """Map a technique label to traditional | computer | stop-motion | hybrid, or None when unsaid.

    "2D/CGI hybrid" is drawn animation with computer elements (Titan A.E.), not a live-action hybrid.
    """
    if not isinstance(raw, str):
        return None
    label = raw.strip().lower()
    if "stop" in label:
        return "stop-motion"
    if "2d" in label or "traditional" in label or "hand" in label:
        return "traditional"
    if "cgi" in label or "3d" in label or "computer" in label:
        return "computer"
    if "hybrid" in label or "live" in label:
        return "hybrid"
    return None


def franchise_for(franchise: str | None, title: str) -> str | None:
    """The file's franchise applies to a film only when they share a significant word.

    Collection files name themselves ("Disney Hybrid Films", "Marvel Animation DTV Films"); such a label
    is not the franchise of "Mary Poppins".
    """
    if not franchise:
        return None
    generic = {"and", "of", "the", "a", "an", "movie", "films", "film", "disney", "animation", "studios"}
    shared = (set(title_tokens(franchise)) - generic) & set(title_tokens(title))
    return franchise if shared else None

"""Layout detection and film matching for legacy-layout source files.

Pure functions over parsed JSON: which layout a document has (by structure only), which non-film medium
a file or category covers, which listed film a category *is*, and which films a piece of text, a group
key or a voice-credit tag names. Used by hyperion.legacy; the rules are documented in
docs/legacy-import.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hyperion.legacy_records import (
    LAYOUT_AWARD_LIST,
    LAYOUT_CATEGORIZED,
    LAYOUT_GROUPED,
    LAYOUT_SHORT_LIST,
    LAYOUT_SINGLE_FILM,
    LAYOUT_SINGLE_GAME,
    LAYOUT_SOUNDTRACK_LIST,
    LAYOUT_SUMMARY,
    REASON_GAME,
    REASON_SHORT,
    REASON_SOUNDTRACK,
    REASON_TV,
    REASON_UNKNOWN_LAYOUT,
    LegacyImportError,
)
from hyperion.normalize import slugify, title_tokens

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
    keys = ", ".join(sorted(document)[:12]) or "(none)"
    raise LegacyImportError(source_file, REASON_UNKNOWN_LAYOUT, f"no known layout has top-level keys {keys}")


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


@dataclass
class FilmCandidate:
    title: str
    year: int | None
    directors: list[str] = field(default_factory=list)
    release_type: str | None = None
    animation_type: str | None = None
    json_path: str = "$"

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


def key_tokens(key: str) -> list[str]:
    """Tokens of a category key without its trailing year ("rescuers_down_under_1990" -> 3 tokens)."""
    tokens = [token for token in slugify(key).split("-") if token]
    if len(tokens) > 1 and re.fullmatch(r"(19|20)\d\d", tokens[-1]):
        tokens = tokens[:-1]
    while len(tokens) > 1 and tokens[0] in ("the", "a", "an"):
        tokens = tokens[1:]
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
    tokens = key_tokens(key)
    for candidate in candidates:
        if tokens in candidate.aliases():
            return candidate
    year = metadata.get("year")
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


def films_of_voice_tags(qualifiers: Iterable[str], candidates: list[FilmCandidate]) -> list[FilmCandidate]:
    """Films named by voice-credit qualifiers, by title ("(Rio 2)") or by initials ("(FN)", "(IO2)")."""
    found: list[FilmCandidate] = []
    for qualifier in qualifiers:
        for candidate in candidates:
            by_initials = qualifier.upper() in candidate.abbreviations()
            named = by_initials or title_tokens(qualifier) in candidate.aliases()
            if named and candidate not in found:
                found.append(candidate)
    return found


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


def studio_of_file(document: dict[str, Any], source_file: str) -> str | None:
    """studio_id from the file's studio fields, then collection names, then its folder names."""
    for key in ("studio", "parent_company"):
        value = document.get(key)
        if isinstance(value, str) and (studio_id := studio_id_from_text(value)):
            return studio_id
    for key in ("franchise", "type"):
        value = document.get(key)
        if isinstance(value, str) and (studio_id := studio_id_from_text(value, trusted_only=True)):
            return studio_id
    for folder in reversed(Path(source_file).parts[:-1]):
        if studio_id := studio_id_from_text(folder.replace("_", " ")):
            return studio_id
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

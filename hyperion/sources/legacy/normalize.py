"""Normalisation of free-text character fields to Hyperion's controlled vocabularies.

Pure functions, no I/O, reusable by any source (the legacy importer is the first user):

- ``slugify`` implements the shared slug rule for ``film_id`` / ``character_id`` / ``franchise_id``.
- ``character_id_from_name`` turns a display name ("Mr. George Banks", "Anastasia (Anya)") into a slug.
- ``normalize_role`` / ``normalize_gender`` map uncontrolled labels to the role and gender vocabularies.
- ``normalize_species`` returns a lowercase singular general kind and splits the specifics into a detail.
- ``parse_voice_credits`` splits a free-text voice-actor string into people, drops placeholders, and sorts
  singing voices apart from speaking voices while keeping every other qualifier.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

ROLES = (
    "protagonist",
    "deuteragonist",
    "antagonist",
    "sidekick",
    "love-interest",
    "mentor",
    "supporting",
    "minor",
)
GENDERS = ("male", "female", "nonbinary", "unknown")

# Labels seen in the legacy files (and their obvious variants) mapped onto the role vocabulary.
# "henchman" serves the villain, so it opposes the protagonists: antagonist. "comic relief" characters
# in these films accompany the hero (Timon, Mushu, Olaf): sidekick. "ally" and "narrator" are secondary
# characters with real screen presence: supporting. A "cameo" is by definition minor.
_ROLE_SYNONYMS: dict[str, str] = {
    "protagonist": "protagonist",
    "hero": "protagonist",
    "heroine": "protagonist",
    "main character": "protagonist",
    "lead": "protagonist",
    "deuteragonist": "deuteragonist",
    "co-protagonist": "deuteragonist",
    "antagonist": "antagonist",
    "villain": "antagonist",
    "main villain": "antagonist",
    "henchman": "antagonist",
    "henchmen": "antagonist",
    "sidekick": "sidekick",
    "comic relief": "sidekick",
    "love interest": "love-interest",
    "mentor": "mentor",
    "supporting": "supporting",
    "ally": "supporting",
    "narrator": "supporting",
    "minor": "minor",
    "cameo": "minor",
    "background": "minor",
}

_GENDER_SYNONYMS: dict[str, str] = {
    "male": "male",
    "m": "male",
    "man": "male",
    "boy": "male",
    "male presenting": "male",
    "female": "female",
    "f": "female",
    "woman": "female",
    "girl": "female",
    "female presenting": "female",
    "nonbinary": "nonbinary",
    "non binary": "nonbinary",
    "enby": "nonbinary",
}

PLACEHOLDERS = frozenset({"n/a", "na", "various", "unknown", "none", "tba", "tbd", "—", "-", "–", "?", ""})

_ARTICLES = ("the", "a", "an")
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "sir", "madame", "mme"})
# Titles that are never part of the common name ("Princess Jasmine" is "jasmine", "Dr. Facilier" is
# "facilier"), unlike "King Triton" or "Prince John", whose title is how they are known.
_DROPPED_TITLES = frozenset({"princess", "dr"})


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


_ROMAN = {"II": "2", "III": "3", "IV": "4", "VI": "6", "VII": "7", "VIII": "8", "IX": "9"}


def slugify(text: str) -> str:
    """Return the shared lowercase ASCII slug of ``text``.

    Words are joined by "-", apostrophes and other punctuation are dropped, "&" becomes "and",
    accents are stripped and leading articles are kept: "Chip 'n Dale: Rescue Rangers" ->
    "chip-n-dale-rescue-rangers", "WALL-E" -> "wall-e", "The Lion King 1½" -> "the-lion-king-1-and-a-half",
    "The Lion King II: Simba's Pride" -> "the-lion-king-2-simbas-pride".
    """
    text = text.replace("½", " and a half").replace("¼", " and a quarter").replace("¾", " and three quarters")
    # Sequel numerals are written as digits ("The Lion King II" -> "the-lion-king-2"); only capitalised
    # numerals from II upwards, so the word "I" and lowercase words stay untouched.
    text = re.sub(r"\b(II|III|IV|VI|VII|VIII|IX)\b", lambda match: _ROMAN[match.group(1)], text)
    text = _strip_accents(text).replace("&", " and ")
    # Apostrophes and full stops sit inside words ("Simba's", "A.E.", "Inc."): drop them, do not split.
    text = re.sub(r"['’`.]", "", text)
    text = re.sub(r"[^A-Za-z0-9]+", "-", text.lower())
    return text.strip("-")


def title_tokens(title: str) -> list[str]:
    """Return the slug tokens of a title, without a leading article ("The Incredibles" -> ["incredibles"])."""
    tokens = [token for token in slugify(title).split("-") if token]
    while len(tokens) > 1 and tokens[0] in _ARTICLES:
        tokens = tokens[1:]
    return tokens


# A parenthesised aside that names another version of a character (an alternate universe, a variant),
# not another name for the same one: "Spider-Man (Earth-42)" is not "Spider-Man".
_VARIANT_ASIDE = re.compile(
    r"\b(earth[\s-]*\d+|variant|alternate|alternative|universe|timeline|reality|clone|zombie)\b",
    re.IGNORECASE,
)


def variant_of_name(name: str) -> str | None:
    """The variant aside of a name ("Earth-42" for "Spider-Man (Earth-42)"), or None."""
    common = re.split(r"\s*/\s*", name.strip(), maxsplit=1)[0]
    for aside in re.findall(r"\(([^)]*)\)", common):
        if _VARIANT_ASIDE.search(aside):
            return aside.strip()
    return None


def character_id_from_name(name: str) -> str:
    """Return the global character slug of a display name.

    The common name is the first alternative before " / " and before a parenthesised aside
    ("Bob Parr / Mr. Incredible" -> "bob-parr", "Anastasia (Anya)" -> "anastasia"). A leading
    honorific is dropped only when at least two words remain ("Mr. George Banks" -> "george-banks"),
    because for a name such as "Mr. Ray" the honorific is part of the common name; "Princess" and "Dr."
    are always dropped ("Princess Jasmine" -> "jasmine"). An aside naming a variant (an alternate
    universe, a clone) stays in the id, so that a variant never merges into the original:
    "Spider-Man (Earth-42)" -> "spider-man-earth-42".
    """
    common = re.split(r"\s*/\s*", name.strip(), maxsplit=1)[0]
    without_aside = re.sub(r"\s*\([^)]*\)", "", common).strip()
    common = without_aside or common
    words = common.split()
    first = words[0].lower().rstrip(".") if words else ""
    if (len(words) >= 3 and first in _HONORIFICS) or (len(words) >= 2 and first in _DROPPED_TITLES):
        words = words[1:]
    variant = variant_of_name(name)
    return slugify(" ".join([*words, variant] if variant and without_aside else words))


def _label(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text.strip().lower())


def normalize_role(raw: str | None) -> str:
    """Map a free-text role ("villain", "comic_relief", "love interest") to the role vocabulary.

    Unknown or missing labels become "supporting": the legacy role definitions describe every
    unlisted label as a secondary part, and "supporting" is the vocabulary's neutral middle.
    """
    if raw is None:
        return "supporting"
    label = _label(raw)
    if label in _ROLE_SYNONYMS:
        return _ROLE_SYNONYMS[label]
    for synonym, role in _ROLE_SYNONYMS.items():
        if re.search(rf"\b{re.escape(synonym)}\b", label):
            return role
    return "supporting"


def normalize_gender(raw: str | None) -> str:
    """Map a free-text gender ("Male", "non-binary", "n/a", "various") to the gender vocabulary."""
    if raw is None:
        return "unknown"
    return _GENDER_SYNONYMS.get(_label(raw), "unknown")


# Species words that name a general kind on their own although they are two words long; without this
# list the head-noun rule would turn a sea lion into a lion.
_COMPOUND_KINDS = frozenset(
    {
        "sea lion",
        "sea monster",
        "sea witch",
        "sea otter",
        "guinea pig",
        "fire engine",
        "magic carpet",
        "magic mirror",
        "tree spirit",
        "water spirit",
        "earth spirit",
    }
)
# Specific kinds that the vocabulary files under a more general one ("Dalmatian dog" -> dog).
_GENERAL_KIND: dict[str, str] = {
    **dict.fromkeys(
        [
            "dalmatian",
            "pug",
            "bulldog",
            "beagle",
            "poodle",
            "hound",
            "bloodhound",
            "basset hound",
            "german shepherd",
            "golden retriever",
            "doberman",
            "rottweiler",
            "chihuahua",
            "xoloitzcuintli",
            "terrier",
            "collie",
        ],
        "dog",
    ),
    **dict.fromkeys(
        [
            "clownfish",
            "blue tang",
            "yellow tang",
            "moorish idol",
            "porcupinefish",
            "royal gramma",
            "damselfish",
            "barracuda",
            "moonfish",
            "anglerfish",
            "goldfish",
        ],
        "fish",
    ),
}
_IRREGULAR_SINGULARS = {
    "mice": "mouse",
    "geese": "goose",
    "people": "person",
    "men": "man",
    "women": "woman",
    "children": "child",
    "teeth": "tooth",
    "feet": "foot",
    "wolves": "wolf",
    "elves": "elf",
    "dwarves": "dwarf",
    "thieves": "thief",
    "leaves": "leaf",
}
_UNCOUNTABLE = frozenset({"fish", "sheep", "deer", "moose", "species", "series", "octopus", "cyclops"})
_IE_PLURALS = frozenset({"zombies", "genies", "pixies", "movies", "cookies", "hippies"})


def singularize(word: str) -> str:
    """Return a singular form of an English noun, good enough for species names."""
    if word in _IRREGULAR_SINGULARS:
        return _IRREGULAR_SINGULARS[word]
    if word in _UNCOUNTABLE or len(word) <= 3:
        return word
    if word in _IE_PLURALS:
        return word[:-1]
    if word.endswith("ies"):
        return word[:-3] + "y"
    if re.search(r"(ss|x|ch|sh|zz)es$", word):
        return word[:-2]
    if word.endswith("s") and not re.search(r"(ss|us|is|os)$", word):
        return word[:-1]
    return word


@dataclass(frozen=True)
class Species:
    """A normalised species: the general kind and the specifics split off from it."""

    kind: str
    detail: str | None


def normalize_species(raw: str | None) -> Species:
    """Return the lowercase singular general kind of ``raw`` and its detail.

    "Dalmatian dog" -> dog / dalmatian; "dog (German Shepherd)" -> dog / german shepherd;
    "Spix's macaw" -> macaw / spix's; "human_mutate" -> human / mutate; "sea lion" -> sea lion;
    "various sea creatures" -> creature / various sea; "N/A" -> unknown.
    """
    if raw is None or _label(raw) in PLACEHOLDERS:
        return Species("unknown", None)
    text = raw.strip().lower()
    asides = [aside.strip() for aside in re.findall(r"\(([^)]*)\)", text) if aside.strip()]
    text = re.sub(r"\s*\([^)]*\)", "", text).strip()
    alternatives = [part.strip() for part in re.split(r"\s*/\s*", text) if part.strip()]
    primary = alternatives[0] if alternatives else text
    details: list[str] = []
    # "human_mutate" names a kind of human; in other snake_case labels the last word is the kind.
    words = primary.replace("_", " ").split()
    if primary.startswith("human_"):
        kind, modifiers = "human", words[1:]
    elif " ".join(words) in _COMPOUND_KINDS or " ".join(words) in _GENERAL_KIND:
        kind, modifiers = " ".join(words), []
    elif len(words) >= 2 and " ".join(words[-2:]) in _COMPOUND_KINDS | _GENERAL_KIND.keys():
        kind, modifiers = " ".join(words[-2:]), words[:-2]
    elif words:
        kind, modifiers = words[-1], words[:-1]
    else:
        return Species("unknown", None)
    kind = singularize(kind) if " " not in kind else kind
    if kind in _GENERAL_KIND:
        details.append(kind)
        kind = _GENERAL_KIND[kind]
    if modifiers:
        details.insert(0, " ".join(modifiers))
    details.extend(asides)
    details.extend(alternatives[1:])
    if kind in PLACEHOLDERS:
        return Species("unknown", ", ".join(details) or None)
    return Species(kind, ", ".join(details) or None)


@dataclass(frozen=True)
class VoiceCredit:
    """One person named in a voice-actor string, with the qualifiers written after the name."""

    name: str
    qualifiers: tuple[str, ...] = ()

    @property
    def is_singing(self) -> bool:
        """True when a qualifier says this person sang the part ("(singing)", "(adult singing)")."""
        lowered = [qualifier.lower() for qualifier in self.qualifiers]
        return any(re.search(r"\bsing(ing|er)?\b", q) for q in lowered) and not any(
            re.search(r"\b(speaking|narrator|voice)\b", q) for q in lowered
        )


@dataclass
class VoiceCredits:
    """The people of one voice-actor string, split into speaking and singing voices."""

    credits: list[VoiceCredit] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    @property
    def voice_actors(self) -> list[str]:
        return _unique(credit.name for credit in self.credits if not credit.is_singing)

    @property
    def singing_voice_actors(self) -> list[str]:
        return _unique(credit.name for credit in self.credits if credit.is_singing)

    def qualifier_notes(self, ignore: frozenset[str] = frozenset()) -> list[str]:
        """Qualifiers other than speaking/singing (and ``ignore``), as "Name (qualifier)" note strings."""
        notes = []
        for credit in self.credits:
            skipped = {"singing", "speaking", "voice"} | {q.lower() for q in ignore}
            kept = [q for q in credit.qualifiers if q.lower() not in skipped]
            if kept:
                notes.append(f"{credit.name} ({', '.join(kept)})")
        return notes


def _unique(names) -> list[str]:
    seen: list[str] = []
    for name in names:
        if name not in seen:
            seen.append(name)
    return seen


def _split_top_level(text: str) -> list[str]:
    """Split on ",", "/", " and ", " & " and ";" outside parentheses."""
    parts: list[str] = []
    depth = 0
    current = ""
    index = 0
    while index < len(text):
        char = text[index]
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        # "N/A" is one placeholder word, not two people split by a slash.
        is_not_applicable = char == "/" and text[max(0, index - 1) : index + 2].lower() == "n/a"
        if depth == 0 and not is_not_applicable:
            match = re.match(r"\s*(,|;|/|&|\band\b)\s*", text[index:])
            if match and (match.group(1) not in ("and",) or text[index] == " "):
                parts.append(current)
                current = ""
                index += match.end()
                continue
        current += char
        index += 1
    parts.append(current)
    return [part.strip() for part in parts if part.strip()]


def is_placeholder(text: str) -> bool:
    """True for "N/A", "Various", "unknown", "none", "TBA", "—" and their variants ("N/A (mute)",
    "various original voice actors")."""
    label = _label(re.sub(r"\s*\([^)]*\)", "", text))
    if label in PLACEHOLDERS or label == "uncredited":
        return True
    return label.split(" ")[0] in {"various", "n/a", "unknown"}


# Qualifiers that say the person did not voice the part (a physical model, an instrumentalist):
# crediting them as a voice actor would be a wrong credit.
_NON_VOICE_QUALIFIERS = frozenset({"model", "puppeteer", "trombone", "trumpet", "piano", "motion capture"})


def parse_voice_credits(raw: str | None) -> VoiceCredits:
    """Split a free-text voice-actor string into credits.

    "A, B (singing)" -> speaking A, singing B; "X / Y", "X and Y", "X & Y" -> two people;
    placeholders ("N/A", "Various", "unknown", "none", "TBA", "—") are dropped and reported in
    ``dropped``; other qualifiers ("(young)", "(uncredited)", "(FN)") stay on the credit.
    """
    result = VoiceCredits()
    if raw is None:
        return result
    for part in _split_top_level(raw.strip()):
        qualifiers = tuple(q.strip() for q in re.findall(r"\(([^)]*)\)", part) if q.strip())
        name = re.sub(r"\s*\([^)]*\)", "", part).strip()
        if not name or is_placeholder(part):
            result.dropped.append(part)
            continue
        if any(q.lower() in _NON_VOICE_QUALIFIERS for q in qualifiers):
            result.dropped.append(part)
            continue
        result.credits.append(VoiceCredit(name=name, qualifiers=qualifiers))
    return result

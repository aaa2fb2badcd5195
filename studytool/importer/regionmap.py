"""Referral wording -> region ids of `studytool.regions`, by anatomy rather than by one page's words.

A referral text is cut into phrases ("the heel and its underside, occasionally the calf"). A
phrase names a body part (a noun: lay or anatomical, "heel", "calcaneal", "sural", "popliteal")
and maybe modifiers ("upper", "back of", "inner") that narrow a coarse part to its region. A
phrase with modifiers and no noun ("its underside") is read against the part named before it.
Cue words ("mainly", "occasionally", "may spread") make the phrases after them primary or
spillover. A phrase that names no region is returned as unmapped, never dropped.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from studytool.regions import PARENT, REGIONS
from studytool.textnorm import ABBREVIATIONS, fold

# Coarse parts that a modifier narrows: family -> {direction: region id}. "" is what the bare
# word means; a family without it ("knee", "thigh") is too vague to code on its own.
FAMILIES: dict[str, dict[str, str]] = {
    "hip": {"": "lateral-hip", "outer": "lateral-hip", "front": "groin", "inner": "groin",
            "back": "upper-buttock"},
    "buttock": {"": "upper-buttock", "upper": "upper-buttock", "lower": "lower-buttock",
                "under": "lower-buttock"},
    "abdomen": {"": "lower-abdomen", "lower": "lower-abdomen", "upper": "upper-abdomen"},
    "thigh": {"front": "anterior-thigh", "back": "posterior-thigh", "inner": "medial-thigh",
              "outer": "lateral-thigh"},
    "knee": {"front": "anterior-knee", "back": "posterior-knee", "inner": "medial-knee",
             "outer": "lateral-knee"},
    "lower leg": {"front": "anterior-calf", "outer": "lateral-calf", "back": "posterior-calf"},
    "calf": {"": "posterior-calf", "upper": "upper-calf", "lower": "lower-calf",
             "outer": "lateral-calf", "front": "anterior-calf"},
    "ankle": {"": "ankle", "front": "anterior-ankle", "back": "posterior-ankle",
              "outer": "lateral-ankle", "inner": "medial-ankle"},
    "foot": {"": "foot", "top": "dorsum-foot", "under": "sole", "inner": "medial-foot",
             "outer": "lateral-foot", "back": "heel"},
    "toe": {"": "toes", "big": "great-toe", "small": "toes"},
}  # fmt: skip

# Nouns: a family above or a region id -> its lay and anatomical names. Display names and ids
# of every region are added too.
NOUNS: dict[str, tuple[str, ...]] = {
    "thoracolumbar": ("thoracolumbar", "thoracolumbar junction"),
    "mid-back": ("mid back", "middle back", "midback", "thoracic spine", "thoracic"),
    "lumbar": ("lower back", "low back", "lumbar", "lumbar spine", "lumbosacral", "loin"),
    "lower-ribs": ("lower ribs", "ribs", "rib cage"),
    "chest": ("chest", "lower chest", "breastbone", "sternum"),
    "abdomen": ("abdomen", "abdominal", "belly", "tummy"),
    "groin": ("groin", "inguinal"),
    "perineum": ("perineum", "perineal", "genitals", "genital", "scrotum", "testicle", "vulva", "penis"),
    "anorectal": ("anus", "anal", "rectum", "rectal", "anorectal"),
    "coccyx": ("coccyx", "coccygeal", "tailbone"),
    "sacrum": ("sacrum", "sacral"),
    "si-joint": ("sacroiliac", "si", "sij"),
    "iliac-crest": ("iliac crest", "crest of the ilium", "pelvic rim", "top of the pelvis"),
    "hip": ("hip",),
    "lateral-hip": ("greater trochanter", "trochanter", "trochanteric"),
    "buttock": ("buttock", "glute", "gluteal", "seat"),
    "lower-buttock": ("gluteal fold", "buttock crease", "sitting bone", "ischial tuberosity"),
    "thigh": ("thigh",),
    "posterior-thigh": ("hamstring",),
    "anterior-thigh": ("quadriceps", "quad"),
    "lateral-thigh": ("it band", "iliotibial band", "iliotibial tract"),
    "knee": ("knee",),
    "anterior-knee": ("kneecap", "patella", "patellar", "prepatellar"),
    "posterior-knee": ("popliteal", "popliteal fossa", "hollow of the knee", "kneepit"),
    "lower leg": ("lower leg",),
    "anterior-calf": ("shin", "shinbone", "tibia", "tibial", "pretibial", "anterior tibial", "tibial crest"),
    "lateral-calf": ("fibula", "fibular", "peroneal"),
    "calf": ("calf", "calves", "sural", "triceps surae"),
    "ankle": ("ankle", "malleolus", "malleoli", "malleolar", "talocrural"),
    "posterior-ankle": ("achilles", "achilles tendon", "heel cord", "tendo calcaneus", "retrocalcaneal"),
    "heel": ("heel", "calcaneal", "calcaneus", "calcaneum", "heel pad"),
    "sole": ("sole", "arch", "plantar fascia", "plantar aponeurosis"),
    "ball-of-foot": (
        "ball of the foot",
        "metatarsal head",
        "head of the metatarsal",
        "metatarsal",
        "forefoot",
    ),
    "dorsum-foot": ("dorsum",),
    "medial-foot": ("instep",),
    "foot": ("foot", "feet"),
    "toe": ("toe", "digit", "lesser toe"),
    "great-toe": ("hallux",),
}

# Words that narrow a part, by direction. "top"/"under"/"side" fall back to "upper"/"lower"/"outer".
MODIFIERS: dict[str, str] = {
    **dict.fromkeys(("upper", "superior", "proximal", "high"), "upper"),
    **dict.fromkeys(("lower", "low", "inferior", "distal"), "lower"),
    **dict.fromkeys(("top", "dorsal", "dorsal surface"), "top"),
    **dict.fromkeys(
        ("underside", "under", "underneath", "beneath", "bottom", "plantar", "undersurface"), "under"
    ),
    **dict.fromkeys(("front", "anterior"), "front"),
    **dict.fromkeys(("back", "posterior", "rear", "behind"), "back"),
    **dict.fromkeys(("inner", "medial", "inside", "med"), "inner"),
    **dict.fromkeys(("outer", "lateral", "outside"), "outer"),
    **dict.fromkeys(("big", "great", "first"), "big"),
    **dict.fromkeys(("little", "small", "smaller", "other"), "small"),
    **dict.fromkeys(("mid", "middle", "central"), "mid"),
    "side": "side",
}
_FALLBACK = {"top": "upper", "under": "lower", "side": "outer"}
_PRONOUNS = frozenset({"its", "it", "their", "them", "there"})
# A phrase placed relative to a part ("just above the heel") is not that part: left to a person.
# Without a noun ("above and below it") it stays near the part named before.
_RELATIVE = frozenset({"above", "below", "between", "beyond"})
# Directions that are prepositions: 'behind the knee' is its back, 'behind it' is only near it.
_PREPOSITIONS = frozenset({"behind", "under", "beneath", "underneath"})
_FILLER = frozenset(
    {
        "the", "a", "an", "of", "in", "on", "at", "is", "are", "be", "been", "this", "that",
        "which", "whose", "pain", "ache", "aching", "pains", "discomfort", "soreness", "tenderness",
        "referred", "refer", "refers", "referring", "send", "sends", "felt", "feel", "may", "can",
        "could", "might", "also", "often", "usually", "commonly", "typically", "frequently", "area",
        "region", "zone", "spot", "site", "point", "pattern", "surface", "aspect", "border", "edge",
        "margin", "part", "portion", "half", "third", "whole", "entire", "deep", "diffuse", "dull",
        "intense", "sharp", "just", "slightly", "all", "both", "joint", "bone", "tendon",
        "muscle", "tissue", "trigger", "tp"
    }
)  # fmt: skip
_ABBREV = {k: ABBREVIATIONS[k] for k in ("ant", "post", "lat", "sup", "inf", "si", "sij", "itb")}

# Cue words: what follows them is primary (group 1) or spillover (group 2).
_CUE = (
    r"\b(mainly|chiefly|mostly|primarily|principally|predominantly|especially|above all|"
    r"essential(?:ly)?(?: zones?)?|main(?: zones?)?|primary(?: zones?)?)\b"
    r"|\b(occasionally|sometimes|rarely|seldom|infrequently|at times|less (?:often|commonly)|"
    r"to a lesser extent|spill ?over(?: zones?)?|spill(?:s|ing)?(?: over)?|spread(?:s|ing)?|"
    r"(?:may|can|might|could)(?: also)? (?:extend|spread|radiate|reach|travel|spill|continue)\w*)\b"
)
_SEPARATORS = (
    r"[,;/&+|()]|\b(?:and|or|into|onto|down to|down|up|towards?|to|from|through|over|across|along|"
    r"around|near|then|plus|including|with|as well as|as far as|extending|radiating|reaching)\b"
)
_SPLIT = re.compile(rf"\s*(?:{_CUE}|{_SEPARATORS})\s*", re.IGNORECASE)
_SAME_SIDE = re.compile(
    r"\b(?:(?:on|of|at) )?(?:the )?(?:same|affected|ipsilateral) side\b|\bipsilateral(?:ly)?\b"
    r"|\b(?:on )?both sides\b|\bbilateral(?:ly)?\b",
    re.IGNORECASE,
)


def words(text: str) -> list[str]:
    """Lowercase words with a few abbreviations expanded, nouns in the singular, no fillers."""
    out: list[str] = []
    for w in re.findall(r"[a-z0-9]+", fold(text)):
        for part in _ABBREV.get(w, w).split():
            if len(part) > 3 and part.endswith("s") and not part.endswith(("ss", "us", "is")):
                part = part[:-1]
            if part not in _FILLER:
                out.append(part)
    return out


def _nouns() -> dict[tuple[str, ...], str]:
    table: dict[tuple[str, ...], str] = {}
    for region_id, name in REGIONS.items():
        for spelling in (re.sub(r"\(.*?\)", "", name), region_id.replace("-", " ")):
            key = tuple(words(spelling))
            if len(key) > 1:  # 'front of the knee': a compound; single words come from NOUNS
                table.setdefault(key, region_id)
    for target, spellings in NOUNS.items():
        for s in spellings:
            table[tuple(words(s))] = target
    table.pop((), None)
    return table


NOUN_TABLE = _nouns()
_LONGEST = max(len(k) for k in NOUN_TABLE)


def resolve(target: str, directions: list[str]) -> str | None:
    """The region a noun's target means under the given directions (None: too vague)."""
    parts = FAMILIES.get(target)
    if parts is None:
        return target
    if "side" in directions and {"inner", "outer", "front", "back"} & set(directions):
        directions = [d for d in directions if d != "side"]
    for d in directions:
        for option in (d, _FALLBACK.get(d, "")):
            if option and option in parts:
                return parts[option]
    return parts.get("")


@dataclass
class _Phrase:
    nouns: list[str] = field(default_factory=list)  # targets (families or region ids)
    families: list[str] = field(default_factory=list)  # named inside a compound: 'sole of the foot'
    directions: list[str] = field(default_factory=list)
    pronoun: bool = False
    relative: bool = False  # 'above', 'below': near a part, not the part
    unknown: list[str] = field(default_factory=list)


def _parse(ws: list[str]) -> _Phrase:
    out = _Phrase()
    i = 0
    while i < len(ws):
        for n in range(min(_LONGEST, len(ws) - i), 0, -1):
            target = NOUN_TABLE.get(tuple(ws[i : i + n]))
            # 'back', 'front' and the like are directions when they stand alone, and so is the
            # end of 'lower back' in 'the lower back of the thigh'.
            if target is not None and ws[i + n - 1] in MODIFIERS and (n == 1 or _any_noun(ws[i + n :])):
                continue
            if target is not None:
                out.nouns.append(target)
                compound = ws[i : i + n] if n > 1 else []
                families = [f for f in map(NOUN_TABLE.get, ((w,) for w in compound)) if f in FAMILIES]
                if families:  # 'outer ankle' is 'outer' + 'ankle': both carry to the next phrase
                    out.families.extend(f for f in families if f != target)
                    out.directions.extend(MODIFIERS[w] for w in compound if w in MODIFIERS)
                i += n
                break
        else:
            w = ws[i]
            if w in _PREPOSITIONS and not _any_noun(ws):
                out.relative = True  # 'behind it', 'under it': near the part named before
            elif w in MODIFIERS:
                out.directions.append(MODIFIERS[w])
            elif w in _PRONOUNS:
                out.pronoun = True
            elif w in _RELATIVE:
                out.relative = True
            else:
                out.unknown.append(w)
            i += 1
    return out


def _any_noun(ws: list[str]) -> bool:
    return any(NOUN_TABLE.get((w,)) and w not in MODIFIERS for w in ws)


def _regions(targets: list[str], directions: list[str]) -> list[str]:
    found = [r for r in (resolve(t, directions) for t in targets) if r]
    # 'heel of the foot', 'sole of the foot': the part, not its whole as well.
    return [r for r in dict.fromkeys(found) if not any(PARENT.get(o) == r for o in found)]


@dataclass(frozen=True)
class Coding:
    """What a referral text codes to: primary and spillover region ids, unmapped phrases."""

    primary: list[str]
    spillover: list[str]
    unmapped: list[str]


def _within(target: str, region: str) -> list[str]:
    """Directions under which `target` (a family) means `region`: 'its sole' after 'foot'."""
    return [d for d, r in FAMILIES.get(target, {}).items() if r == region and d]


# What the next phrase is read against: the targets named, their directions, their regions.
_Context = tuple[list[str], list[str], list[str]] | None


def map_regions(text: str) -> Coding:
    """Region ids named by a referral text, split by cue words, and the phrases naming none."""
    primary: list[str] = []
    spillover: list[str] = []
    unmapped: list[str] = []
    spill = pending = False  # pending: a cue that no coded phrase has followed yet
    previous: _Context = None
    last: list[str] = []
    for piece in _distributed(_pieces(_SAME_SIDE.sub(" ", text))):
        if piece.cue:
            spill, pending = piece.cue == "spillover", True
            continue
        phrase = _parse(piece.words)
        if not (phrase.nouns or phrase.directions or phrase.unknown or phrase.pronoun or phrase.relative):
            continue  # nothing but filler words
        regions, previous = _code(phrase, previous)
        if not regions or (phrase.relative and phrase.nouns):  # 'just above the heel'
            unmapped.append(" ".join(piece.text.split()))
            continue
        target = spillover if spill else primary
        target.extend(r for r in regions if r not in target)
        last, pending = regions, False
    if pending and spill and last:  # 'the big toe, occasionally': the cue closes the phrase
        primary[:] = [r for r in primary if r not in last]
        spillover.extend(r for r in last if r not in spillover)
    return Coding(primary, [r for r in spillover if r not in primary], unmapped)


def _code(phrase: _Phrase, previous: _Context) -> tuple[list[str], _Context]:
    """The regions of one phrase, and the context the next phrase is read in."""
    if previous and (phrase.pronoun or not phrase.nouns) and not phrase.unknown:
        # 'the heel and its underside', 'the foot and its sole': read against the part before.
        targets, _, before = previous
        placed = [d for n in phrase.nouns for t in targets for d in _within(t, n)]
        if len(placed) >= len(phrase.nouns):
            directions = phrase.directions + placed  # none: 'above it', 'its' stay on that part
            regions = [r for r in _regions(targets, directions) if r not in before] if directions else []
            return regions or before, previous
    if not phrase.nouns:
        return [], previous
    directions = phrase.directions
    if not directions and previous:
        directions = previous[1]  # 'outer hip and thigh': the modifier carries over
    regions = _regions(phrase.nouns, directions)
    return regions, ([*phrase.nouns, *phrase.families], directions, regions)


@dataclass
class _Piece:
    """A phrase of a referral text, or a cue ('primary'/'spillover') between phrases."""

    text: str
    cue: str = ""
    joined: bool = False  # only 'and', 'or' or '/' stand between it and the phrase before
    words: list[str] = field(default_factory=list)


_JOINERS = frozenset({"and", "or", "/", "&", "+", "and/or"})


def _pieces(text: str) -> list[_Piece]:
    """The phrases and cues of a text, in order."""
    out: list[_Piece] = []
    pos, between = 0, ""
    for m in [*_SPLIT.finditer(text), None]:
        piece = text[pos : m.start() if m else len(text)]
        if piece.strip():
            out.append(_Piece(piece, joined=bool(out) and " ".join(between.split()) in _JOINERS))
            out[-1].words = words(piece)
            between = ""
        if m is None:
            break
        if m.group(1) or m.group(2):
            out.append(_Piece(m.group(0), "spillover" if m.group(2) else "primary"))
            between = ""
        else:
            between += " " + m.group(0).strip()
        pos = m.end()
    return out


def _distributed(pieces: list[_Piece]) -> list[_Piece]:
    """'inner and outer ankle', 'dorsal/medial big toe': a bare modifier takes the next noun."""
    for piece, nxt in itertools.pairwise(pieces):
        if piece.cue or nxt.cue or not nxt.joined:
            continue
        mine, theirs = _parse(piece.words), _parse(nxt.words)
        if (
            mine.directions
            and not (mine.nouns or mine.unknown or mine.pronoun or theirs.pronoun)
            and theirs.nouns
        ):
            rest = nxt.words[1:] if nxt.words[0] in MODIFIERS else nxt.words
            piece.words = [*piece.words, *rest]
    return pieces


def cue_only(text: str) -> str:
    """'primary' or 'spillover' when a text is nothing but a cue ('Spillover zone', 'occasionally')."""
    pieces = _pieces(text)
    cues = [p.cue for p in pieces if p.cue]
    if not cues or any(p.words for p in pieces if not p.cue):
        return ""
    return cues[-1]

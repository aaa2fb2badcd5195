"""Safe wrong options for choice questions, shared by the quiz's choice mode and exams.

Public API (all deterministic for a given ``random.Random``; never global random, never ``hash()``):

- ``supports_choice(fact)`` / ``supports_multi(fact)``: can this fact become a single-best-answer /
  a select-all-that-apply item?
- ``choice_options(fact, kb, rng, n_options=4) -> (options, correct_index)``: one correct answer
  plus ``n_options - 1`` safe distractors, shuffled.
- ``multi_options(fact, kb, rng, n_options=5) -> (options, correct_indices)``: several correct
  answers plus at least 2 safe distractors, shuffled.
- ``material(fact, kb)``: the raw ``Material`` (correct values, ordered safe candidates) for
  callers that place the key themselves (exam key balancing).
- ``false_material(fact, kb)``: plausible false values for a true/false statement, or None when
  the fact is disputed (``disputed``) or has no true/false form.
- ``NotEnoughDistractors``: raised when fewer safe distractors exist than needed. It subclasses
  ``UserError``, so an uncaught one becomes a one-line error with exit code 2; the quiz catches it
  and falls back to a typed answer.

Which facts qualify (by ``fact_key``) and where their options come from:

- ``innervation`` -> kind ``nerve``: nerves of entries in the same body part (``body_part``: the
  lower limb, the trunk...) and of pool ``nerve``, those of the same or a neighbouring entry
  region first (``near_regions``); never one the subject's innervation text or note names.
- ``innervation-levels`` -> kind ``levels``: the same, from pool ``levels``.
- ``origin`` / ``insertion``: attachments of the same facet on the same bones (``bone_regions``),
  from other entries and the pool list of that name, with lengths near the key's (``BALANCE``,
  never beyond ``MAX_RATIO``); no two options half the same.
- reverse nerve facts (one muscle -> choice, several -> multi) -> kind ``muscle``: entries on
  another nerve whose innervation text and note never name the asked nerve.
- ``referral-reverse`` -> kind ``muscle``: entries with a fully coded pattern that neither covers
  the asked zones nor shares most zones with it (either way). Body-map items use the same material.
- ``referral`` (multi only, fully coded entries only) -> kind ``region``: correct are the primary
  zones; wrong are regions clearly outside the pattern: not coded (primary or spillover), not
  part or whole of a coded zone (``regions.related``), not ``adjacent`` to one. Regions two steps
  from a primary zone come first.
- ``differentials`` (multi only) -> kind ``condition``: pool ``condition``, filed by the regions
  where each condition hurts. Only conditions none of whose regions is coded for the muscle or
  adjacent to a coded zone, and at least one of which is two steps from a primary zone
  (``zone_distances``): same part of the body, outside the pattern. Never a remote one (it gives
  the answer away); a muscle whose pattern leaves no such region gets no select-all item.
- true/false (``false_material``): only facts ``disputed`` leaves alone; false values follow the
  rules of the fact's kind.

Safety rules (a distractor must be wrong for the subject):

- Values are compared by a *key*: ``textnorm.normalize`` with spinal levels removed; nerves also
  ignore the word "nerve". A candidate equal to the answer or an alias is dropped, and so are
  duplicates.
- Attachments: a candidate is dropped when one of its parts (split at commas and semicolons) has
  all its words inside a part of the answer, an alias or the note, or the reverse ("Ischial
  tuberosity" against "Lateral border of the ischial tuberosity").
- Spinal levels compare as sets of segments: subsets and supersets are dropped (some references
  would call them right); a false true/false value shares no segment with the answer.
- Conditions come from the curated pool only, never from other entries (a neighbour's
  differential is often a true one of the subject too). A pool condition sharing a content word
  with one of the subject's differentials is dropped, and so is one whose words mostly appear in
  the entry's own text (summary, referral notes, distinctions, notes).
- Options are homogeneous (all one kind) and never "all/none of the above".

Pool file: ``cards_src/_pool.yaml`` maps a pool name to regions, each with a list of values
(``condition: {groin: [Inguinal hernia]}``); the loader flattens it to ``name/region`` keys. The
region vocabularies are ``POOL_REGIONS``. A plain list under a name (the old format) still loads,
but has no region and is never offered.

Cost: each knowledge base gets one ``DistractorIndex`` (cached for the most recent ``kb``). It
computes the values of one kind the first time an item of that kind needs them; one item then
costs O(entries + pool) (attachments: only those on the key's bones), never a pairwise search
over the knowledge base.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from studytool.errors import UserError
from studytool.model import Entry, Fact, KnowledgeBase
from studytool.questions.facts import normal_nerve
from studytool.regions import (
    REGIONS,
    REMOTE,
    region_name,
    related,
    zone_distances,
)
from studytool.textnorm import SEGMENTS, normalize, slug, spinal_segments, stem

POOL_NAMES = ("nerve", "levels", "origin", "insertion", "condition")
SINGLE_KEYS = ("innervation", "innervation-levels", "origin", "insertion", "referral-reverse")
MULTI_KEYS = ("referral", "differentials")
TF_KEYS = ("innervation", "innervation-levels", "origin", "insertion")
MIN_DISTRACTORS = 3  # single best answer: at least 3 safe wrong options (4 options in all)
MIN_MULTI_DISTRACTORS = 2
BALANCE = 1.6  # attachment options within this length ratio of the key come first
MAX_RATIO = 2.5  # and none is longer or shorter than the key by more than this factor
ATTACHMENT_CANDIDATES = 24  # attachment options kept per length tier (bounds the pairwise check)

# --- Body parts and bones: what "the same region" means for nerves, levels and attachments --

# An entry's region (free text) -> the part of the body whose nerves and levels it shares.
PARTS: dict[str, str] = {
    **dict.fromkeys(("hip", "thigh", "knee", "leg", "ankle", "foot", "lower-limb"), "lower-limb"),
    **dict.fromkeys(("lower-back", "back", "abdomen", "pelvis", "thorax", "chest", "trunk"), "trunk"),
    **dict.fromkeys(("shoulder", "arm", "elbow", "forearm", "wrist", "hand", "upper-limb"), "upper-limb"),
    **dict.fromkeys(("head", "face", "jaw", "neck", "head-neck"), "head-neck"),
}


# The lower limb from top to bottom: a neighbour's nerves and levels are the likeliest confusions.
_LIMB = {"hip": 0.0, "thigh": 1.0, "knee": 2.0, "leg": 3.0, "ankle": 3.5, "foot": 4.0}


def body_part(region: str) -> str:
    """'Thigh' -> 'lower-limb', 'Lower back' -> 'trunk'; an unknown region is its own part."""
    key = slug(region, empty="")
    return PARTS.get(key, key)


def near_regions(a: str, b: str) -> bool:
    """Two region slugs that are the same or neighbours along the lower limb ('leg', 'foot')."""
    if a in _LIMB and b in _LIMB:
        return abs(_LIMB[a] - _LIMB[b]) <= 1
    return a == b


# Bone region -> words (slug form) that place an attachment there, most specific first.
BONES: dict[str, tuple[str, ...]] = {
    "knee": (
        "patella", "patellar", "tibial-tuberosity", "condyle-of-the-tibia", "condyles-of-the-tibia",
        "tibial-condyle", "head-of-the-fibula", "fibular-head", "pes-anserinus", "gerdy", "knee",
        "femoral-condyle", "femoral-condyles", "condyle-of-the-femur", "meniscus", "popliteal",
    ),
    "foot": (
        "calcaneus", "calcaneal", "talus", "navicular", "cuneiform", "cuneiforms", "cuboid",
        "metatarsal", "metatarsals", "phalanx", "phalanges", "toe", "toes", "hallux", "sesamoid",
        "plantar", "tarsal", "sustentaculum", "digital-expansions",
    ),
    "leg": ("tibia", "tibial", "fibula", "fibular", "interosseous-membrane", "soleal-line"),
    "thigh": (
        "femur", "femoral", "trochanter", "trochanteric", "linea-aspera", "intertrochanteric",
        "gluteal-tuberosity", "iliotibial", "quadrate-tubercle", "supracondylar", "spiral-line",
        "adductor-tubercle",
    ),
    "pelvis": (
        "ilium", "iliac", "ischial", "ischium", "ischiopubic", "pubis", "pubic", "symphysis",
        "acetabulum", "obturator", "sacrum", "sacral", "coccyx", "coccygeal", "sacrotuberous",
        "sacrospinous", "pecten", "iliopubic", "perineal-body", "anococcygeal", "iliolumbar",
        "sciatic-notch", "tendinous-arch",
    ),
    "spine": (
        "vertebra", "vertebrae", "vertebral", "spinous", "transverse-process", "transverse-processes",
        "lamina", "laminae", "mamillary", "discs", "thoracolumbar-fascia", "supraspinous",
        "erector-spinae",
    ),
    "ribs": ("rib", "ribs", "costal", "xiphoid"),
    "abdominal-wall": ("linea-alba", "inguinal-ligament", "conjoint-tendon", "rectus-sheath"),
}  # fmt: skip

# Pool name -> the region keys its mapping may use (the loader checks them).
POOL_REGIONS: dict[str, frozenset[str]] = {
    "nerve": frozenset(PARTS),  # an entry region ('foot') or a whole part ('lower-limb')
    "levels": frozenset(PARTS),
    "origin": frozenset(BONES),
    "insertion": frozenset(BONES),
    "condition": frozenset({*REGIONS, "remote"}),  # 'remote': kept for reference, never offered
}


@lru_cache(maxsize=1 << 14)
def bone_regions(text: str) -> frozenset[str]:
    """The bone regions an attachment text names: 'Lesser trochanter of the femur' -> {thigh}."""
    s = f"-{slug(text)}-"
    out = set()
    for region, words in BONES.items():
        for w in words:
            if f"-{w}-" in s:
                out.add(region)
                s = s.replace(f"-{w}-", "-")
    return frozenset(out)


# --- Disputes: facts a note records as contested -------------------------------------------

# A sentence that records a disagreement or an unchecked point (or cites a reference by name,
# which a note does to set one account against another).
_DISPUTE = re.compile(
    r"differ|disagree|disput|debat|controvers|contested|\bvar(y|ies|ied|iable|iably|iation|iant)|"
    r"uncertain|unclear|not re-?(checked|verified)|not confirmed|from memory|\b(some|several|other|"
    r"others|older|most|many|minority)\b|\busually\b|\bsometimes\b|\boften\b|\balternative|accessory|gray|moore|"
    r"travell|simons|bogduk|netter|kendall|standring|macintosh",
    re.IGNORECASE,
)
_LEVEL_WORDS = re.compile(r"\b[CTLS]\d{1,2}\b|\blevels?\b|\bsegments?\b|\bsegmental\b", re.IGNORECASE)
_NERVE_WORDS = re.compile(
    r"\b(nerve|nerves|innervat\w*|branch\w*|division|divisions|rami|ramus|plexus|twigs?|trunk|accessory)\b",
    re.IGNORECASE,
)
_ORIGIN_WORDS = re.compile(r"\b(origin\w*|arise\w*|arising|attachment\w*)\b", re.IGNORECASE)
_INSERTION_WORDS = re.compile(r"\b(insert\w*|attachment\w*)\b", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def _disputed_sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(text) if _DISPUTE.search(s)]


def _names_other_nerve(sentence: str, own: frozenset[str]) -> bool:
    """The sentence is about which nerve (or branch) supplies the muscle, not only its levels:
    a nerve word is left once the muscle's own nerve ('superior gluteal nerve') is taken out."""
    words = value_key(sentence).split()
    for i, w in enumerate(words):
        if w in own:
            continue
        beside_own = (i and words[i - 1] in own) or (i + 1 < len(words) and words[i + 1] in own)
        if _NERVE_WORDS.fullmatch(w) and not (w in ("nerve", "nerves") and beside_own):
            return True
    return False


def disputed(e: Entry) -> frozenset[str]:
    """Fact keys (``TF_KEYS``) whose fact a note records as disputed or unchecked. Every sentence
    of a note that records a disagreement (``_DISPUTE``) is read: in the origin's or insertion's
    note it concerns that attachment; in the innervation's note it concerns the levels, and the
    nerve too unless it is about levels and names no nerve or branch but the muscle's own; in the
    entry's ``notes`` it concerns the topics it names (levels, nerve, origin, insertion). Errs on
    the safe side."""
    out: set[str] = set()
    for kind, struct in (("origin", e.origin), ("insertion", e.insertion)):
        if struct and _disputed_sentences(struct.note):
            out.add(kind)
    inn = e.innervation
    own = frozenset(w for t in ((inn.nerve, *inn.aliases) if inn else ()) for w in nerve_key(t).split())
    for s in _disputed_sentences(inn.note if inn else ""):
        out.add("innervation-levels")  # levels are the usual dispute: any one keeps them out
        if not _LEVEL_WORDS.search(s) or _names_other_nerve(s, own):
            out.add("innervation")
    for s in (s for note in e.notes for s in _disputed_sentences(note)):
        levels = bool(_LEVEL_WORDS.search(s))
        if levels:
            out.add("innervation-levels")
        if _names_other_nerve(s, own) if levels else _NERVE_WORDS.search(s):
            out.add("innervation")
        if _ORIGIN_WORDS.search(s):
            out.add("origin")
        if _INSERTION_WORDS.search(s):
            out.add("insertion")
    return frozenset(out)


# --- Values and their comparison keys --------------------------------------------------------

# Words too generic to make two conditions "the same" when shared.
_GENERIC = frozenset({"syndrome", "dysfunction", "pain", "disease", "disorder", "strain", "injury", "joint"})
# Words that do not tell two attachment parts apart ("of the femur" qualifies, it does not place).
_PART_STOP = frozenset(
    {"the", "a", "an", "of", "and", "its", "their", "to", "from", "by", "with", "on", "at", "in",
     "into", "onto", "between", "just", "also", "both", "through", "via", "femur", "tibia", "fibula"}
)  # fmt: skip
# Words that qualify a landmark without being one.
_QUALIFIERS = frozenset(
    {"lateral", "medial", "anterior", "posterior", "upper", "lower", "superior", "inferior", "middle",
     "outer", "inner", "deep", "superficial", "surface", "surfaces", "border", "borders", "margin",
     "part", "parts", "side", "sides", "third", "thirds", "half", "quarter", "quarters", "one", "two",
     "three", "four", "front", "back", "adjacent", "adjoining", "below", "above", "it", "them"}
)  # fmt: skip
_SEG_INDEX = {s.upper(): i for i, s in enumerate(SEGMENTS)}
_LEVEL_TOKEN = re.compile(r"^[ctls]\d{1,2}$")


class NotEnoughDistractors(UserError):
    """Fewer safe wrong options exist than an item needs (exit code 2 when uncaught)."""

    def __init__(self, fact_id: str, found: int, needed: int, kind: str) -> None:
        self.fact_id, self.found, self.needed, self.kind = fact_id, found, needed, kind
        super().__init__(
            f"{fact_id}: only {found} safe wrong {kind} option(s), {needed} needed; "
            f"add entries or extend the '{kind}' list in cards_src/_pool.yaml"
        )


def without_brackets(text: str) -> str:
    """An attachment as an option, without the brackets that say whose it is: '(soleus)',
    '(medial head)', '(longus)'. A bracket that names a landmark ('(pes anserinus)') stays."""
    plain = re.sub(r"\s*\(([^()]*)\)", lambda m: m.group(0) if bone_regions(m.group(1)) else "", text)
    return re.sub(r"\s+([;,.])", r"\1", re.sub(r"\s{2,}", " ", plain)).strip() or text


@dataclass(frozen=True)
class Material:
    """What a choice item is built from.

    ``correct``: every correct value (one for single-answer facts). ``candidates``: safe wrong
    values, deduplicated, in a stable order, the ``preferred`` first ones (nearest region,
    closest length) drawn before the rest. ``kind``: the option kind.
    """

    fact: Fact
    kind: str
    correct: tuple[str, ...]
    candidates: tuple[str, ...]
    preferred: int


def fact_key(fact: Fact) -> str:
    """The facet key of a fact: 'innervation', 'referral-reverse', 'muscles', ..."""
    return fact.key


def is_nerve_reverse(fact: Fact) -> bool:
    """A reverse 'which muscle(s) does this nerve supply?' fact."""
    return fact.reverse and fact.facet == "innervation"


def supports_choice(fact: Fact) -> bool:
    """True when the fact can be asked as a single-best-answer question."""
    if is_nerve_reverse(fact):
        return fact.kind == "basic"
    return fact_key(fact) in SINGLE_KEYS


def supports_multi(fact: Fact) -> bool:
    """True when the fact can be asked as select-all-that-apply."""
    if is_nerve_reverse(fact):
        return fact.kind == "list"
    return fact_key(fact) in MULTI_KEYS


def supports_any(fact: Fact) -> bool:
    """``supports_choice(fact) or supports_multi(fact)``, in one step."""
    if is_nerve_reverse(fact):
        return fact.kind in ("basic", "list")
    key = fact_key(fact)
    return key in SINGLE_KEYS or key in MULTI_KEYS


@lru_cache(maxsize=1 << 16)
def value_key(text: str) -> str:
    """Comparison key: normalised text without spinal levels (bare or parenthesised)."""
    return " ".join(t for t in normalize(text).split() if not _LEVEL_TOKEN.match(t))


@lru_cache(maxsize=1 << 14)
def nerve_key(text: str) -> str:
    """Comparison key for nerves: also ignores 'nerve'/'n.' and 'the'."""
    return value_key(normal_nerve(text))


# A nerve -> the nerve it branches from (by `nerve_key`). A trunk offered as "wrong" for a muscle
# its branch supplies is arguably right ("Tibial nerve" for the interossei), and so is a branch
# offered for its trunk: neither is ever a wrong option against the other.
NERVE_TRUNK: dict[str, str] = {
    "tibial": "sciatic",
    "common fibular": "sciatic",
    "medial plantar": "tibial",
    "lateral plantar": "tibial",
    "inferior calcaneal": "lateral plantar",
    "sural": "tibial",
    "deep fibular": "common fibular",
    "superficial fibular": "common fibular",
    "saphenous": "femoral",
    "inferior gluteal": "sacral plexus",
    "superior gluteal": "sacral plexus",
    "sciatic": "sacral plexus",
    "pudendal": "sacral plexus",
    "femoral": "lumbar plexus",
    "obturator": "lumbar plexus",
}


def _lineage(key: str) -> frozenset[str]:
    """A nerve key with every trunk above it ('lateral plantar' -> tibial, sciatic, sacral plexus);
    a division named in the key ('sciatic tibial division') counts as that nerve."""
    out = {key, *(k for k in NERVE_TRUNK if "division" in key and k in key.split())}
    for k in list(out):
        while k in NERVE_TRUNK:
            k = NERVE_TRUNK[k]
            out.add(k)
    return frozenset(out)


def nerves_related(a: str, b: str) -> bool:
    """One nerve (by key) is the other, a branch of it, or its trunk."""
    return a in _lineage(b) or b in _lineage(a)


def level_set(text: str) -> frozenset[str]:
    """Spinal segments named by a levels text: 'L4–S1' -> {L4, L5, S1}; 'L4, L5' -> {L4, L5}."""
    return spinal_segments(text)


def _content_words(text: str) -> set[str]:
    return {w for w in value_key(text).split() if w not in _GENERIC}


def _stems(text: str) -> set[str]:
    """Word stems of a text (`textnorm.stem`), to see whether an entry mentions a condition."""
    return {stem(w) for w in value_key(text).split()}


@lru_cache(maxsize=1 << 14)
def attachment_parts(text: str) -> tuple[frozenset[str], ...]:
    """An attachment's parts (split at commas and semicolons), each as its placing words; a part
    made only of qualifiers ('lateral', 'upper third') places nothing and is left out."""
    parts = (frozenset(value_key(p).split()) - _PART_STOP for p in re.split(r"[,;]", text))
    return tuple(p for p in parts if p - _QUALIFIERS)


def _overlaps(a: Sequence[frozenset[str]], b: Sequence[frozenset[str]]) -> bool:
    """Some part of one lies inside a part of the other: the two are half the same answer."""
    return any(x <= y or y <= x for x in a for y in b)


@dataclass(frozen=True)
class _Value:
    """A candidate value with its comparison forms computed once (``words``: content words for
    conditions, key words for attachments, segments for levels; ``regions``: where it lies)."""

    entry: str
    text: str
    key: str
    words: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()


def _segment_order(segment: str) -> tuple[int, str]:
    return (_SEG_INDEX.get(segment.upper(), len(_SEG_INDEX)), segment)


def _value(entry: str, kind: str, text: str, regions: frozenset[str] = frozenset()) -> _Value:
    if kind == "nerve":
        return _Value(entry, text, nerve_key(text), frozenset(nerve_key(text).split()), regions)
    key = value_key(text)
    if kind == "levels":
        # value_key drops level tokens, so a levels text is keyed by its segments instead.
        segments = level_set(text)
        return _Value(entry, text, " ".join(sorted(segments, key=_segment_order)), segments, regions)
    if kind == "condition":
        return _Value(entry, text, key, frozenset(_content_words(text)), regions)
    if kind in ("origin", "insertion"):  # the bones the text names, and those it is filed under
        return _Value(entry, text, key, frozenset(key.split()), regions | bone_regions(text))
    return _Value(entry, text, key, frozenset(key.split()), regions)


def entry_values(e: Entry, kind: str) -> tuple[str, ...]:
    """An entry's own values of one option kind (empty when the facet is missing)."""
    inn = e.innervation
    if kind == "nerve":
        return (inn.nerve,) if inn else ()
    if kind == "levels":
        return (inn.levels,) if inn and inn.levels else ()
    if kind in ("origin", "insertion"):
        struct = e.origin if kind == "origin" else e.insertion
        return (struct.text,) if struct else ()
    if kind == "condition":
        return tuple(d.condition for d in e.differentials)
    if kind == "muscle":
        return (e.name,)
    raise ValueError(f"unknown option kind '{kind}'")


def pool_regions(pool: dict[str, tuple[str, ...]], name: str) -> dict[str, tuple[str, ...]]:
    """One pool list by region: ``{'groin': ('Inguinal hernia', ...)}`` from ``name/region`` keys."""
    prefix = f"{name}/"
    return {k[len(prefix) :]: v for k, v in pool.items() if k.startswith(prefix)}


def _coded(e: Entry) -> frozenset[str]:
    return frozenset(z for r in e.referral for z in (*r.primary, *r.spillover))


def _primary(e: Entry) -> frozenset[str]:
    return frozenset(z for r in e.referral for z in r.primary)


def _shared(zones: Iterable[str], pattern: frozenset[str]) -> int:
    """How many of ``zones`` lie in ``pattern`` (a zone counts when it is a coded zone, its part
    or its whole)."""
    return sum(any(related(z, p) for p in pattern) for z in zones)


class DistractorIndex:
    """Per-kind values of every entry and of the pool, with comparison keys computed once.

    Each kind is computed on first use (``values_of``, ``pool_of``), not up front.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.entries: dict[str, Entry] = kb.by_id()
        self._values: dict[str, list[_Value]] = {}
        self._pool: dict[str, list[_Value]] = {}
        self._buckets: dict[int, dict[str, list[int]]] = {}  # id(value list) -> region -> positions

    @cached_property
    def nerves(self) -> dict[str, str]:
        """Entry id -> nerve key, for entries with an innervation."""
        return {e.id: nerve_key(e.innervation.nerve) for e in self.kb.entries if e.innervation}

    @cached_property
    def zones(self) -> dict[str, frozenset[str]]:
        """Entry id -> every referral zone (primary and spillover)."""
        return {e.id: _coded(e) for e in self.kb.entries}

    @cached_property
    def nerve_words(self) -> dict[str, frozenset[str]]:
        """Entry id -> every word of its innervation (nerve, aliases, note)."""
        out = {}
        for e in self.kb.entries:
            inn = e.innervation
            if inn:
                out[e.id] = frozenset(value_key(" ".join((inn.nerve, *inn.aliases, inn.note))).split())
        return out

    def values_of(self, kind: str) -> list[_Value]:
        """Every entry's values of one kind, in entry order (nerves and levels carry the body part)."""
        got = self._values.get(kind)
        if got is None:
            got = self._values[kind] = [
                _value(
                    e.id,
                    kind,
                    t,
                    frozenset({slug(e.region, empty="")}) if kind in ("nerve", "levels") else frozenset(),
                )
                for e in self.kb.entries
                for t in entry_values(e, kind)
            ]
        return got

    def pool_of(self, kind: str) -> list[_Value]:
        """The curated pool's values of one kind, each with the regions it is filed under."""
        got = self._pool.get(kind)
        if got is None:
            regions: dict[str, set[str]] = {}
            for region, texts in pool_regions(self.kb.pool, kind).items():
                if region != "remote":
                    for t in texts:
                        regions.setdefault(t, set()).add(region)
            got = self._pool[kind] = [_value("", kind, t, frozenset(r)) for t, r in regions.items()]
        return got

    def material(self, fact: Fact) -> Material:
        """Correct values and safe candidates for a fact (raises UserError when unsupported)."""
        key = fact_key(fact)
        e = self.entries.get(fact.entry)
        if e is None:
            raise UserError(f"{fact.id}: entry '{fact.entry}' is not in the knowledge base")
        if key == "innervation" and e.innervation:
            return self._nerve(fact, e, self._nerve_ok(e))
        if key == "innervation-levels" and e.innervation and e.innervation.levels:
            mine = level_set(e.innervation.levels)
            return self._levels(fact, e, lambda v: bool(v.words) and not (v.words <= mine or mine <= v.words))
        if key in ("origin", "insertion"):
            struct = e.origin if key == "origin" else e.insertion
            if struct:
                return self._attachment(fact, e, key, struct.text)
        if is_nerve_reverse(fact) and e.innervation:
            target = nerve_key(e.innervation.nerve)
            asked = frozenset(target.split())
            members = tuple(m.name for m in self.kb.entries if self.nerves.get(m.id) == target)

            def other_nerve(v: _Value) -> bool:
                return (
                    self.nerves.get(v.entry) not in (None, target) and not asked <= self.nerve_words[v.entry]
                )

            return self._build(fact, "muscle", members, other_nerve, pool=False)
        if key == "referral-reverse":
            return self._build(fact, "muscle", (e.name,), self._pattern_differs(e), pool=False)
        if key == "referral":
            return self._referral(fact, e)
        if key == "differentials":
            return self._conditions(fact, e)
        raise UserError(f"{fact.id}: this fact cannot be asked as a choice question")

    def tf_allowed(self, fact: Fact) -> bool:
        """The fact has a true/false form and no note disputes it (cheap: no values are built)."""
        e = self.entries.get(fact.entry)
        if e is None or (not e.innervation and fact_key(fact) in ("innervation", "innervation-levels")):
            return False
        if is_nerve_reverse(fact):
            return fact.kind == "basic" and "innervation" not in self.disputes[e.id]
        key = fact_key(fact)
        if key == "innervation-levels" and not (e.innervation and e.innervation.levels):
            return False
        return key in TF_KEYS and key not in self.disputes[e.id]

    def false_material(self, fact: Fact) -> Material | None:
        """Plausible false values for a true/false statement of the fact, or None when the fact is
        disputed or has no statement form. Values are of the same kind and region, and clearly
        false: levels share no segment; a nerve or muscle named in the subject's notes is left out."""
        if not self.tf_allowed(fact):
            return None
        e = self.entries[fact.entry]
        if is_nerve_reverse(fact):
            m = self.material(fact)
            safe = tuple(c for c in m.candidates if "innervation" not in self.disputes[self._by_name[c].id])
            return Material(fact, m.kind, m.correct, safe, len(safe))
        if fact_key(fact) == "innervation-levels":
            assert e.innervation is not None
            mine = level_set(e.innervation.levels)
            return self._levels(fact, e, lambda v: bool(v.words) and v.words.isdisjoint(mine))
        return self.material(fact)

    @cached_property
    def disputes(self) -> dict[str, frozenset[str]]:
        """Entry id -> ``disputed(entry)``."""
        return {e.id: disputed(e) for e in self.kb.entries}

    @cached_property
    def _by_name(self) -> dict[str, Entry]:
        return {e.name: e for e in self.kb.entries}

    def _nerve_ok(self, e: Entry) -> Callable[[_Value], bool]:
        """Not the answer or an alias, and not a nerve the subject's innervation text names."""
        assert e.innervation is not None
        inn = e.innervation
        accepted = {nerve_key(v) for v in (inn.nerve, *inn.aliases)}
        mine = self.nerve_words.get(e.id, frozenset())
        return lambda v: (
            v.key not in accepted
            and not (v.words and v.words <= mine)
            and not any(nerves_related(v.key, a) for a in accepted)
        )

    def _nerve(self, fact: Fact, e: Entry, ok: Callable[[_Value], bool]) -> Material:
        assert e.innervation is not None
        return self._regional(fact, e, "nerve", (e.innervation.nerve,), ok)

    def _levels(self, fact: Fact, e: Entry, ok: Callable[[_Value], bool]) -> Material:
        assert e.innervation is not None
        return self._regional(fact, e, "levels", (e.innervation.levels,), ok)

    def _regional(
        self, fact: Fact, e: Entry, kind: str, correct: tuple[str, ...], ok: Callable[[_Value], bool]
    ) -> Material:
        """Nerves or levels of the same body part, those of the same or a neighbouring region first."""
        part = body_part(e.region)
        region = slug(e.region, empty="")

        def same_part(v: _Value) -> bool:
            return any(body_part(r) == part for r in v.regions) and ok(v)

        def near(v: _Value) -> bool:
            return any(near_regions(r, region) for r in v.regions)

        return self._build(fact, kind, correct, same_part, prefer=near)

    def _attachment(self, fact: Fact, e: Entry, kind: str, text: str) -> Material:
        """Attachments on the same bones, with lengths near the key's."""
        struct = e.origin if kind == "origin" else e.insertion
        assert struct is not None
        accepted = {value_key(v) for v in (struct.text, *struct.aliases)}
        words = set(value_key(struct.text).split())
        mine = [p for t in (struct.text, *struct.aliases, struct.note) for p in attachment_parts(t)]
        bones = bone_regions(text)
        size = len(without_brackets(text))  # lengths as the options are shown

        def ratio(v: _Value) -> float:
            n = len(without_brackets(v.text))
            return max(n / size, size / n)

        def ok(v: _Value) -> bool:
            return (
                not bones.isdisjoint(v.regions)
                and ratio(v) <= MAX_RATIO
                and v.key not in accepted
                and not (v.words <= words or words <= v.words)
                and not _overlaps(attachment_parts(v.text), mine)
            )

        m = self._build(
            fact,
            kind,
            (text,),
            ok,
            values=self._on_bones(self.values_of(kind), bones),
            pool=self._on_bones(self.pool_of(kind), bones),
            prefer=lambda v: ratio(v) <= BALANCE,
        )
        # No two options half the same either. Each tier is kept to ATTACHMENT_CANDIDATES, taken
        # in an order seeded by the fact (so a large knowledge base costs no pairwise search and
        # its options still come from everywhere).
        tiers = [list(m.candidates[: m.preferred]), list(m.candidates[m.preferred :])]
        kept: list[str] = []
        sizes = []
        for tier in tiers:
            random.Random(f"{fact.id}:options").shuffle(tier)
            start = len(kept)
            for c in tier:
                if len(kept) - start == ATTACHMENT_CANDIDATES:
                    break
                if not any(_overlaps(attachment_parts(c), attachment_parts(k)) for k in kept):
                    kept.append(c)
            sizes.append(len(kept) - start)
        # Shown without their brackets: "(soleus)", "(medial head)", "(longus)" would name the
        # muscle or part an option belongs to, and so give the key away.
        correct = tuple(dict.fromkeys(without_brackets(c) for c in m.correct))
        options = [without_brackets(c) for c in kept]
        plain = [(c, i) for i, c in enumerate(options) if value_key(c) not in {value_key(k) for k in correct}]
        unique = list(dict.fromkeys(c for c, _ in plain))
        preferred = len({c for c, i in plain if i < sizes[0]})
        return Material(fact, kind, correct, tuple(unique), min(preferred, len(unique)))

    def _on_bones(self, values: list[_Value], bones: frozenset[str]) -> list[_Value]:
        """The values (in their order) that lie on one of the bone regions, found by region."""
        buckets = self._buckets.get(id(values))
        if buckets is None:
            buckets = {}
            for i, v in enumerate(values):
                for r in v.regions:
                    buckets.setdefault(r, []).append(i)
            self._buckets[id(values)] = buckets
        return [values[i] for i in sorted({i for b in bones for i in buckets.get(b, ())})]

    def _pattern_differs(self, e: Entry) -> Callable[[_Value], bool]:
        """A muscle whose fully coded pattern neither covers the subject's primary zones nor shares
        most of them, and whose own primary zones are not mostly in the subject's pattern."""
        primary = _primary(e)
        coded = self.zones.get(e.id, frozenset())

        def differs(v: _Value) -> bool:
            other = self.entries[v.entry]
            if not other.referral_complete or not primary:
                return False
            theirs = self.zones[v.entry]
            covered = _shared(primary, theirs)
            mine = _shared(_primary(other), coded)
            return covered < len(primary) and 2 * covered <= len(primary) and 2 * mine <= len(_primary(other))

        return differs

    def _referral(self, fact: Fact, e: Entry) -> Material:
        """Primary zones; wrong: regions clearly outside the pattern, those two steps from a
        primary zone first."""
        order = list(REGIONS)
        main = tuple(region_name(z) for z in sorted(_primary(e), key=order.index))
        if not e.referral_complete:
            return Material(fact, "region", main, (), 0)
        dist = zone_distances(self.zones.get(e.id, frozenset()))
        steps = zone_distances(_primary(e))  # near the main zones first, not only near a spillover zone
        outside = sorted(
            (z for z in order if dist[z] >= 2), key=lambda z: (steps[z], dist[z], order.index(z))
        )
        near = sum(steps[z] <= 2 for z in outside)
        return Material(fact, "region", main, tuple(region_name(z) for z in outside), near)

    def _conditions(self, fact: Fact, e: Entry) -> Material:
        """Pool conditions near the pattern but outside it, and not named by the entry."""
        mine_words = [_content_words(d.condition) for d in e.differentials]
        mine_keys = {value_key(d.condition) for d in e.differentials}
        coded = self.zones.get(e.id, frozenset())
        dist = zone_distances(coded)
        text = " ".join(
            (
                e.summary,
                *(r.display() for r in e.referral),
                *(d.distinguish for d in e.differentials),
                *e.notes,
            )
        )
        stems = _stems(text)

        main = zone_distances(_primary(e))

        def ok(v: _Value) -> bool:
            # Away from every coded zone, and two steps from a main zone (not only from a spillover one).
            if not coded or not v.regions or min(dist.get(z, REMOTE) for z in v.regions) < 2:
                return False
            if min(main.get(z, REMOTE) for z in v.regions) > 2:
                return False
            own = {stem(w) for w in v.words}
            return (
                v.key not in mine_keys
                and not any(v.words & m for m in mine_words)
                and not (own and 2 * len(own & stems) > len(own))
            )

        differentials = tuple(d.condition for d in e.differentials)
        return self._build(fact, "condition", differentials, ok, values=())  # the pool only

    def _build(
        self,
        fact: Fact,
        kind: str,
        correct: tuple[str, ...],
        ok: Callable[[_Value], bool],
        *,
        pool: bool | Sequence[_Value] = True,
        values: Sequence[_Value] | None = None,
        prefer: Callable[[_Value], bool] | None = None,
    ) -> Material:
        """Safe candidates: ``values`` (default: every entry's values of the kind) then the pool
        (``True``: all of the kind; or the given values), those ``prefer`` accepts first."""
        seen: set[str] = set()
        first: list[str] = []
        rest: list[str] = []

        def take(values: Iterable[_Value]) -> None:
            for v in values:
                if v.entry != fact.entry and v.key not in seen and ok(v):
                    seen.add(v.key)
                    (first if prefer is None or prefer(v) else rest).append(v.text)

        take(self.values_of(kind) if values is None else values)
        if pool is True:
            take(self.pool_of(kind))
        elif pool:
            take(pool)
        return Material(fact, kind, correct, (*first, *rest), len(first))


_CACHE: list[tuple[KnowledgeBase, DistractorIndex]] = []


def index_for(kb: KnowledgeBase) -> DistractorIndex:
    """The (cached) index of a knowledge base; rebuilt when a different kb object is passed."""
    if _CACHE and _CACHE[0][0] is kb:
        return _CACHE[0][1]
    idx = DistractorIndex(kb)
    _CACHE[:] = [(kb, idx)]
    return idx


def material(fact: Fact, kb: KnowledgeBase) -> Material:
    """Correct values and ordered safe candidates for a fact."""
    return index_for(kb).material(fact)


def false_material(fact: Fact, kb: KnowledgeBase) -> Material | None:
    """Plausible false values for a true/false item on the fact (None: no true/false item)."""
    return index_for(kb).false_material(fact)


def pick_distractors(m: Material, rng: random.Random, n: int) -> list[str]:
    """n safe distractors: random among the preferred candidates first, then the others."""
    if len(m.candidates) < n:
        raise NotEnoughDistractors(m.fact.id, len(m.candidates), n, m.kind)
    first, rest = list(m.candidates[: m.preferred]), list(m.candidates[m.preferred :])
    chosen = rng.sample(first, min(n, len(first)))
    if len(chosen) < n:
        chosen += rng.sample(rest, n - len(chosen))
    return chosen


def choice_options(
    fact: Fact, kb: KnowledgeBase, rng: random.Random, n_options: int = 4
) -> tuple[list[str], int]:
    """Shuffled options for a single-best-answer question and the index of the correct one.

    Raises ``NotEnoughDistractors`` (a ``UserError``) when fewer than ``n_options - 1`` (and at
    least 3) safe distractors exist, and ``UserError`` when ``supports_choice(fact)`` is False.
    """
    if not supports_choice(fact):
        raise UserError(f"{fact.id}: this fact cannot be asked as a single-best-answer question")
    m = material(fact, kb)
    wrong = pick_distractors(m, rng, max(n_options - 1, MIN_DISTRACTORS))
    options = [m.correct[0], *wrong]
    rng.shuffle(options)
    return options, options.index(m.correct[0])


def multi_options(
    fact: Fact, kb: KnowledgeBase, rng: random.Random, n_options: int = 5
) -> tuple[list[str], list[int]]:
    """Shuffled options for select-all-that-apply and the sorted indices of the correct ones.

    Up to ``n_options - 2`` correct values are sampled; the rest are safe distractors (at least 2).
    """
    if not supports_multi(fact):
        raise UserError(f"{fact.id}: this fact cannot be asked as a select-all-that-apply question")
    m = material(fact, kb)
    if not m.correct:
        raise NotEnoughDistractors(fact.id, 0, 1, m.kind)
    correct = rng.sample(list(m.correct), min(len(m.correct), n_options - MIN_MULTI_DISTRACTORS))
    wrong = pick_distractors(m, rng, max(n_options - len(correct), MIN_MULTI_DISTRACTORS))
    options = correct + wrong
    rng.shuffle(options)
    return options, sorted(options.index(c) for c in correct)


def same_value(kind: str, a: str, b: str) -> bool:
    """Whether two option values count as the same answer for an option kind."""
    if kind == "nerve":
        return nerve_key(a) == nerve_key(b)
    if kind == "levels":
        return level_set(a) == level_set(b)
    return value_key(a) == value_key(b)

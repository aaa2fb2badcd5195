"""Facts to Anki notes: escaped field texts, tags, GUIDs and content hashes. No I/O."""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from studytool.anki.notetypes import BASIC_ID, CLOZE_ID
from studytool.errors import UserError
from studytool.model import Fact

GUID_NAMESPACE = "studytool:trigger-points"


@dataclass(frozen=True)
class Note:
    """One note ready for the collection: model, escaped fields, tags and card ords."""

    fact_id: str
    guid: str
    model_id: int
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    ords: tuple[int, ...]
    sort_text: str
    hash: str


# Control characters never belong in a field (Anki separates fields with \x1f); \r is normalised.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\r]")


def esc(text: str) -> str:
    """HTML-escape a plain text for an Anki field; newlines become <br>, control characters go.

    Braces and square brackets become entities too, so no text can form Anki's template or
    cloze syntax (`{{c9::…}}`) or a media tag (`[sound:…]`, `[anki:tts]`): it shows literally.
    """
    if not text.isprintable() and _CONTROL.search(text):  # isprintable: no control characters
        text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    # What html.escape(text, quote=True) does, in its order, without its call overhead.
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#x27;")
        .replace("{", "&#123;")
        .replace("}", "&#125;")
        .replace("[", "&#91;")
        .replace("\n", "<br>")
    )


def _cloze_body(text: str) -> str:
    """Escape a text that sits inside {{cN::...}}: '::', '{' and '}' would end or split it."""
    return esc(text).replace(":", "&#58;")


def cloze_text(question: str, items: Sequence[str]) -> str:
    """The question, then the list with each item as its own deletion c1..cN."""
    lis = "".join(f"<li>{{{{c{i}::{_cloze_body(item)}}}}}</li>" for i, item in enumerate(items, 1))
    return f'<div class="tp-q">{esc(question)}</div><ol class="tp-list">{lis}</ol>'


def image_field(filename: str, caption: str, cls: str = "") -> str:
    """An <img> referencing a packed media file by its basename; `cls` is its CSS class, if any."""
    klass = f' class="{cls}"' if cls else ""
    alt = f' alt="{html.escape(caption, quote=True)}"' if caption else ""
    return f'<img{klass} src="{html.escape(filename, quote=True)}"{alt}>'


def content_hash(model_id: int, fields: Sequence[str], tags: Sequence[str]) -> str:
    """What Anki compares: the note type, the fields and the tags (separators cannot occur in them)."""
    blob = "\x1e".join((str(model_id), "\x1f".join(fields), " ".join(tags)))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:20]


_BAD_TAG = re.compile(r"\s|^$")


def check_tags(fact: Fact) -> None:
    for tag in fact.tags:
        if _BAD_TAG.search(tag):
            raise UserError(f"fact {fact.id}: tag {tag!r} is empty or contains whitespace")


def render(fact: Fact, guid: str, image: str = "", front: str = "") -> Note:
    """The Anki note of one fact; `image` is the ready Image field (or ''), `front` ready HTML
    shown on the front below the question (a map to identify)."""
    tags = _TAGS.get(fact.tags)
    if tags is None:  # first fact with these tags: check them once
        check_tags(fact)
        tags = _TAGS[fact.tags] = tuple(sorted(set(fact.tags)))
    meta = _meta(fact.muscle, fact.facet, fact.source)
    extra = esc(fact.extra) if fact.extra else ""
    if fact.items:
        fields: tuple[str, ...] = (cloze_text(fact.prompt or fact.question, fact.items), extra, image, *meta)
        model_id, ords = CLOZE_ID, tuple(range(len(fact.items)))
    else:
        fields = (esc(fact.question) + front, esc(fact.answer), extra, image, *meta)
        model_id, ords = BASIC_ID, (0,)
    return Note(
        fact.id,
        guid,
        model_id,
        fields,
        tags,
        ords,
        f"{fact.question} {_media_names(front)}" if front else fact.question,
        content_hash(model_id, fields, tags),
    )


# Tags of a fact -> the note's tags (distinct, sorted); facts of one entry and facet share them.
_TAGS: dict[tuple[str, ...], tuple[str, ...]] = {}


@lru_cache(maxsize=4096)
def _meta(muscle: str, facet: str, source: str) -> tuple[str, str, str]:
    """The escaped Muscle, Facet and Source fields (the same for many facts of an entry)."""
    return esc(muscle), esc(facet), esc(source)


_SRC = re.compile(r'<img[^>]* src="([^"]*)"')


def _media_names(html_text: str) -> str:
    """The media names an HTML text references (Anki keeps them in a note's sort field)."""
    return " ".join(html.unescape(m) for m in _SRC.findall(html_text))


_BASE91 = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_`{|}~"

_PAIR_BASE = 91 * 91
_PAIRS = [_BASE91[i // 91] + _BASE91[i % 91] for i in range(_PAIR_BASE)]


def guid_for(fact_id: str) -> str:
    """Same value as `genanki.guid_for(GUID_NAMESPACE, fact_id)`, without its per-call overhead."""
    number = int.from_bytes(hashlib.sha256(f"{GUID_NAMESPACE}__{fact_id}".encode()).digest()[:8], "big")
    out = []
    while number >= _PAIR_BASE:  # two base-91 digits per step
        number, pair = divmod(number, _PAIR_BASE)
        out.append(_PAIRS[pair])
    while number:
        number, digit = divmod(number, 91)
        out.append(_BASE91[digit])
    return "".join(reversed(out))


def render_all(
    facts: Sequence[Fact],
    images: Mapping[str, str],
    fact_images: Mapping[str, str] | None = None,
    fronts: Mapping[str, str] | None = None,
) -> list[Note]:
    """Notes for all facts, in order; a duplicate fact id or GUID is a build error.

    `images` maps entry ids to Image fields; `fact_images` (fact id -> Image field) wins over
    it, and `fronts` adds HTML to a fact's front.
    """
    fact_images, fronts = fact_images or {}, fronts or {}
    notes: list[Note] = []
    seen: dict[str, str] = {}
    for fact in facts:
        guid = guid_for(fact.id)
        if guid in seen:
            raise UserError(f"duplicate note GUID {guid!r}: facts {seen[guid]!r} and {fact.id!r}")
        seen[guid] = fact.id
        image = fact_images.get(fact.id, images.get(fact.entry, ""))
        notes.append(render(fact, guid, image, fronts.get(fact.id, "")))
    return notes

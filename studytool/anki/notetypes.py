"""The two note types of the deck, frozen from the first release.

Anki forks a note type ("Name+") when its field list changes, and the forked notes stop
updating. The field lists below must therefore never change; model, field and template
ids are pinned so that a rename still updates in place.
"""

from __future__ import annotations

from typing import Any

BASIC_ID = 1_764_000_000_101
CLOZE_ID = 1_764_000_000_102

BASIC_FIELDS = ("Front", "Back", "Extra", "Image", "Muscle", "Facet", "Source")
CLOZE_FIELDS = ("Text", "Extra", "Image", "Muscle", "Facet", "Source")

CSS = """\
.card {
  font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 20px;
  line-height: 1.45;
  text-align: left;
  color: #1d1d1f;
  background-color: #ffffff;
  max-width: 40em;
  margin: 0 auto;
  padding: 0.6em;
  overflow-wrap: anywhere;
}
.tp-q { font-weight: 600; }
.tp-a { margin-top: 0.4em; }
.tp-list { margin: 0.4em 0; padding-left: 1.4em; }
.tp-list li { margin: 0.15em 0; }
.tp-extra { margin-top: 0.8em; font-size: 0.9em; color: #3a3a3c; }
.tp-image img { max-width: 100%; height: auto; margin-top: 0.8em; }
img.tp-map {
  display: block;
  width: 100%;
  max-width: 420px;
  height: auto;
  margin: 0.8em auto 0;
  border-radius: 12px;
}
.tp-meta, .tp-source { margin-top: 0.8em; font-size: 0.75em; color: #6e6e73; }
.cloze { font-weight: 700; color: #0a58ca; }
hr#answer { border: 0; border-top: 1px solid #d2d2d7; margin: 0.8em 0; }
.nightMode .card, .night_mode .card, .card.nightMode, .card.night_mode {
  color: #f2f2f7;
  background-color: #1c1c1e;
}
.nightMode .tp-extra, .night_mode .tp-extra { color: #d1d1d6; }
.nightMode .tp-meta, .night_mode .tp-meta,
.nightMode .tp-source, .night_mode .tp-source { color: #aeaeb2; }
.nightMode .cloze, .night_mode .cloze { color: #7ab8ff; }
.nightMode hr#answer, .night_mode hr#answer { border-top-color: #48484a; }
/* Chromium-based viewers pass this on to the map's own dark palette. */
.nightMode img.tp-map, .night_mode img.tp-map { color-scheme: dark; }
@media (max-width: 480px) {
  .card { font-size: 18px; padding: 0.3em; }
}
"""

_BACK_TAIL = (
    '{{#Extra}}<div class="tp-extra">{{Extra}}</div>{{/Extra}}'
    '{{#Image}}<div class="tp-image">{{Image}}</div>{{/Image}}'
    '<div class="tp-meta">{{Muscle}} · {{Facet}}</div>'
    '{{#Source}}<div class="tp-source">Source: {{Source}}</div>{{/Source}}'
)

BASIC_TEMPLATES: tuple[dict[str, Any], ...] = (
    {
        "name": "Question",
        "id": 1_764_000_000_201,
        "qfmt": '<div class="tp-q">{{Front}}</div>',
        "afmt": '{{FrontSide}}<hr id="answer"><div class="tp-a">{{Back}}</div>' + _BACK_TAIL,
    },
)

CLOZE_TEMPLATES: tuple[dict[str, Any], ...] = (
    {
        "name": "List item",
        "id": 1_764_000_000_202,
        "qfmt": "{{cloze:Text}}",
        "afmt": '{{cloze:Text}}<hr id="answer">' + _BACK_TAIL,
    },
)

# Pinned field ids: one block per note type, never reused.
_FIELD_IDS = {BASIC_ID: 1_764_000_000_300, CLOZE_ID: 1_764_000_000_400}

# id -> (name, fields, templates, is_cloze)
_TYPES: dict[int, tuple[str, tuple[str, ...], tuple[dict[str, Any], ...], bool]] = {
    BASIC_ID: ("Trigger Points: Basic", BASIC_FIELDS, BASIC_TEMPLATES, False),
    CLOZE_ID: ("Trigger Points: List (cloze)", CLOZE_FIELDS, CLOZE_TEMPLATES, True),
}


def _fields(model_id: int, names: tuple[str, ...]) -> list[dict[str, Any]]:
    base = _FIELD_IDS[model_id]
    return [{"name": name, "id": base + i, "font": "Arial", "size": 20} for i, name in enumerate(names)]


def models() -> dict[int, Any]:
    """Fresh genanki models (genanki mutates their dicts while writing), keyed by id."""
    import genanki

    return {
        model_id: genanki.Model(
            model_id,
            name,
            fields=_fields(model_id, fields),
            templates=[dict(t) for t in templates],
            css=CSS,
            model_type=genanki.Model.CLOZE if cloze else genanki.Model.FRONT_BACK,
        )
        for model_id, (name, fields, templates, cloze) in _TYPES.items()
    }


def model_json(model: Any, deck_id: int, mod: int) -> dict[str, Any]:
    """The note type as stored in the collection, with its `mod`."""
    data: dict[str, Any] = model.to_json(mod, deck_id)
    return data

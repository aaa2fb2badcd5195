"""The build floor: write the same notes through genanki directly, nothing else.

Reads a `studytool facts --json` dump and writes one Basic note per fact with fields of
the same sizes and stable GUIDs; with a media folder (the body-map SVGs of our own build,
extracted by bench/run.py before timing) it packs those files too, as our build does.
Usage: floor_genanki.py FACTS.json OUT.apkg [MEDIA_DIR]
"""

from __future__ import annotations

import json
import os
import sys

import genanki

MODEL = genanki.Model(
    1607392319,
    "Floor Basic",
    fields=[{"name": n} for n in ("Front", "Back", "Extra", "Image", "Muscle", "Facet", "Source")],
    templates=[{"name": "Card 1", "qfmt": "{{Front}}", "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"}],
)


def main(facts_path: str, out: str, media_dir: str = "") -> None:
    with open(facts_path, encoding="utf-8") as fh:
        facts = json.load(fh)
    deck = genanki.Deck(2059400110, "Floor")
    for f in facts:
        back = "<br>".join(f["items"]) or f["answer"]
        fields = [f["question"], back, f["extra"], "", f["muscle"], f["facet"], f["source"]]
        deck.add_note(
            genanki.Note(model=MODEL, fields=fields, guid=genanki.guid_for("floor", f["id"]), tags=f["tags"])
        )
    media = sorted(os.path.join(media_dir, n) for n in os.listdir(media_dir)) if media_dir else []
    genanki.Package(deck, media_files=media).write_to_file(out)


if __name__ == "__main__":
    main(*sys.argv[1:4])

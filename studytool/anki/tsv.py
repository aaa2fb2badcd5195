"""Export the notes as a tab-separated file for Anki's text importer (with a GUID column)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from studytool.anki.render import Note

# The GUID is not the first column: Anki's reader treats a line starting with '#' as a comment,
# and base91 GUIDs may start with '#'.
COLUMNS = ("notetype", "deck", "guid", "tags")


def tsv_text(notes: Sequence[Note], deck: str, model_names: dict[int, str]) -> str:
    """File headers Anki understands, then one row per note: note type, deck, guid, tags, fields."""
    width = max((len(n.fields) for n in notes), default=0)
    buf = io.StringIO()
    buf.write("#separator:tab\n#html:true\n")
    buf.write("".join(f"#{name} column:{i}\n" for i, name in enumerate(COLUMNS, 1)))
    writer = csv.writer(buf, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    for n in notes:
        fields = list(n.fields) + [""] * (width - len(n.fields))
        writer.writerow([model_names[n.model_id], deck, n.guid, " ".join(n.tags), *fields])
    return buf.getvalue()

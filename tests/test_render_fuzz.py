"""Arbitrary text, control characters included, through every sink.

Hypothesis writes a muscle name and an exam title with any characters into a real source file.
Either the loader refuses it with a located error, or the text reaches every renderer (Anki
fields, the SVG body map, Moodle XML, Canvas QTI, GIFT, HTML, Markdown and the terminal) and
each output parses with an independent parser and shows the text as written.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import etree
from markdown_it import MarkdownIt

from studytool.anki.notetypes import CLOZE_ID
from studytool.anki.render import render_all
from studytool.bodymap import render_map
from studytool.errors import printable
from studytool.exam import TYPES, build_exam
from studytool.exam.render_gift import exam_gift
from studytool.exam.render_html import exam_html
from studytool.exam.render_md import exam_md
from studytool.exam.render_moodle import exam_moodle
from studytool.exam.render_qti import exam_qti
from studytool.model import KnowledgeBase
from studytool.questions.facts import derive_facts
from studytool.source import load_kb

ROOT = Path(__file__).resolve().parents[1]
JS = ROOT / "tests" / "js"
EXAMPLES = int(os.environ.get("STUDYTOOL_FUZZ_EXAMPLES", "60"))
KB, _ = load_kb(ROOT / "cards_src")
SUBJECT = "piriformis"
OUR_CLOZE = re.compile(r"\{\{c\d+::([^{}]*)\}\}")
LOCATED = re.compile(r"^.+:\d+:\d+: error: .+ \[E\d{3}\]$")

# Any character: control characters, markup, template braces, GIFT specials, bidi overrides.
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
        st.sampled_from(list("<>&\"'{}[]~=#:\\*_`|-!/")),
        st.sampled_from(list("\x00\x01\x07\x1b\x7f\x85\u202e\n\t")),
    ),
    min_size=1,
    max_size=30,
)


def _normal(text: str) -> str:
    return " ".join(text.split())


def _loaded_name(tmp: Path, name: str) -> tuple[str | None, list[str]]:
    """Load an entry whose name is `name` (JSON quoting is valid YAML); its name or the errors."""
    src = tmp / "src"
    if src.exists():
        shutil.rmtree(src)
    src.mkdir(parents=True)
    (src / "fuzz.yaml").write_text(f"id: fuzz\nname: {json.dumps(name)}\n", encoding="utf-8")
    kb, diags = load_kb(src)
    errors = [str(d) for d in diags if d.is_error]
    return (kb.entries[0].name if kb.entries and not errors else None), errors


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _html_text(markup: str) -> str:
    parser = _Text()
    parser.feed(markup)
    parser.close()
    return _normal(" ".join(parser.parts))


def _gift_parse(texts: list[str], tmp: Path) -> list[Any]:
    node = shutil.which("node")
    assert node and (JS / "node_modules" / "gift-pegjs").is_dir(), "node and npm ci --prefix tests/js"
    out = []
    for i, text in enumerate(texts):
        path = tmp / f"fuzz-{i}.gift"
        path.write_text(text, encoding="utf-8")
        proc = subprocess.run([node, str(JS / "parse_gift.js"), str(path)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        out.append(json.loads(proc.stdout))
    return out


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=TEXT, title=TEXT)
def test_any_text_is_refused_at_the_edge_or_safe_in_every_sink(tmp_path: Path, name: str, title: str) -> None:
    loaded, errors = _loaded_name(tmp_path, name)
    event("refused at the edge" if loaded is None else "rendered")
    if loaded is None:
        assert errors, "an entry was dropped without an error"
        for line in errors:
            assert LOCATED.match(line), line  # refused with path:line:col and a code
            assert "\n" not in line and "\x1b" not in line
        return
    title_loaded, _ = _loaded_name(tmp_path, title)
    if title_loaded is None:
        return
    by_id = KB.by_id()
    entry = dataclasses.replace(by_id[SUBJECT], name=loaded)
    kb = KnowledgeBase(KB.root, tuple(entry if e.id == SUBJECT else e for e in KB.entries), KB.pool)
    facts = [f for f in derive_facts(kb) if f.entry == SUBJECT]

    # Anki: every field is HTML whose text shows the name; no live template, cloze or sound.
    for note in render_all(facts, {}, {}, {}):
        deletions = sum(len(OUR_CLOZE.findall(field)) for field in note.fields)
        assert deletions == (len(note.ords) if note.model_id == CLOZE_ID else 0)  # one per list item
        for field in note.fields:
            ours = OUR_CLOZE.sub(r"\1", field)
            assert "{{" not in ours and "}}" not in ours and "[sound:" not in ours.lower()
            _html_text(field)
    assert any(loaded in _html_text(f) for n in render_all(facts, {}, {}, {}) for f in n.fields)

    # The SVG body map is well-formed XML and names the muscle in its title.
    svg = etree.fromstring(render_map(entry).encode("utf-8"))
    assert loaded in "".join(svg.itertext())

    # Exams: every format parses with its own parser and carries the title as written.
    exam = build_exam(kb, count=6, seed="fuzz", types=[t for t in TYPES if t != "map"], title=title_loaded)
    version = exam.versions[0]
    moodle = etree.fromstring(exam_moodle(exam, version).encode("utf-8"))
    assert title_loaded in "".join(moodle.itertext())
    with zipfile.ZipFile(io.BytesIO(exam_qti(exam, version))) as zf:
        for member in zf.namelist():
            if member.endswith(".xml"):
                etree.fromstring(zf.read(member))
    assert title_loaded in _html_text(exam_html(exam, version))
    # Markdown through an independent CommonMark parser (markdown-it-py, which rich ships with).
    assert title_loaded in _html_text(MarkdownIt("commonmark").render(exam_md(exam, version)))
    (parsed,) = _gift_parse([exam_gift(exam, version)], tmp_path)
    assert parsed[0]["type"] == "Category"

    # The terminal: nothing that could move the cursor or change the title bar.
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", printable(f"{loaded} {title_loaded}"))

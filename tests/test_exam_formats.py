"""Every LMS format checked by something other than our writer.

- GIFT: parsed by gift-pegjs under node (tests/js; install with `npm ci --prefix tests/js`).
- Canvas QTI 1.2: the assessment XML validated by lxml against a DTD transcribed from the
  IMS QTI 1.2 ASI content models (tests/golden/exam/qti/qti12_subset.dtd), plus the zip layout.
- Moodle XML: Moodle's import rules written as checks (fraction list, answer counts, elements).
"""

from __future__ import annotations

import html
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from studytool.exam import TYPES, Exam, build_exam
from studytool.exam.fractions import MOODLE_FRACTIONS
from studytool.exam.render_gift import exam_gift, gift_escape
from studytool.exam.render_html import exam_html, key_html
from studytool.exam.render_moodle import exam_moodle
from studytool.exam.render_qti import exam_qti
from studytool.source import load_kb_or_raise

HERE = Path(__file__).parent
KB_DIR = HERE / "golden" / "exam" / "kb"
JS = HERE / "js"
DTD = HERE / "golden" / "exam" / "qti" / "qti12_subset.dtd"
NASTY = 'Tricky: {braces} ~tilde =eq #hash \\ back <b>&amp;</b> "q" ->arrow\nline2'


@pytest.fixture(scope="module")
def exams() -> list[Exam]:
    kb = load_kb_or_raise(KB_DIR)
    plain = [build_exam(kb, count=12, seed=str(s), versions=2, title=NASTY) for s in range(6)]
    # With body-map items too: every validator below must still pass.
    maps = [build_exam(kb, count=12, seed=str(s), versions=2, title=NASTY, types=TYPES) for s in range(3)]
    assert all(any(it.type == "map" for it in e.items) for e in maps)
    return plain + maps


def node_parse(path: Path) -> list[dict[str, object]]:
    node = shutil.which("node")
    assert node, "node is required (install nodejs)"
    assert (JS / "node_modules" / "gift-pegjs").is_dir(), "run: npm ci --prefix tests/js"
    proc = subprocess.run(
        [node, str(JS / "parse_gift.js"), str(path)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    parsed: list[dict[str, object]] = json.loads(proc.stdout)
    return parsed


def test_gift_escape_backslash_first() -> None:
    assert gift_escape("a\\{b}") == "a\\\\\\{b\\}"
    assert gift_escape("x:y\nz") == "x\\:y\\nz"


def test_gift_parses_with_gift_pegjs(exams: list[Exam], tmp_path: Path) -> None:
    for exam in exams:
        for v in exam.versions:
            path = tmp_path / f"{exam.seed}-{v.name}.gift"
            path.write_text(exam_gift(exam, v), encoding="utf-8")
            parsed = node_parse(path)
            assert parsed[0]["type"] == "Category"
            questions = parsed[1:]
            kept = [q for q in v.questions if q.type != "map"]  # GIFT cannot carry images
            assert len(questions) == len(kept)
            for q, p in zip(kept, questions, strict=True):
                stem = p["stem"]
                assert isinstance(stem, dict) and stem["text"] == q.item.stem
                expected = {"mcq": "MC", "multi": "MC", "tf": "TF", "match": "Matching", "short": "Short"}
                assert p["type"] == expected[q.type], (q.id, p["type"])
                if q.type == "mcq":
                    choices = p["choices"]
                    assert isinstance(choices, list)
                    assert [c["text"]["text"] for c in choices] == list(q.options)
                    assert [i for i, c in enumerate(choices) if c["isCorrect"]] == list(q.key)
                elif q.type == "multi":
                    choices = p["choices"]
                    assert isinstance(choices, list)
                    weights = [float(c["weight"]) for c in choices]
                    assert [i for i, w in enumerate(weights) if w > 0] == list(q.key)
                    assert sum(w for w in weights if w > 0) == pytest.approx(100, abs=0.01)
                elif q.type == "tf":
                    assert p["isTrue"] is (q.key[0] == 0)
                elif q.type == "short":
                    choices = p["choices"]
                    assert isinstance(choices, list)
                    assert [c["text"]["text"] for c in choices] == list(q.item.correct)
                elif q.type == "match":
                    pairs = p["matchPairs"]
                    assert isinstance(pairs, list)
                    got = [(m["subquestion"]["text"], m["subanswer"]) for m in pairs]
                    assert got == [(pr, q.options[k]) for pr, k in zip(q.prompts, q.key, strict=True)]


def test_gift_parser_rejects_broken_escaping(tmp_path: Path) -> None:
    """The parser is strict enough to catch an unescaped brace (so the test above means something)."""
    path = tmp_path / "bad.gift"
    path.write_text("::T::Which {nerve}? {=a ~b ~c ~d}\n", encoding="utf-8")
    node = shutil.which("node")
    assert node
    proc = subprocess.run([node, str(JS / "parse_gift.js"), str(path)], capture_output=True, text=True)
    assert proc.returncode != 0


def test_qti_zip_layout_and_dtd(exams: list[Exam]) -> None:
    dtd = etree.DTD(str(DTD))
    for exam in exams:
        for v in exam.versions:
            with zipfile.ZipFile(io.BytesIO(exam_qti(exam, v))) as zf:
                names = zf.namelist()
                assert names == sorted(names) and "imsmanifest.xml" in names
                manifest = etree.fromstring(zf.read("imsmanifest.xml"))
                ns = {"cp": "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"}
                hrefs = manifest.xpath("//cp:file/@href", namespaces=ns)
                assert sorted(hrefs) == sorted(n for n in names if n != "imsmanifest.xml")
                test_xml = next(n for n in names if n.endswith(".xml") and "/" in n and "meta" not in n)
                doc = etree.fromstring(zf.read(test_xml))
                assert dtd.validate(doc), dtd.error_log.filter_from_errors()
                meta = etree.fromstring(zf.read(next(n for n in names if n.endswith("assessment_meta.xml"))))
                cq = "{http://canvas.instructure.com/xsd/cccv1p0}"
                assert meta.findtext(f"{cq}title") == f"{exam.title} — Version {v.name}"
                q = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
                items = doc.findall(f".//{q}item")
                assert len(items) == len(v.questions)
                for item, question in zip(items, v.questions, strict=True):
                    text = item.findtext(f"{q}presentation/{q}material/{q}mattext") or ""
                    stem = f"<p>{html.escape(question.item.stem)}</p>"
                    if question.type == "map":  # the stem, then the picture (tests/test_exam_maps.py)
                        assert text.startswith(stem + '<p><img src="tp-mapq-'), text
                    else:
                        assert text == stem


def test_qti_dtd_catches_a_broken_item() -> None:
    dtd = etree.DTD(str(DTD))
    bad = etree.fromstring(
        '<questestinterop xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2">'
        '<assessment ident="a"><section ident="s"><item ident="i"><resprocessing>'
        "<respcondition><conditionvar/></respcondition></resprocessing></item></section>"
        "</assessment></questestinterop>"
    )
    assert not dtd.validate(bad)


MOODLE_OK = {*MOODLE_FRACTIONS, *(f"-{f}" for f in MOODLE_FRACTIONS)}


def check_moodle(xml: str) -> list[str]:
    """Moodle's import rules for the question types we write; returns the problems found."""
    problems = []
    root = etree.fromstring(xml.encode("utf-8"))
    assert root.tag == "quiz"
    questions = root.findall("question")
    if not questions or questions[0].get("type") != "category":
        problems.append("the first question must be a category")
    elif not (questions[0].findtext("category/text") or "").startswith("$course$/"):
        problems.append("category must start with $course$/")
    for q in questions[1:]:
        name = q.findtext("name/text") or "?"
        qtype = q.get("type")
        if not name.strip() or q.find("questiontext/text") is None:
            problems.append(f"{name}: name and questiontext are required")
        answers = q.findall("answer")
        fractions = [a.get("fraction", "") for a in answers]
        bad = [f for f in fractions if f not in MOODLE_OK]
        if bad:
            problems.append(f"{name}: fractions not in Moodle's list: {bad}")
        if qtype == "multichoice":
            single = q.findtext("single")
            if single == "true" and fractions.count("100") != 1:
                problems.append(f"{name}: single answer needs exactly one 100")
            if single == "false":
                total = sum(float(f) for f in fractions if float(f) > 0)
                if abs(total - 100) > 0.01:
                    problems.append(f"{name}: positive fractions sum to {total}")
            if len(answers) < 2:
                problems.append(f"{name}: needs at least two answers")
        elif qtype == "truefalse":
            if sorted(a.findtext("text") or "" for a in answers) != ["false", "true"]:
                problems.append(f"{name}: true/false answers must be 'true' and 'false'")
            if sorted(fractions) != ["0", "100"]:
                problems.append(f"{name}: true/false needs fractions 100 and 0")
        elif qtype == "shortanswer":
            if "100" not in fractions:
                problems.append(f"{name}: short answer needs an answer at 100")
        elif qtype == "matching":
            subs = q.findall("subquestion")
            if len(subs) < 3 or any(not s.findtext("answer/text") for s in subs):
                problems.append(f"{name}: matching needs 3+ subquestions, each with an answer")
        else:
            problems.append(f"{name}: unexpected type {qtype}")
        if not (q.findtext("defaultgrade") or "").replace(".", "", 1).isdigit():
            problems.append(f"{name}: defaultgrade must be a number")
    return problems


def test_moodle_import_rules(exams: list[Exam]) -> None:
    for exam in exams:
        for v in exam.versions:
            xml = exam_moodle(exam, v)
            assert check_moodle(xml) == []
            root = etree.fromstring(xml.encode("utf-8"))
            assert len(root.findall("question")) == len(v.questions) + 1


def test_moodle_checker_catches_a_bad_fraction() -> None:
    bad = (
        '<quiz><question type="category"><category><text>$course$/x</text></category></question>'
        '<question type="multichoice"><name><text>q</text></name><questiontext><text>s</text>'
        "</questiontext><defaultgrade>1</defaultgrade><single>true</single>"
        '<answer fraction="100"><text>a</text></answer><answer fraction="35"><text>b</text></answer>'
        "</question></quiz>"
    )
    assert any("not in Moodle's list" in p for p in check_moodle(bad))


def test_html_escapes_everything_and_is_print_ready(exams: list[Exam]) -> None:
    exam = exams[0]
    v = exam.versions[1]
    page = exam_html(exam, v)
    assert "<b>&amp;amp;</b>" not in page and "&lt;b&gt;&amp;amp;&lt;/b&gt;" in page
    assert "break-inside: avoid" in page and "@top-right" in page and f'"Version {v.name}"' in page
    assert "Student ID" in page and "Name:" in page and "Date:" in page
    assert "</style>" in page and page.count("</style>") == 1
    doc = etree.fromstring(page.encode(), etree.HTMLParser())
    assert len(doc.xpath("//section[@class='question']")) == len(v.questions)
    key = key_html(exam, v)
    assert all(fid in key for q in v.questions for fid in q.item.fact_ids)

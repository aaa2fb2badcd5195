"""Body-map exam items (`--types ...,map`): who may be asked, safe options, an anonymous picture,
and the picture carried by every format (GIFT says which questions it cannot hold)."""

from __future__ import annotations

import base64
import dataclasses
import io
import json
import os
import random
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from studytool.bodymap import describe, render_map, zones
from studytool.exam import DEFAULT_TYPES, TYPES, build_exam
from studytool.exam.items import MAP_STEM, ItemBuilder
from studytool.exam.model import Exam, Item
from studytool.exam.write import render_all
from studytool.model import Entry, KnowledgeBase
from studytool.questions.facts import derive_facts, unique_referrals
from studytool.source import load_kb_or_raise
from tests.test_exam_build import assert_no_giveaway, assert_safe, real_kb

HERE = Path(__file__).parent
KB_DIR = HERE / "golden" / "exam" / "kb"
SVG = "{http://www.w3.org/2000/svg}"
ALL = ("md", "html", "gift", "moodle", "qti", "json")


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_kb_or_raise(KB_DIR)


def map_items(exam: Exam) -> list[Item]:
    return [it for it in exam.items if it.type == "map"]


def subject(kb: KnowledgeBase, item: Item) -> Entry:
    return kb.by_id()[item.fact_ids[0].split("__")[0]]


def secrets(entry: Entry) -> list[str]:
    return [entry.name, entry.id, entry.id.replace("-", " "), *entry.aliases]


def assert_map_items_safe(kb: KnowledgeBase, exam: Exam) -> None:
    """Subjects are unique patterns; no wrong option also covers the pattern; pictures anonymous."""
    unique = unique_referrals(kb.entries)
    by_name = {e.name: e for e in kb.entries}
    for it in map_items(exam):
        e = subject(kb, it)
        assert e.id in unique, it.id
        assert it.stem == MAP_STEM and it.correct == (e.name,) and len(it.wrong) == 3
        pattern = set(unique[e.id])
        for option in it.wrong:
            other = by_name[option]  # only knowledge-base muscles, never pool names
            covered = set(zones(other)[0]) | set(zones(other)[1])
            assert not pattern <= covered, (it.id, option)
        assert it.topics == frozenset({(e.id, "referral")})
        image = it.image
        assert image is not None
        assert image.svg == render_map(e, anonymous=True) and image.alt == describe(e, anonymous=True)
        for secret in secrets(e):
            for text in (image.svg, image.alt, image.name):
                # as a word: a short alias ('TrA') may occur inside SVG syntax ('patternTransform')
                assert not re.search(rf"\b{re.escape(secret.lower())}\b", text.lower()), (it.id, secret)


def test_map_items_only_for_unique_patterns_with_safe_options(kb: KnowledgeBase) -> None:
    seen: Counter[str] = Counter()
    for seed in range(60):
        exam = build_exam(kb, count=12, seed=str(seed), versions=2, types=TYPES)
        assert_map_items_safe(kb, exam)
        assert_safe(kb, exam)
        assert_no_giveaway(exam)
        seen.update(subject(kb, it).id for it in map_items(exam))
    assert set(seen) == set(unique_referrals(kb.entries))  # every unique pattern gets asked


def test_real_cards_src_never_asks_a_shared_pattern() -> None:
    kb = real_kb()
    unique = unique_referrals(kb.entries)
    shared = {e.id for e in kb.entries} - set(unique)
    assert shared, "cards_src should have a pattern another muscle also covers"
    asked: set[str] = set()
    for seed in range(40):
        exam = build_exam(kb, count=16, seed=str(seed), types=("mcq", "tf", "map"))
        assert_map_items_safe(kb, exam)
        assert_safe(kb, exam)
        asked |= {subject(kb, it).id for it in map_items(exam)}
    assert asked and not asked & shared


def test_builder_refuses_a_shared_pattern() -> None:
    kb = real_kb()
    unique = unique_referrals(kb.entries)
    shared = next(e for e in kb.entries if e.id not in unique and e.referral)
    template = next(f for f in derive_facts(kb) if f.id.endswith("__referral-reverse"))
    fake = dataclasses.replace(template, id=f"{shared.id}__referral-reverse", entry=shared.id)
    b = ItemBuilder(kb, random.Random(1))
    assert not b.has_map(fake) and b.map(fake) is None
    assert b.map(template) is not None


def test_map_is_opt_in(kb: KnowledgeBase) -> None:
    assert "map" in TYPES and "map" not in DEFAULT_TYPES
    for seed in range(10):
        assert not map_items(build_exam(kb, count=12, seed=str(seed)))


def test_no_other_item_reveals_the_map_answer(kb: KnowledgeBase) -> None:
    for seed in range(60):
        exam = build_exam(kb, count=14, seed=str(seed), types=TYPES)
        for it in map_items(exam):
            e = subject(kb, it)
            for other in exam.items:
                if other is not it:
                    assert (e.id, "referral") not in other.topics, (it.id, other.id)
                    assert not {f"{e.id}__referral", f"{e.id}__referral-reverse"} & set(other.fact_ids)


def test_single_answer_keys_balanced_with_map_items(kb: KnowledgeBase) -> None:
    exam = build_exam(kb, count=16, seed="4", versions=3, types=("mcq", "map", "short"))
    assert len(map_items(exam)) >= 4
    for v in exam.versions:
        positions = Counter(q.key[0] for q in v.questions if q.type in ("mcq", "map"))
        n = sum(positions.values())
        assert all(n // 4 <= positions[p] <= n // 4 + 1 for p in range(4)), positions


@pytest.fixture(scope="module")
def files(kb: KnowledgeBase) -> tuple[Exam, dict[str, str | bytes]]:
    exam = build_exam(kb, count=10, seed="maps", versions=2, types=("mcq", "map", "short"))
    assert len(map_items(exam)) >= 3
    return exam, render_all(exam, ALL)


def test_html_embeds_the_svg_as_data_uri_with_alt(files: tuple[Exam, dict[str, str | bytes]]) -> None:
    exam, out = files
    for v in exam.versions:
        page = out[f"exam-{v.name}.html"]
        assert isinstance(page, str)
        doc = etree.fromstring(page.encode(), etree.HTMLParser())
        imgs = doc.xpath("//figure[@class='map']/img")
        maps = [q for q in v.questions if q.type == "map"]
        assert len(imgs) == len(maps)
        for img, q in zip(imgs, maps, strict=True):
            assert q.item.image is not None
            src = img.get("src")
            assert src.startswith("data:image/svg+xml;base64,")
            assert base64.b64decode(src.split(",", 1)[1]).decode() == q.item.image.svg
            assert img.get("alt") == q.item.image.alt
        key = out[f"key-{v.name}.html"]
        assert isinstance(key, str) and "data:image" not in key


def test_markdown_links_the_svg_written_next_to_it(files: tuple[Exam, dict[str, str | bytes]]) -> None:
    exam, out = files
    for v in exam.versions:
        text = out[f"exam-{v.name}.md"]
        assert isinstance(text, str)
        links = re.findall(r"!\[[^\n]*\]\((tp-mapq-[0-9a-f]{16}\.svg)\)", text)
        assert len(links) == sum(q.type == "map" for q in v.questions)
        for name in links:
            svg = out[name]
            assert isinstance(svg, str)
            assert ET.fromstring(svg).findtext(f"{SVG}title") == "Referred pain pattern"


def test_json_items_name_their_image(files: tuple[Exam, dict[str, str | bytes]]) -> None:
    _exam, out = files
    data = json.loads(out["exam.json"])
    for v in data["versions"]:
        for q in v["questions"]:
            assert {"id", "number", "type", "fact_ids", "stem", "options", "correct", "points"} <= set(q)
            if q["type"] == "map":
                assert set(q["image"]) == {"name", "alt"} and q["image"]["name"] in out
                assert len(q["options"]) == 4 and len(q["correct"]) == 1
            else:
                assert "image" not in q


def test_moodle_carries_the_file_inside_questiontext(files: tuple[Exam, dict[str, str | bytes]]) -> None:
    from tests.test_exam_formats import check_moodle

    exam, out = files
    for v in exam.versions:
        xml = out[f"exam-{v.name}.moodle.xml"]
        assert isinstance(xml, str) and check_moodle(xml) == []
        root = etree.fromstring(xml.encode())
        n_maps = 0
        for q in root.findall("question")[1:]:
            qt = q.find("questiontext")
            assert qt is not None
            refs = re.findall(r"@@PLUGINFILE@@/([^\"]+)\"", qt.findtext("text") or "")
            attached = {f.get("name"): f for f in qt.findall("file")}
            assert set(refs) == set(attached)
            for name, f in attached.items():
                n_maps += 1
                assert f.get("path") == "/" and f.get("encoding") == "base64"
                svg = base64.b64decode(f.text or "").decode()
                assert ET.fromstring(svg).tag == f"{SVG}svg" and name.startswith("tp-mapq-")
                assert q.get("type") == "multichoice" and q.findtext("single") == "true"
        assert n_maps == sum(q.type == "map" for q in v.questions)


def test_qti_zip_holds_and_lists_the_svg(files: tuple[Exam, dict[str, str | bytes]]) -> None:
    exam, out = files
    ns = {"cp": "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"}
    q = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
    dtd = etree.DTD(str(HERE / "golden" / "exam" / "qti" / "qti12_subset.dtd"))
    for v in exam.versions:
        data = out[f"exam-{v.name}.qti.zip"]
        assert isinstance(data, bytes)
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
            manifest = etree.fromstring(zf.read("imsmanifest.xml"))
            assert sorted(manifest.xpath("//cp:file/@href", namespaces=ns)) == sorted(
                n for n in names if n != "imsmanifest.xml"
            )
            test_xml = next(n for n in names if n.endswith(".xml") and "/" in n and "meta" not in n)
            doc = etree.fromstring(zf.read(test_xml))
            assert dtd.validate(doc), dtd.error_log.filter_from_errors()
            folder = test_xml.rsplit("/", 1)[0]
            for item, question in zip(doc.findall(f".//{q}item"), v.questions, strict=True):
                text = item.findtext(f"{q}presentation/{q}material/{q}mattext") or ""
                srcs = re.findall(r'<img src="([^"]+)"', text)
                if question.type != "map":
                    assert not srcs
                    continue
                assert question.item.image is not None and srcs == [question.item.image.name]
                assert zf.read(f"{folder}/{srcs[0]}").decode() == question.item.image.svg


def test_gift_leaves_map_items_out_and_says_so(files: tuple[Exam, dict[str, str | bytes]]) -> None:
    exam, out = files
    for v in exam.versions:
        text = out[f"exam-{v.name}.gift.txt"]
        assert isinstance(text, str)
        numbers = [f"{v.name}{q.number:02d}" for q in v.questions if q.type == "map"]
        assert numbers
        head = text.split("$CATEGORY", 1)[0]
        assert "NOT in this file" in head and f"images: {', '.join(numbers)}." in head
        assert f"exam-{v.name}.moodle.xml" in head
        assert MAP_STEM.replace("'", "") not in text.replace("'", "")
        for n in numbers:
            assert f"::{n}::" not in text


def test_gift_with_map_items_still_parses(files: tuple[Exam, dict[str, str | bytes]], tmp_path: Path) -> None:
    from tests.test_exam_formats import node_parse

    exam, out = files
    for v in exam.versions:
        path = tmp_path / f"{v.name}.gift"
        path.write_text(str(out[f"exam-{v.name}.gift.txt"]), encoding="utf-8")
        parsed = node_parse(path)
        kept = [q for q in v.questions if q.type != "map"]
        questions = [p for p in parsed if p["type"] != "Category"]
        assert [p["stem"]["text"] for p in questions] == [q.item.stem for q in kept]  # type: ignore[index]


def test_same_bytes_under_any_hash_seed(tmp_path: Path) -> None:
    outs = []
    for hashseed in ("1", "4242"):
        out = tmp_path / hashseed
        env = {**os.environ, "PYTHONHASHSEED": hashseed}
        cmd = [sys.executable, "-m", "studytool", "exam", str(KB_DIR), "--out", str(out)]
        cmd += ["--types", "mcq,map,tf", "--count", "9", "--versions", "2", "--seed", "d"]
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        assert proc.returncode == 0, proc.stderr
        outs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert outs[0] == outs[1]
    assert any(name.startswith("tp-mapq-") for name in outs[0])


def red_pixels(kb: KnowledgeBase, tmp_path: Path, types: tuple[str, ...]) -> int:
    """Pixels of the map's essential-pain red on page 1 of a 4-question PDF exam."""
    import pypdfium2 as pdfium  # an independent PDF renderer (PDFium), installed by the test extra

    from studytool.exam.render_html import exam_html
    from studytool.exam.render_pdf import html_to_pdf

    exam = build_exam(kb, count=4, seed="pdf", types=types)
    folder = tmp_path / "-".join(types)
    folder.mkdir()
    pdf = folder / "exam.pdf"
    pdf.write_bytes(html_to_pdf(exam_html(exam, exam.versions[0])))
    document = pdfium.PdfDocument(str(pdf))
    try:
        bitmap = document[0].render(scale=40 / 72, rev_byteorder=True)  # RGB(x) byte order
        raw, width, height, stride, channels = (
            bytes(bitmap.buffer),
            bitmap.width,
            bitmap.height,
            bitmap.stride,
            bitmap.n_channels,
        )
    finally:
        document.close()
    count = 0
    for y in range(height):
        row = raw[y * stride : y * stride + width * channels]
        for i in range(0, len(row) - 2, channels):
            if row[i] > 180 and 40 < row[i + 1] < 110 and 60 < row[i + 2] < 130:
                count += 1
    return count


def test_pdf_draws_the_map(kb: KnowledgeBase, tmp_path: Path) -> None:
    """WeasyPrint renders the embedded SVG: page 1 shows the map's red, a map-less exam none."""
    assert red_pixels(kb, tmp_path, ("map",)) > 30
    assert red_pixels(kb, tmp_path, ("mcq",)) == 0

"""Write an exam to a folder, one file per version and format, every file atomically.

Body-map items add their SVG files (``tp-mapq-<hash>.svg``, one per picture, shared by all
versions) next to the exam when Markdown or JSON is written: the Markdown links them, the JSON
names them. HTML/PDF embed them, Moodle XML and QTI carry them inside the file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from studytool.atomic import folder_lock, replace_folder
from studytool.errors import UserError
from studytool.exam.model import FORMATS, Exam
from studytool.gcpause import paused_gc


def check_formats(formats: Sequence[str]) -> list[str]:
    """Validated formats in canonical order."""
    for f in formats:
        if f not in FORMATS:
            raise UserError(f"unknown format '{f}'; formats: {','.join(FORMATS)}")
    if not formats:
        raise UserError(f"no format given; formats: {','.join(FORMATS)}")
    return [f for f in FORMATS if f in set(formats)]


def render_all(exam: Exam, formats: Sequence[str]) -> dict[str, str | bytes]:
    """File name -> content for every requested format (rendering finishes before any write)."""
    from studytool.exam import render_gift, render_html, render_json, render_md, render_moodle, render_qti

    formats = check_formats(formats)
    files: dict[str, str | bytes] = {}
    for v in exam.versions:
        files[f"key-{v.name}.md"] = render_md.key_md(exam, v)
        if "md" in formats:
            files[f"exam-{v.name}.md"] = render_md.exam_md(exam, v)
        if "html" in formats or "pdf" in formats:
            page, key = render_html.exam_html(exam, v), render_html.key_html(exam, v)
            if "html" in formats:
                files[f"exam-{v.name}.html"], files[f"key-{v.name}.html"] = page, key
            if "pdf" in formats:
                from studytool.exam.render_pdf import html_to_pdf

                files[f"exam-{v.name}.pdf"], files[f"key-{v.name}.pdf"] = html_to_pdf(page), html_to_pdf(key)
        if "gift" in formats:
            files[f"exam-{v.name}.gift.txt"] = render_gift.exam_gift(exam, v)
        if "moodle" in formats:
            files[f"exam-{v.name}.moodle.xml"] = render_moodle.exam_moodle(exam, v)
        if "qti" in formats:
            files[f"exam-{v.name}.qti.zip"] = render_qti.exam_qti(exam, v)
    if "json" in formats:
        files["exam.json"] = render_json.exam_json(exam)
    if "md" in formats or "json" in formats:  # Markdown links them; JSON names them
        for image in exam.images:
            files[image.name] = image.svg
    return dict(sorted(files.items()))


# What an exam folder may hold: files this writer makes (an older set is replaced whole).
_OURS = re.compile(r"^(?:exam|key)-[A-Z]\.[a-z.]+$|^exam\.json$|^tp-mapq-[0-9a-f]+\.svg$")


def write_exam(exam: Exam, out: Path, formats: Sequence[str], *, src: Path | None = None) -> list[Path]:
    """Render everything, then swap the whole set into `out` at once; returns the written paths.

    A run that fails, is interrupted or killed leaves the previous set in `out` untouched, and
    two runs into one folder take turns. `out` may not be or contain the source folder `src`,
    and an existing `out` may hold only files of an earlier exam set (they are replaced).
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} exists and is not a folder")
    if src is not None:
        source = src.resolve()
        target = out.resolve()
        if target == source or source.is_relative_to(target) or target.is_relative_to(source):
            raise UserError(f"--out {out} overlaps the source folder {src}; choose a folder outside it")
    with paused_gc():  # see studytool.gcpause
        files = render_all(exam, formats)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with folder_lock(out.parent):
            foreign = sorted(p.name for p in out.iterdir() if not _OURS.match(p.name)) if out.is_dir() else []
            if foreign:
                raise UserError(
                    f"--out {out} holds files that are not an exam set ({', '.join(foreign[:3])}); "
                    "choose an empty or new folder"
                )
            replace_folder(out, files)
    except OSError as exc:
        raise UserError(f"cannot write to {out}: {exc.strerror or exc}") from exc
    return [out / name for name in files]

"""Exam sets: one item model (``model``), item builders (``items``, with wrong options from
``studytool.distractors``), a blueprint that picks items (``blueprint``), versions with balanced
keys (``versions``) and one renderer module per output format (``render_*``)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from studytool.errors import UserError
from studytool.exam.blueprint import blueprint
from studytool.exam.model import DEFAULT_TYPES, FORMATS, TYPES, Exam
from studytool.exam.versions import make_versions
from studytool.gcpause import paused_gc
from studytool.model import KnowledgeBase
from studytool.selection import check_selection

__all__ = ["DEFAULT_TYPES", "FORMATS", "TYPES", "Exam", "build_exam"]

MAX_VERSIONS = 26
MAX_POINTS = 1000.0


def build_exam(
    kb: KnowledgeBase,
    *,
    count: int = 20,
    seed: str = "1",
    versions: int = 1,
    types: Sequence[str] = DEFAULT_TYPES,
    muscles: Sequence[str] = (),
    facets: Sequence[str] = (),
    title: str = "Trigger point anatomy exam",
    points: float = 1.0,
) -> Exam:
    """Build every version of an exam. Raises ``UserError`` for bad options or short material."""
    check_selection(kb, muscles, facets)
    bad = [t for t in types if t not in TYPES]
    if bad or not types:
        raise UserError(f"unknown question type '{bad[0] if bad else ''}'; types: {','.join(TYPES)}")
    if count < 1:
        raise UserError("--count must be at least 1")
    if not 1 <= versions <= MAX_VERSIONS:
        raise UserError(f"--versions must be between 1 and {MAX_VERSIONS}")
    if not (math.isfinite(points) and 0 < points <= MAX_POINTS):
        raise UserError(f"--points must be a number above 0 and at most {MAX_POINTS:g}, not {points:g}")
    types = [t for t in TYPES if t in set(types)]
    with paused_gc():
        items = blueprint(kb, count=count, seed=seed, types=types, muscles=muscles, facets=facets)
        return Exam(title, seed, tuple(items), make_versions(items, seed, versions, points), points)

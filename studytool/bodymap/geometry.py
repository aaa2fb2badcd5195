"""Geometry of the schematic figures: five views and one shape per region.

Three views show the whole body. Each lives in its own local frame: x = 0 is the body's
midline (in the lateral view, the plumb line through the ear), y = 0 the top of the head and
y = 281 the soles. Patterns are drawn on the patient's right side, as the reference charts
mostly are: that is the viewer's right in the posterior view, the viewer's left in the
anterior view, and the lateral view looks at the right side (the face points to the viewer's
right).

Two views show the right foot alone, drawn large, as Travell & Simons draw foot patterns: the
sole seen from below and the top of the foot seen from above. Their frame has y = 0 at the
tip of the big toe and y = 102 at the back of the heel; in both the big toe (the medial side)
is on the viewer's left, -x.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

Point = tuple[float, float]

VIEWS: tuple[str, ...] = ("posterior", "anterior", "lateral", "sole", "dorsum")
VIEW_LABELS: dict[str, str] = {
    "posterior": "Back",
    "anterior": "Front",
    "lateral": "Right side",
    "sole": "Sole (right)",
    "dorsum": "Top of foot (right)",
}
FOOT_VIEWS = frozenset({"sole", "dorsum"})
FIGURE_HEIGHT = 281.0
FOOT_HEIGHT = 102.0

# Right half of the front/back silhouette, clockwise from the neck down to the crotch;
# the left half is its mirror image. Arms hang slightly away from the trunk.
_HALF: tuple[Point, ...] = (
    (5.5, 29), (6.5, 38), (15, 42), (25, 45), (30, 51), (31.5, 62),
    (32, 80), (33.5, 98), (35, 118), (36, 135), (38, 145), (35.5, 155), (31.5, 151),
    (30, 137), (28, 118), (26, 99), (24, 80), (22, 63),
    (21, 74), (19, 89), (18.5, 101), (21.5, 115), (24.5, 129), (25.5, 141),
    (24, 160), (21, 185), (18, 203), (19, 216), (19, 230), (16, 249), (13, 262),
    (14, 270), (18.5, 276), (17, 281), (9, 281), (7, 274), (7, 262), (8, 246),
    (8.5, 229), (7, 213), (6.5, 202), (5, 182), (3, 161), (1, 152),
)  # fmt: skip

# Right-side profile, clockwise from the back of the neck, down the back, up the front.
_PROFILE: tuple[Point, ...] = (
    (-4, 30), (-6, 40), (-10, 50), (-12, 65), (-11, 83), (-8, 100), (-11, 114),
    (-15, 128), (-15, 141), (-11, 153), (-10, 170), (-8, 192), (-7, 205), (-9, 222),
    (-8, 239), (-5, 255), (-6, 270), (-7, 277), (-4, 281), (10, 281), (21, 280),
    (21, 276), (12, 271), (6, 264), (4, 257), (4, 240), (5, 220), (7, 205), (8, 195),
    (10, 175), (11, 155), (12, 140), (12, 124), (13, 108), (12, 92), (14, 72),
    (12, 55), (8, 44), (5, 36), (5, 30),
)  # fmt: skip

# The right foot from below, clockwise from the tip of the big toe; the medial arch is the
# inward curve on the left. The top view uses the same outline without the arch.
_SOLE: tuple[Point, ...] = (
    (-11, 0), (-5, 1.5), (1, 4), (7, 7), (12, 11), (16.5, 17), (18, 28), (17, 45), (15, 62),
    (13.5, 78), (12.5, 90), (8.5, 99), (1, 102), (-6.5, 100), (-10.5, 92), (-11, 80),
    (-9, 68), (-10.5, 54), (-14.5, 38), (-17, 24), (-17, 10), (-15, 3),
)  # fmt: skip
_DORSUM: tuple[Point, ...] = tuple((x, y) if not 50 <= y <= 75 or x > 0 else (-12.5, y) for x, y in _SOLE)

FRONT_BACK_OUTLINE: tuple[Point, ...] = _HALF + tuple((-x, y) for x, y in reversed(_HALF))
LATERAL_OUTLINE: tuple[Point, ...] = _PROFILE
SOLE_OUTLINE: tuple[Point, ...] = _SOLE
DORSUM_OUTLINE: tuple[Point, ...] = _DORSUM

# Head ellipses (cx, cy, rx, ry) per outline.
HEAD_FRONT_BACK = (0.0, 16.0, 12.0, 15.0)
HEAD_LATERAL = (1.5, 16.0, 12.5, 15.0)

# Faint orientation lines (SVG path data, local frame) per view.
DETAILS: dict[str, tuple[str, ...]] = {
    "posterior": (
        "M0 46V112",  # spine
        "M0 140V151",  # natal cleft
        "M3 151Q13 156 23 150M-3 151Q-13 156 -23 150",  # gluteal folds
        "M12 205H14M-12 205H-14",  # knee creases
    ),
    "anterior": (
        "M-3 50Q-12 56 -20 52M3 50Q12 56 20 52",  # clavicles
        "M0 107v.1",  # navel
        "M-21 124Q-12 136 -4 147M21 124Q12 136 4 147",  # inguinal folds
        "M-12 201a2.5 2.5 0 1 0 .1 0M12 201a2.5 2.5 0 1 0 -.1 0",  # patellae
    ),
    "lateral": (
        "M1 212Q1 236 -1 252",  # fibula line
    ),
    "sole": (
        "M-16 20Q-10 23 -5 16M-4 17Q0 20 3 12M4 14Q7 17 9 13M10 16Q12 19 14 17",  # toe creases
    ),
    "dorsum": (
        "M-5 17Q-7 9 -6 3M3 17Q3 11 2 6M8 19Q9 13 8 9M13 22Q14 18 13 14",  # toe clefts
        "M-9 32L-4 60M2 30L1 58M8 32L6 58",  # long tendons
    ),
}


@dataclass(frozen=True)
class Shape:
    """Where a region is drawn: an ellipse (optionally rotated) or a path, plus the × point."""

    view: str
    mark: Point
    ellipse: tuple[float, float, float, float] | None = None  # cx, cy, rx, ry
    rotate: float = 0.0
    path: str = ""


def _e(view: str, cx: float, cy: float, rx: float, ry: float, rotate: float = 0.0) -> Shape:
    return Shape(view, (cx, cy), (cx, cy, rx, ry), rotate)


# One shape per region, listed in drawing order: large areas first, small ones on top.
# Shapes are clipped to the silhouette, so they may spill a little past it.
REGION_SHAPES: dict[str, Shape] = {
    # posterior view (patient's right is the viewer's right, +x)
    "thoracolumbar": Shape("posterior", (6, 84), (0, 84, 9, 7)),
    "lumbar": Shape("posterior", (8, 104), (0, 104, 12, 11)),
    "posterior-thigh": _e("posterior", 13.5, 178, 12, 25),
    "posterior-knee": _e("posterior", 12.5, 207, 9, 6),
    "posterior-calf": _e("posterior", 13.5, 233, 9, 20),
    "upper-calf": _e("posterior", 13.5, 223, 8.5, 10),
    "lower-calf": _e("posterior", 12.5, 245, 6, 9),
    "posterior-ankle": _e("posterior", 11, 262, 2.6, 7),
    "mid-back": Shape("posterior", (6, 64), (0, 64, 13, 13)),
    "lower-ribs": _e("posterior", 17, 88, 7, 5, -18),
    "upper-buttock": _e("posterior", 15, 127, 11, 8),
    "lower-buttock": _e("posterior", 13.5, 144, 11, 8),
    "iliac-crest": Shape("posterior", (14, 113), path="M3 117Q14 103 26 118Q14 111 3 121Z"),
    "sacrum": Shape("posterior", (5, 124), path="M-8 116H8L2.5 137Q0 140 -2.5 137Z"),
    "si-joint": _e("posterior", 7.5, 124, 2.6, 7, 13),
    "coccyx": Shape("posterior", (2.5, 143), (0, 143, 2.5, 3.5)),
    "anorectal": Shape("posterior", (2.5, 149), (0, 149.5, 2.6, 2.4)),
    # anterior view (patient's right is the viewer's left, -x)
    "lower-abdomen": _e("anterior", -7, 121, 11, 8),
    "anterior-thigh": _e("anterior", -15, 176, 8, 25),
    "medial-thigh": _e("anterior", -5.5, 170, 3.5, 17),
    "anterior-knee": _e("anterior", -12.5, 205, 6.5, 5.5),
    "medial-knee": _e("anterior", -7.5, 206, 2.8, 6),
    "anterior-calf": _e("anterior", -14, 234, 4.5, 20),
    "groin": _e("anterior", -12.5, 136, 11, 4, 52),
    "chest": _e("anterior", -10, 80, 10, 7),
    "upper-abdomen": _e("anterior", -7, 98, 10, 7),
    "perineum": Shape("anterior", (-2.5, 148), (-1, 148.5, 4, 3.5)),
    "anterior-ankle": _e("anterior", -10.5, 262, 3.2, 3),
    "medial-ankle": _e("anterior", -7.3, 265.5, 1.8, 2.6),
    # lateral view (right side, face to the viewer's right)
    "lateral-hip": _e("lateral", -1.5, 139, 9, 9),
    "lateral-thigh": _e("lateral", 0, 176, 6, 26),
    "lateral-knee": _e("lateral", 0, 207, 6, 5.5),
    "lateral-calf": _e("lateral", -1, 234, 4.8, 20),
    "ankle": _e("lateral", -0.5, 262, 5, 4.5),
    "foot": _e("lateral", 8, 276, 13, 5),
    "lateral-ankle": _e("lateral", -1, 263, 3, 3),
    # sole (big toe on the viewer's left)
    "sole": _e("sole", 1.5, 52, 12, 15),
    "medial-foot": _e("sole", -9.5, 65, 3.5, 15),
    "lateral-foot": _e("sole", 14.5, 58, 3.5, 21),
    "ball-of-foot": _e("sole", 0, 26, 16, 6.5, 10),
    "heel": _e("sole", 1, 89, 10, 11),
    "great-toe": _e("sole", -11, 9, 5.5, 8),
    "toes": _e("sole", 7, 11, 9, 5, 28),
    # top of the foot
    "dorsum-foot": _e("dorsum", 1, 45, 13, 22),
}

# Regions drawn in a second view as well: the toes from above, the heel from behind.
# (Trigger-point crosses use the main shape above.)
EXTRA_SHAPES: tuple[tuple[str, Shape], ...] = (
    ("great-toe", _e("dorsum", -11, 9, 5.5, 8)),
    ("toes", _e("dorsum", 7, 11, 9, 5, 28)),
    ("heel", _e("posterior", 11.5, 275, 4.5, 4.5)),
)


@cache
def smooth_path(points: tuple[Point, ...]) -> str:
    """A closed, smooth SVG path through `points` (Catmull-Rom as cubic Béziers).

    Cached: the figure outlines are constant tuples, drawn again for every map.

    A Catmull-Rom curve's first control point mirrors the previous segment's second, so
    every segment after the first is an SVG "S" (smooth curveto) command.
    """
    n = len(points)
    parts = [f"M{_num(points[0][0])} {_num(points[0][1])}"]
    for i in range(n):
        p0, p1, p2, p3 = points[i - 1], points[i], points[(i + 1) % n], points[(i + 2) % n]
        c2 = (p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6)
        if i == 0:
            c1 = (p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6)
            parts.append("C" + " ".join(_num(v) for v in (*c1, *c2, *p2)))
        else:
            parts.append("S" + " ".join(_num(v) for v in (*c2, *p2)))
    return "".join(parts).replace(" -", "-") + "Z"


@lru_cache(maxsize=8192)  # the same few hundred coordinates recur in every map
def _num(value: float) -> str:
    """A coordinate with at most one decimal and no trailing zeros ('-0' becomes '0')."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text

"""Write an entry's referral pattern as a small, deterministic SVG body map."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from html import escape

from studytool.bodymap.geometry import (
    DETAILS,
    DORSUM_OUTLINE,
    EXTRA_SHAPES,
    FIGURE_HEIGHT,
    FOOT_HEIGHT,
    FOOT_VIEWS,
    FRONT_BACK_OUTLINE,
    HEAD_FRONT_BACK,
    HEAD_LATERAL,
    LATERAL_OUTLINE,
    REGION_SHAPES,
    SOLE_OUTLINE,
    VIEW_LABELS,
    VIEWS,
    Point,
    Shape,
    _num,
    smooth_path,
)
from studytool.model import Entry
from studytool.questions.phrasing import mid
from studytool.regions import region_name

WIDTH, HEIGHT = 360, 446
TOP = 46  # y of the top of each figure
SCALE = 1.25  # whole-body figure units to SVG units
FOOT_SCALE = 2.8  # the foot views are drawn large enough to read on a phone
BODY_SLOT, FOOT_SLOT = 118, 110  # width each view takes in the row of views
FOOT_TOP = (FIGURE_HEIGHT * SCALE - FOOT_HEIGHT * FOOT_SCALE) / 2  # foot views centred on the body's height
LABEL_Y = FIGURE_HEIGHT * SCALE + 16
FOOT_CROSS = 1.6  # cross half-size in foot units: about the body views' crosses, a bit larger

# view -> (outline id, clip id, outline points, head ellipse or None)
_FIGURES: dict[str, tuple[str, str, tuple[Point, ...], tuple[float, float, float, float] | None]] = {
    "posterior": ("tpm-fb", "tpm-cfb", FRONT_BACK_OUTLINE, HEAD_FRONT_BACK),
    "anterior": ("tpm-fb", "tpm-cfb", FRONT_BACK_OUTLINE, HEAD_FRONT_BACK),
    "lateral": ("tpm-lt", "tpm-clt", LATERAL_OUTLINE, HEAD_LATERAL),
    "sole": ("tpm-so", "tpm-cso", SOLE_OUTLINE, None),
    "dorsum": ("tpm-do", "tpm-cdo", DORSUM_OUTLINE, None),
}
SHAPES: tuple[tuple[str, Shape], ...] = (*REGION_SHAPES.items(), *EXTRA_SHAPES)
FONT = 'system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif'

# Colours chosen to read on light and dark cards alike; the dark palette applies with
# the OS setting and when the SVG is inlined into an Anki card in night mode.
CSS = (
    f"text{{font-family:{FONT};fill:#262a30}}"
    ".bg{fill:#fbfaf7}.bf{fill:#ebe7e1}.bo{fill:none;stroke:#7d838c;stroke-width:1.1;stroke-linejoin:round}"
    ".hd{fill:#ebe7e1;stroke:#7d838c;stroke-width:1.1}"
    ".dt{fill:none;stroke:#b3b6bb;stroke-width:.8;stroke-linecap:round}"
    ".p,.s{stroke:#fbfaf7;stroke-width:.8}.p{fill:#cf3d55}.s{fill:url(#tpm-h)}.hb{fill:#f4c6ce}.hl{stroke:#cf3d55;stroke-width:1.6}"
    ".x{stroke:#1b1e23;stroke-width:2;stroke-linecap:round}.xh{stroke:#fff;stroke-width:4.4;stroke-linecap:round}"
    ".t{font-size:15px;font-weight:600}.st,.lg{font-size:10.5px;fill:#5b616a}.vl{font-size:10px;fill:#5b616a}"
)
DARK = (
    "text{fill:#e6e8eb}.bg{fill:#1d2026}.p,.s{stroke:#1d2026}.bf,.hd{fill:#343941}.bo,.hd{stroke:#a3aab3}.dt{stroke:#5e646d}"
    ".p{fill:#f0657a}.hb{fill:#5a2a33}.hl{stroke:#f0657a}.x{stroke:#fff}.xh{stroke:#1b1e23}"
    ".st,.lg,.vl{fill:#aeb4bc}"
)


def zones(entry: Entry) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(primary, spillover) region ids of an entry, in source order; primary wins a tie."""
    primary: dict[str, None] = {}
    spill: dict[str, None] = {}
    for ref in entry.referral:
        primary.update(dict.fromkeys(ref.primary))
        spill.update(dict.fromkeys(ref.spillover))
    return tuple(primary), tuple(z for z in spill if z not in primary)


def trigger_regions(entry: Entry) -> tuple[str, ...]:
    """Distinct region ids where the entry's trigger points lie, in source order."""
    return tuple(dict.fromkeys(tp.region for tp in entry.trigger_points if tp.region))


ANON_TITLE = "Referred pain pattern"
ANON_HEADING = "Which muscle?"


def render_map(entry: Entry, anonymous: bool = False) -> str:
    """The entry's referral pattern as an SVG document (same entry, same text).

    ``anonymous=True`` leaves the muscle's name and id out everywhere (heading, ``<title>``,
    ``<desc>``, data attributes): the picture for a "which muscle?" question.
    """
    primary, spill = zones(entry)
    marks = trigger_regions(entry)
    unknown = sorted(z for z in (*primary, *spill, *marks) if z not in REGION_SHAPES)
    if unknown:
        raise ValueError(f"{entry.id}: no body-map shape for region(s) {', '.join(unknown)}")
    zone_of = {**dict.fromkeys(spill, "spillover"), **dict.fromkeys(primary, "primary")}
    views = map_views(entry)
    name = escape(entry.name)
    data_entry = "" if anonymous else f' data-entry="{escape(entry.id)}"'
    title = ANON_TITLE if anonymous else f"{name}: referred pain pattern"
    heading = ANON_HEADING if anonymous else name
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}" role="img" aria-labelledby="tpm-t tpm-d" class="tpm"{data_entry}>',
        f'<title id="tpm-t">{title}</title>',
        f'<desc id="tpm-d">{escape(describe(entry, anonymous=anonymous))}</desc>',
        STYLE,
        "<defs>",
        '<pattern id="tpm-h" width="5" height="5" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        '<rect class="hb" width="5" height="5"/><path class="hl" d="M1.25 0V5"/></pattern>',
    ]
    for ref, clip, points, _ in dict.fromkeys(_FIGURES[v] for v in views):
        out.append(f'<path id="{ref}" d="{smooth_path(points)}"/>')
        out.append(f'<clipPath id="{clip}"><use href="#{ref}"/></clipPath>')
    out += [
        "</defs>",
        f'<rect class="bg" width="{WIDTH}" height="{HEIGHT}" rx="12"/>',
        f'<text class="t" x="{WIDTH // 2}" y="24" text-anchor="middle">{heading}</text>',
        f'<text class="st" x="{WIDTH // 2}" y="38" text-anchor="middle">referred pain · right side</text>',
    ]
    out.extend(_row(views, zone_of, marks))
    out.extend(_legend(bool(primary), bool(spill), bool(marks)))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def map_views(entry: Entry) -> tuple[str, ...]:
    """The views that show something of the entry's pattern, in `VIEWS` order.

    A view is drawn only when a referral zone or a trigger point lies in it, so no map shows
    an empty figure. A region drawn in two views (the toes, the heel) adds its main view when it
    is essential pain or when neither view is there already: the soleus's heel gets the large
    sole view, a spillover heel rides on the back view. With nothing to draw: the body views.
    """
    primary, spill = zones(entry)
    also: dict[str, set[str]] = {}
    for region, shape in EXTRA_SHAPES:
        also.setdefault(region, set()).add(shape.view)
    used = {REGION_SHAPES[r].view for r in (*primary, *spill) if r not in also or r in primary}
    used |= {REGION_SHAPES[r].view for r in trigger_regions(entry)}  # a cross is drawn on the main shape
    for region in set(spill) & also.keys():
        if not used & also[region]:
            used.add(REGION_SHAPES[region].view)
    return tuple(v for v in VIEWS if v in used) or VIEWS[:3]


def _slot(view: str) -> int:
    return FOOT_SLOT if view in FOOT_VIEWS else BODY_SLOT


def _row(views: tuple[str, ...], zone_of: dict[str, str], marks: tuple[str, ...]) -> list[str]:
    """The chosen views side by side, centred; a row wider than the card is scaled to fit."""
    total = sum(_slot(v) for v in views)
    fit = min(1.0, (WIDTH - 16) / total)
    lines = []
    if fit < 1:
        top = TOP + (LABEL_Y + 4) * (1 - fit) / 2
        lines.append(f'<g transform="translate(8 {_num(top)}) scale({fit:.3f}) translate(0 {-TOP})">')
    x = 0.0 if fit < 1 else (WIDTH - total) / 2
    for view in views:
        lines.extend(_view(view, x + _slot(view) / 2, zone_of, marks))
        x += _slot(view)
    if fit < 1:
        lines.append("</g>")
    return lines


def _night(css: str) -> str:
    """The dark rules again, scoped under Anki's `.nightMode` class (for inlined SVG)."""
    rules = [r + "}" for r in css.split("}") if r]
    return "".join(
        ",".join(f".nightMode {sel.strip()}" for sel in rule.split("{")[0].split(","))
        + "{"
        + rule.split("{", 1)[1]
        for rule in rules
    )


STYLE = f"<style>{CSS}@media (prefers-color-scheme:dark){{{DARK}}}{_night(DARK)}</style>"


def _view(view: str, center: float, zone_of: dict[str, str], marks: tuple[str, ...]) -> list[str]:
    ref, clip, _, head = _FIGURES[view]
    figure = f"translate(0 {_num(FOOT_TOP)}) scale({FOOT_SCALE})" if head is None else f"scale({SCALE})"
    lines = [
        f'<g transform="translate({_num(center)} {TOP})" data-view="{view}">',
        f'<g transform="{figure}">',
    ]
    if head is not None:
        cx, cy, rx, ry = head
        lines.append(f'<ellipse class="hd" cx="{_num(cx)}" cy="{_num(cy)}" rx="{_num(rx)}" ry="{_num(ry)}"/>')
    lines += [
        f'<use href="#{ref}" class="bf"/>',
        f'<path class="dt" d="{"".join(DETAILS[view])}"/>',
        f'<g clip-path="url(#{clip})">',
    ]
    for region, shape in SHAPES:
        if shape.view == view and region in zone_of:
            zone = zone_of[region]
            cls = "p" if zone == "primary" else "s"
            lines.append(_shape(shape, f'class="{cls}" data-region="{region}" data-zone="{zone}"'))
    lines.append("</g>")
    lines.append(f'<use href="#{ref}" class="bo"/>')
    for region in marks:
        shape = REGION_SHAPES[region]
        if shape.view == view:
            lines.append(_cross(shape.mark, region, 3.0 if head is not None else FOOT_CROSS))
    lines.append("</g>")
    lines.append(f'<text class="vl" y="{_num(LABEL_Y)}" text-anchor="middle">{VIEW_LABELS[view]}</text>')
    lines.append("</g>")
    return lines


@lru_cache(maxsize=1024)  # a region's shape is drawn in many maps
def _shape(shape: Shape, attrs: str) -> str:
    if shape.ellipse is None:
        return f'<path {attrs} d="{shape.path}"/>'
    cx, cy, rx, ry = (_num(v) for v in shape.ellipse)
    rot = f' transform="rotate({_num(shape.rotate)} {cx} {cy})"' if shape.rotate else ""
    return f'<ellipse {attrs} cx="{cx}" cy="{cy}" rx="{rx}" ry="{ry}"{rot}/>'


@lru_cache(maxsize=1024)
def _cross(at: tuple[float, float], region: str, size: float = 3.0) -> str:
    x, y = at
    d = (
        f"M{_num(x - size)} {_num(y - size)}L{_num(x + size)} {_num(y + size)}"
        f"M{_num(x - size)} {_num(y + size)}L{_num(x + size)} {_num(y - size)}"
    )
    return f'<g data-trigger="{region}"><path class="xh" d="{d}"/><path class="x" d="{d}"/></g>'


def _legend(primary: bool, spill: bool, marks: bool) -> list[str]:
    items: list[tuple[str, str]] = []
    if primary:
        items.append(('<rect class="p" x="0" y="-8" width="10" height="10" rx="2"/>', "essential pain"))
    if spill:
        items.append(('<rect class="s" x="0" y="-8" width="10" height="10" rx="2"/>', "spillover"))
    if marks:
        items.append((_cross((5, -3), "legend", 3.6).replace(' data-trigger="legend"', ""), "trigger point"))
    widths = [14 + 6.2 * len(label) + 18 for _, label in items]
    x = (WIDTH - sum(widths) + 18) / 2
    out = []
    for (swatch, label), w in zip(items, widths, strict=True):
        out.append(
            f'<g transform="translate({_num(x)} {HEIGHT - 12})">{swatch}'
            f'<text class="lg" x="14" y="1">{label}</text></g>'
        )
        x += w
    return out


def describe(entry: Entry, anonymous: bool = False) -> str:
    """A plain-text description of the map (for <desc> and alt text); ``anonymous`` names no muscle."""
    primary, spill = zones(entry)
    whose = f"the pain referred by {mid(entry.name)} trigger points"
    if anonymous:
        whose = "a referred pain pattern"
    parts = [f"Body chart of {whose}, shown on the right side."]
    if primary:
        parts.append("Essential pain: " + ", ".join(region_name(z) for z in primary) + ".")
    if spill:
        parts.append("Spillover: " + ", ".join(region_name(z) for z in spill) + ".")
    marks = trigger_regions(entry)
    if marks:
        parts.append("Trigger points: " + ", ".join(region_name(z) for z in marks) + ".")
    return " ".join(parts)


def map_filename(entry: Entry, anonymous: bool = False) -> str:
    """Content-addressed media name, e.g. 'tp-map-gluteus-medius-1a2b3c4d.svg'.

    The anonymous map's name carries only a hash ('tp-mapq-<16 hex>.svg'), never the muscle.
    """
    if anonymous:
        return anonymous_filename(render_map(entry, anonymous=True))
    return named_filename(entry.id, render_map(entry))


def named_filename(entry_id: str, svg: str) -> str:
    """Media name of an entry's (named) map SVG text: 'tp-map-<entry>-<8 hex>.svg'."""
    return f"tp-map-{entry_id}-{hashlib.sha256(svg.encode('utf-8')).hexdigest()[:8]}.svg"


def anonymous_filename(svg: str) -> str:
    """Media name of an anonymous map's SVG text: a content hash that does not name the muscle."""
    return f"tp-mapq-{hashlib.sha256(svg.encode('utf-8')).hexdigest()[:16]}.svg"

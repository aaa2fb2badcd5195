"""Referral-pattern body maps: schematic posterior, anterior and lateral figures as SVG.

`render_map(entry)` gives the SVG text, `map_filename(entry)` its content-hashed media
name, `zones(entry)` the (primary, spillover) region ids that the map shades.
"""

from studytool.bodymap.render import describe, map_filename, render_map, trigger_regions, zones

__all__ = ["describe", "map_filename", "render_map", "trigger_regions", "zones"]

"""The text of an XML document as the exam's XML formats (Moodle, QTI) write it."""

from __future__ import annotations

import xml.etree.ElementTree as ET


def xml_text(root: ET.Element) -> str:
    """``root`` indented, after a UTF-8 XML declaration, with a final newline."""
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"

"""PDF through WeasyPrint (optional extra ``studytool[pdf]``): one document per version and key."""

from __future__ import annotations

from studytool.errors import UserError


def html_to_pdf(html: str) -> bytes:
    """Render print-ready HTML to PDF bytes; a clear UserError when WeasyPrint is missing."""
    try:
        import weasyprint
    except ImportError as exc:  # also covers missing system libraries (pango)
        raise UserError(
            f"PDF output needs WeasyPrint: pip install 'studytool[pdf]' ({exc}); or drop 'pdf' from --format"
        ) from exc
    data = weasyprint.HTML(string=html).write_pdf(pdf_identifier=b"studytool-exam", uncompressed_pdf=False)
    assert isinstance(data, bytes)
    return data

"""QR codes for printed cards, made at build time with segno (pure Python, no network).

A printed card carries its page's absolute address and the same address as a QR code, so
that a reader can open the page again from the paper; only when the site's public address
(YOUFU_SITE_URL) is known — a relative path or a local address on paper helps nobody.
"""
from __future__ import annotations

from markupsafe import Markup, escape


def svg(url: str) -> Markup:
    """An inline SVG QR code of `url`, labelled for screen readers."""
    import segno

    code = segno.make(url, error="m")
    drawing = code.svg_inline(scale=3, border=2, dark="#000", light="#fff", svgclass="yf-qr__code")
    label = escape(f"本页地址的二维码：{url}")
    return Markup(drawing.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))

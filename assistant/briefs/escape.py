"""The one escaping function every piece of text goes through before it becomes Paragraph markup.

Reportlab's Paragraph parses a mini-HTML (``<b>``, ``<a href>``, ``<img>``, ``&amp;``...). The
documents contain ``<``, ``&`` and ``**``, and user questions can contain anything, so nothing
reaches a Paragraph unescaped: text is shown literally, never interpreted (no links, no images).
"""

from __future__ import annotations

import re
import unicodedata
from html import escape as _html_escape

# Control characters break the PDF text stream or the markup parser; tabs and newlines are
# layout, kept as spaces/line breaks by the caller.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
_SPACES_RE = re.compile(r"[ \t\u00a0\u202f]+")
# Superscript digits the base-14 fonts lack (¹²³ are in WinAnsi and stay).
_SUPERSCRIPTS = str.maketrans("⁰⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾", "0456789+-()")
MAX_CHARS = 20_000
# shorten() cuts at the last space when it leaves at least this share of ``limit``.
WORD_CUT_SHARE = 3 / 5


def escape(value: object, *, breaks: bool = False, limit: int = MAX_CHARS) -> str:
    """``value`` as Paragraph-safe markup that renders exactly its characters.

    ``breaks`` keeps line breaks as ``<br/>`` (the only markup this function ever emits);
    otherwise they become spaces. Over-long text is cut at ``limit`` characters with "…".
    """
    text = plain(value)
    if len(text) > limit:
        text = text[:limit].rstrip() + "…"
    lines = [_SPACES_RE.sub(" ", line).strip() for line in text.split("\n")]
    escaped = [_html_escape(line, quote=True) for line in lines]
    if breaks:
        return "<br/>".join(escaped).strip()
    return " ".join(x for x in escaped if x)


def plain(value: object) -> str:
    """The characters ``escape`` will print: NFC, line breaks as "\n", no control characters,
    superscripts the fonts lack as plain digits."""
    text = "" if value is None else str(value)
    text = unicodedata.normalize("NFC", text).translate(_SUPERSCRIPTS)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_RE.sub("", text)


def shorten(text: str | None, limit: int) -> str:
    """Plain text cut at a word boundary near ``limit`` characters, marked with "…"."""
    text = _SPACES_RE.sub(" ", (text or "").replace("\n", " ")).strip()
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit * WORD_CUT_SHARE:
        cut = cut[:space]
    return cut.rstrip(" ,;:.") + "…"

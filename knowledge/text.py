"""Text cleaning, number parsing and code normalisation shared by every extractor.

Nothing here knows a particular document: these are the *kinds* of noise the plan
documents carry (footnote superscripts, HTML in cells, LaTeX, markdown emphasis,
decimal commas, thousands separators, non-values such as NC/ND/---).
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾"
_SUPERSCRIPT_RE = re.compile(f"[{SUPERSCRIPTS}]+")
_TAG_RE = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9]*)[^<>]*>")
_LATEX_FRAC_RE = re.compile(r"\\frac\{([^{}]*)\}\{([^{}]*)\}")
_EMPHASIS_RE = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")
_SPACES_RE = re.compile(r"[ \t\u00a0\u202f]+")

NON_VALUES = {"nc", "nd", "---", "--", "-", "(*)", "s", "n.d.", "n/a", "na", "s/d", "—", "–"}


def strip_superscripts(text: str) -> str:
    """Footnote markers are glued to words ("acciones³"): drop them before NFKC would
    turn them into digits that read as part of a number."""
    return _SUPERSCRIPT_RE.sub("", text)


def strip_markup(text: str) -> str:
    """HTML fragments, LaTeX formulas and markdown emphasis into readable text."""
    if "<" in text:
        text = re.sub(r"<\s*li[^>]*>", " • ", text, flags=re.I)
        text = re.sub(r"<\s*br\s*/?>|<\s*/\s*p\s*>", " ", text, flags=re.I)
        text = _TAG_RE.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    if "\\" in text:
        text = _latex_to_text(text)
    if "*" in text or "__" in text:
        text = _EMPHASIS_RE.sub(lambda m: m.group(2) or m.group(3) or "", text)
    return text


_LATEX_SYMBOLS = {r"\leq": "≤", r"\geq": "≥", r"\le": "≤", r"\ge": "≥", r"\times": "×", r"\cdot": "·",
                  r"\neq": "≠", r"\%": "%", r"\\": "; ", r"\{": "", r"\}": "", r"\left": "", r"\right": "",
                  r"\,": " ", r"\;": " ", r"\ ": " "}
_LATEX_ACCENT_RE = re.compile(r"\\acute\{(\w)\}")
_LATEX_WRAP_RE = re.compile(r"\\(?:text|mathrm|mathbf|mathit|operatorname)\{([^{}]*)\}")
_LATEX_ENV_RE = re.compile(r"\\(?:begin|end)\{[^{}]*\}(?:\{[^{}]*\})?")


def _latex_to_text(text: str) -> str:
    """LaTeX formulas (the avance formulas are printed as LaTeX) into plain readable text."""
    accents = {"a": "á", "e": "é", "i": "í", "o": "ó", "u": "ú"}
    text = _LATEX_ACCENT_RE.sub(lambda m: accents.get(m.group(1), m.group(1)), text)
    text = _LATEX_WRAP_RE.sub(r"\1", text)
    text = _LATEX_ENV_RE.sub(" ", text)
    for _ in range(3):
        text = _LATEX_FRAC_RE.sub(r"\1 / \2", text)
    text = re.sub(r"\\(?:leq|geq|le|ge|times|cdot|neq|%|\\|\{|\}|left|right|,|;|\s)(?![a-zA-Z])",
                  lambda m: _LATEX_SYMBOLS.get(m.group(0), m.group(0)), text)
    text = re.sub(r"\\(?:min|max)\b", lambda m: m.group(0)[1:], text)
    text = text.replace("$", "").replace("&", "").replace("_{", "_").replace("{", "").replace("}", "")
    return text


def clean(text: str) -> str:
    """Readable single-line text: no superscripts, markup or repeated spaces."""
    text = strip_markup(strip_superscripts(text))
    text = unicodedata.normalize("NFKC", text)
    return _SPACES_RE.sub(" ", text).strip()


def _strip_accents(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


# Each character of the Latin and general ranges, folded once: most text then folds with one translate.
_FOLD_TABLE = {cp: _strip_accents(chr(cp)) for cp in range(0x80, 0x2000) if _strip_accents(chr(cp)) != chr(cp)}


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case without accents, for matching user text against document text. Cached: the same
    passages and titles are folded for every question."""
    text = text.lower()
    if not text.isascii():
        text = text.translate(_FOLD_TABLE)
        if not text.isascii():
            text = _strip_accents(text)
    return _SPACES_RE.sub(" ", text).strip()


_NUMBER_RE = re.compile(
    r"^[-−]?(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:[.,]\d+)?$"
)


def parse_number(raw: str | None) -> float | None:
    """A typed value from a cell or a figure in prose, or None for non-values.

    Understands decimal comma or dot, thousands grouped by space or comma ("17 268",
    "12,972"), a trailing %, and explicit non-values (NC, ND, ---, (*)).
    """
    if raw is None:
        return None
    text = clean(str(raw)).strip().rstrip("%").strip()
    if not text or text.lower() in NON_VALUES:
        return None
    text = text.replace("−", "-")
    if not _NUMBER_RE.match(text):
        return None
    negative = text.startswith("-")
    text = text.lstrip("-")
    if re.fullmatch(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?", text):
        text = re.sub(r"[ \u00a0\u202f]", "", text)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", text):
        text = text.replace(",", "")  # "12,972": thousands, as the annual report prints them
    elif re.fullmatch(r"\d{1,3}(?:,\d{3})+\.\d+", text):
        text = text.replace(",", "")
    else:
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return -value if negative else value


def format_number(value: float | None, decimals: int | None = None) -> str:
    """Spanish-friendly rendering that keeps the value the document printed."""
    if value is None:
        return "sin dato"
    if decimals is None:
        if float(value).is_integer():
            return f"{int(value)}"
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{value:.{decimals}f}"


# ---- codes ------------------------------------------------------------------------------------

_CODE_RE = re.compile(
    r"\b(I?)(OEI|AEI|OES|AES)\s*[.\s]?\s*(\d{1,2})(?:\s*\.\s*(\d{1,2}))?(?:\s*\.\s*(\d{1,2}))?(?!\d)",
    re.I,
)


def canonical_code(prefix: str, *parts: str | int | None) -> str:
    nums = [f"{int(p):02d}" for p in parts if p not in (None, "")]
    return ".".join([prefix.upper(), *nums])


def find_codes(text: str) -> list[str]:
    """Every OEI/AEI/OES/AES (and indicator IOEI/IAEI…) code in a text, canonical.

    "AEI.01.7" → AEI.01.07; "OEI 1" → OEI.01; "IAEI.01.01.01" kept as an indicator code.
    An AEI/AES needs two numbers, an OEI/OES one.
    """
    out: list[str] = []
    for m in _CODE_RE.finditer(text):
        indicator, prefix, a, b, c = m.groups()
        prefix = prefix.upper()
        if indicator:
            code = canonical_code("I" + prefix, a, b, c)
        elif prefix in ("OEI", "OES"):
            code = canonical_code(prefix, a)
        elif b is None:
            continue
        else:
            code = canonical_code(prefix, a, b)
        if code not in out:
            out.append(code)
    return out


def leading_code(text: str) -> str | None:
    """The code a cell or title starts with ("AEI.01.01. Fortalecer…" → AEI.01.01)."""
    m = _CODE_RE.match(clean(text).lstrip("•-– "))
    if not m:
        return None
    codes = find_codes(m.group(0))
    return codes[0] if codes else None


AOI_RE = re.compile(r"\bAOI\d{8,}\b")

"""The one place a redirect target from the user is judged: only a path on this site survives.

Browsers drop tabs and line breaks from a Location and read a backslash as a slash, so
``/\\t/evil.example`` or ``/\\evil.example`` would leave the site, and a line break in a header is a
server error. The target is therefore rebuilt from its parts: no scheme, no host, a path that starts
with exactly one slash, and every character outside the safe ASCII set percent-encoded, so what
reaches the Location header can only mean a path here.
"""

from __future__ import annotations

from urllib.parse import quote, unquote, urlsplit, urlunsplit

from flask import redirect
from werkzeug.wrappers import Response

MAX_TARGET = 2000
_PATH_SAFE = "/-._~!$&'()*+,;=:@%"
_QUERY_SAFE = _PATH_SAFE + "?"


def _hostile(text: str) -> bool:
    return any(ord(c) < 0x20 or ord(c) == 0x7F or c == "\\" for c in text)


def safe_target(target: object, fallback: str) -> str:
    """``target`` when it is a local path (rebuilt in canonical form), else ``fallback``."""
    if not isinstance(target, str) or not target or len(target) > MAX_TARGET:
        return fallback
    if _hostile(target) or _hostile(unquote(target)):
        return fallback
    if target.startswith("//") or unquote(target).startswith("//"):  # "/%2F/evil" decodes to "//evil"
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return fallback
    return urlunsplit(("", "", quote(parts.path, safe=_PATH_SAFE), quote(parts.query, safe=_QUERY_SAFE),
                       quote(parts.fragment, safe=_QUERY_SAFE)))


def local_redirect(target: object, fallback: str, code: int = 303) -> Response:
    """A redirect that can only stay on this site (``fallback`` must be a path the app built)."""
    return redirect(safe_target(target, fallback), code)

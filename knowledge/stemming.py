"""Spanish tokens and Snowball stems, shared by the index and the query side."""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

from .text import fold

_STEMMER = snowballstemmer.stemmer("spanish")
TOKEN_RE = re.compile(r"[a-z0-9ñ]+")

# Function words carry no meaning for retrieval.
STOPWORDS = frozenset(["a", "al", "algo", "algun", "alguna", "algunas", "alguno", "algunos", "ante", "antes", "aquel", "aquella", "asi", "aun", "bajo", "bien", "cada", "como", "con", "contra", "cual", "cuales", "cualquier", "cuando", "cuanta", "cuantas", "cuanto", "cuantos", "de", "del", "desde", "donde", "dos", "el", "ella", "ellas", "ellos", "en", "entre", "era", "eran", "es", "esa", "esas", "ese", "eso", "esos", "esta", "estaba", "estan", "estar", "estas", "este", "esto", "estos", "fue", "fueron", "ha", "habia", "han", "hasta", "hay", "la", "las", "le", "les", "lo", "los", "mas", "me", "mi", "mis", "mucho", "muy", "nada", "ni", "no", "nos", "o", "otra", "otras", "otro", "otros", "para", "pero", "poco", "por", "porque", "que", "quien", "quienes", "se", "segun", "ser", "si", "sido", "sin", "sobre", "son", "su", "sus", "tal", "tambien", "tan", "tanto", "te", "tiene", "tienen", "todo", "todos", "tu", "tus", "un", "una", "unas", "uno", "unos", "y", "ya", "dame", "dime", "cual", "cuales", "sea"])


@lru_cache(maxsize=65536)
def stem(token: str) -> str:
    return fold(_STEMMER.stemWord(token))


def tokens(text: str) -> list[str]:
    return TOKEN_RE.findall(fold(text))


def content_tokens(text: str) -> list[str]:
    return [t for t in tokens(text) if t not in STOPWORDS and (len(t) > 1 or t.isdigit())]


@lru_cache(maxsize=32768)
def stem_set(text: str) -> frozenset[str]:
    """Stems of every token of a text, cached: passages are compared with many questions."""
    return frozenset(stem(t) for t in tokens(text))


def stems_text(text: str) -> str:
    return " ".join(stem(t) for t in tokens(text))

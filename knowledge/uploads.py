"""Documents added from the web: kept in an uploads folder, with an append-only register.

Every version of an uploaded document is kept (``versiones/``). The register (``registro.jsonl``)
records each activation — who, when, which file, for which slot (kind and period) — and which
files it replaces. The files the index reads are the corpus files plus the active upload of each
slot, minus every other file of that slot (a replaced corpus document stays on disk, untouched).
Restoring an earlier version is one more activation, so the register never loses history.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
import unicodedata
from pathlib import Path

from .config import ROOT
from .document import iter_corpus

REGISTER = "registro.jsonl"
VERSIONS = "versiones"
MAX_BYTES = 30 * 1024 * 1024


def uploads_dir(corpus: Path) -> Path:
    """PLANES_UPLOADS, else ``subidos/`` inside the corpus when it is writable, else var/subidos."""
    explicit = os.environ.get("PLANES_UPLOADS")
    if explicit:
        return Path(explicit)
    if corpus.is_dir() and os.access(corpus, os.W_OK):
        return corpus / "subidos"
    return ROOT / "var" / "subidos"


def safe_name(name: str) -> str:
    """The file's own name with no folder, no control or odd characters, never hidden."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFKC", base)
    base = re.sub(r"[^\w.\- ]+", "_", base).strip(" ._")
    base = re.sub(r"\s+", "_", base)[:120]
    return base or "documento"


def entries(folder: Path) -> list[dict]:
    path = folder / REGISTER
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def state(folder: Path) -> tuple[dict[tuple, str], set[str]]:
    """(active file per slot, files left out of the index): replaying the register."""
    active: dict[tuple, str] = {}
    members: dict[tuple, set[str]] = {}
    for e in entries(folder):
        slot = tuple(e["slot"])
        members.setdefault(slot, set()).update([e["file"], *e.get("replaces", [])])
        active[slot] = e["file"]
    excluded = {f for slot, files in members.items() for f in files if f != active[slot]}
    return active, excluded


def index_files(corpus: Path) -> list[Path]:
    """What the index reads: corpus files (outside the uploads folder) and active uploads."""
    folder = uploads_dir(corpus).resolve()
    active, excluded = state(folder)
    files = [p for p in iter_corpus(corpus) if folder not in p.resolve().parents]
    files += [folder / f for f in active.values() if (folder / f).exists()]
    return [p for p in files if _key(corpus, folder, p) not in excluded]


def _key(corpus: Path, folder: Path, path: Path) -> str:
    """How the register names a file: relative to the uploads folder, or ``corpus:NAME``."""
    resolved = path.resolve()
    if folder in resolved.parents:
        return resolved.relative_to(folder).as_posix()
    return f"corpus:{path.name}"


def store_version(folder: Path, name: str, data: bytes) -> str:
    """Keep an uploaded file as a new version; returns its register key."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    digest = hashlib.sha256(data).hexdigest()[:8]
    rel = f"{VERSIONS}/{stamp}-{digest}-{safe_name(name)}"
    target = folder / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(target.suffix + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    return rel


def activate(folder: Path, file: str, slot: tuple, user: str, action: str, replaces: list[str],
             meta: dict | None = None) -> dict:
    entry = {"at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "user": user, "action": action, "file": file,
             "slot": list(slot), "replaces": replaces, **(meta or {})}
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / REGISTER).open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return entry


def file_key(corpus: Path, indexed_name: str) -> str:
    """The register key of a document the index holds under ``indexed_name``."""
    folder = uploads_dir(corpus).resolve()
    for key in state(folder)[0].values():
        if Path(key).name == indexed_name:
            return key
    return f"corpus:{indexed_name}"

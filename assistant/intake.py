"""Adding a document from the web: check it, show what it holds, and only on confirmation add it.

``inspect`` keeps the upload in a pending folder and returns its identification (kind, plan,
period, title, date, read from the content), the records extracted from it (a throwaway index of
that file alone), the audit's discrepancies for it, and which indexed documents of the same kind
and period it would replace. ``confirm`` keeps it as a new version, logs who and when, and rebuilds
the index atomically (readers keep answering from the old index until the swap). ``restore``
makes an earlier version the active one again.
"""

from __future__ import annotations

import fcntl
import json
import re
import secrets
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from knowledge import uploads
from knowledge.coverage import coverage
from knowledge.document import UnreadableDocument
from knowledge.index import build_index
from knowledge.sources import is_pdf, read_source
from knowledge.store import Store
from queries.audit import run_audit

from .errors import UserError

PENDING = "pendientes"
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _fail(message: str, code: str = "archivo_rechazado", status: int = 400) -> UserError:
    return UserError(message, code, status)


def check_content(name: str, data: bytes) -> str:
    """The name the upload is kept under, after checking size and type by content."""
    if not data.strip():
        raise _fail("El archivo está vacío.")
    if len(data) > uploads.MAX_BYTES:
        raise _fail("El archivo supera el límite de 30 MB.", "archivo_grande", 413)
    base = uploads.safe_name(name)
    stem = base.rsplit(".", 1)[0] if "." in base else base
    if is_pdf(data):
        return f"{stem}.pdf"
    if base.lower().endswith(".pdf"):
        raise _fail("El archivo tiene extensión .pdf pero su contenido no es un PDF.", "tipo_no_admitido", 415)
    if b"\x00" in data[:4096]:
        raise _fail("El archivo no es un PDF ni un texto: solo se aceptan PDF, TXT o MD.", "tipo_no_admitido", 415)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise _fail("El archivo no es un PDF ni un texto en UTF-8: solo se aceptan PDF, TXT o MD.",
                    "tipo_no_admitido", 415) from None
    return f"{stem}.md" if base.lower().endswith(".md") else f"{stem}.txt"


def inspect(name: str, data: bytes, corpus: Path, store: Store) -> dict[str, Any]:
    kept = check_content(name, data)
    folder = uploads.uploads_dir(corpus)
    token = secrets.token_urlsafe(18)
    pending = folder / PENDING / token
    pending.mkdir(parents=True)
    path = pending / kept
    path.write_bytes(data)
    try:
        doc = read_source(path)
    except UnreadableDocument as exc:
        shutil.rmtree(pending, ignore_errors=True)
        detail = str(exc).split(": ", 1)[-1]
        raise _fail(f"No se pudo leer el documento: {detail}.") from None
    if doc.kind == "desconocido":
        shutil.rmtree(pending, ignore_errors=True)
        raise _fail("El archivo no parece un documento de planeamiento: no se reconoce un informe de "
                    "evaluación, un PEI, un reporte del PESEM ni un plan sectorial.", "no_es_plan", 422)
    with tempfile.TemporaryDirectory() as tmp:
        solo = Path(tmp) / "corpus"
        solo.mkdir()
        shutil.copy(path, solo / kept)
        db = Path(tmp) / "vista.db"
        build_index(solo, db)
        preview_store = Store(db)
        counts = coverage(preview_store)["documents"][0]["counts"]
        findings = [{"subject": c.subject, "explain": c.explain or c.formula, "status": c.status}
                    for c in run_audit(preview_store).findings]
    replaces = [d["file"] for d in store.documents()
                if d["kind"] == doc.kind and (d["period"] or "") == (doc.period or "")]
    preview = {"token": token, "file": kept, "kind": doc.kind, "plan": doc.plan, "period": doc.period,
               "title": doc.title, "date": doc.date, "pages": max(doc.pages, default=0), "counts": counts,
               "findings": findings, "replaces": replaces, "bytes": len(data)}
    (pending / "vista.json").write_text(json.dumps(preview, ensure_ascii=False), encoding="utf-8")
    return preview


def _pending(corpus: Path, token: str) -> tuple[Path, dict[str, Any]]:
    if not TOKEN_RE.match(token or ""):
        raise _fail("La carga no existe o ya fue procesada.", "carga_desconocida", 404)
    folder = uploads.uploads_dir(corpus) / PENDING / token
    meta = folder / "vista.json"
    if not meta.exists():
        raise _fail("La carga no existe o ya fue procesada.", "carga_desconocida", 404)
    return folder, json.loads(meta.read_text(encoding="utf-8"))


def pending_preview(corpus: Path, token: str) -> dict[str, Any]:
    return _pending(corpus, token)[1]


@contextmanager
def _lock(folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".bloqueo").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def confirm(corpus: Path, db: Path, token: str, user: str) -> dict[str, Any]:
    pending, preview = _pending(corpus, token)
    folder = uploads.uploads_dir(corpus)
    with _lock(folder):
        data = (pending / preview["file"]).read_bytes()
        key = uploads.store_version(folder, preview["file"], data)
        replaces = [uploads.file_key(corpus, f) for f in preview["replaces"]]
        entry = uploads.activate(folder, key, (preview["kind"], preview["period"] or preview["title"]), user,
                                 "agregar", replaces, {"title": preview["title"], "name": preview["file"]})
        shutil.rmtree(pending, ignore_errors=True)
        report = build_index(corpus, db)
    return {**entry, "indexed_as": Path(key).name, "seconds": round(report.seconds, 2), "skipped": report.skipped}


def discard(corpus: Path, token: str) -> None:
    pending, _ = _pending(corpus, token)
    shutil.rmtree(pending, ignore_errors=True)


def history(corpus: Path) -> list[dict[str, Any]]:
    folder = uploads.uploads_dir(corpus)
    active, _ = uploads.state(folder)
    out = []
    for e in reversed(uploads.entries(folder)):
        slot = tuple(e["slot"])
        out.append({**e, "active": active.get(slot) == e["file"],
                    "versions": sorted({x for x in [e["file"], *e.get("replaces", [])]})})
    return out


def restore(corpus: Path, db: Path, key: str, user: str) -> dict[str, Any]:
    """Make ``key`` (an earlier upload, or ``corpus:NAME``, that the register knows) active again."""
    folder = uploads.uploads_dir(corpus)
    with _lock(folder):
        slot = next((tuple(e["slot"]) for e in uploads.entries(folder)
                     if key == e["file"] or key in e.get("replaces", [])), None)
        if slot is None:
            raise _fail("Esa versión no figura en el registro de documentos.", "version_desconocida", 404)
        entry = uploads.activate(folder, key, slot, user, "restaurar", [])
        report = build_index(corpus, db)
    return {**entry, "seconds": round(report.seconds, 2)}

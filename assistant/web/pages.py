"""HTML pages: the chat and the document viewer."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template

from knowledge.text import clean

pages = Blueprint("pages", __name__)


def assistant():
    return current_app.extensions["assistant"]


def display_line(raw: str) -> str:
    """A line as clean text (no footnote digits, HTML or markup), keeping table cells apart."""
    return "\t".join(clean(cell) for cell in raw.split("\t")).rstrip()


@pages.get("/")
def chat():
    return render_template("chat.html", starters=assistant().starters())


@pages.get("/documentos")
def documents():
    from .documents import listing

    return listing()


@pages.get("/documentos/<path:name>")
def document(name: str):
    doc = assistant().store.document(name)
    if doc is None:
        abort(404)
    lines = [display_line(line) for line in assistant().store.lines(name)]
    pages = assistant().store.pages(name)
    starts = {n: p for n, p in enumerate(pages, start=1) if p and (n == 1 or pages[n - 2] != p)}
    return render_template("document.html", doc=doc, lines=lines, page_starts=starts,
                           page_count=max((p for p in pages if p), default=0))

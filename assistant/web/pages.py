"""HTML pages: the chat and the document viewer."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template

pages = Blueprint("pages", __name__)


def assistant():
    return current_app.extensions["assistant"]


@pages.get("/")
def chat():
    return render_template("chat.html")


@pages.get("/documentos")
def documents():
    return render_template("documents.html", documents=assistant().store.documents())


@pages.get("/documentos/<path:name>")
def document(name: str):
    doc = assistant().store.document(name)
    if doc is None:
        abort(404)
    return render_template("document.html", doc=doc, lines=assistant().store.lines(name))

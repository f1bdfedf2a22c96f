"""WSGI entry point: ``gunicorn wsgi:app``."""

from assistant.web import create_app

app = create_app()

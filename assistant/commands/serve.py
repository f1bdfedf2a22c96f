"""`planes serve`: what `make run` starts (nginx in front of gunicorn; see assistant/serving)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="sirve la aplicación: nginx delante de gunicorn (PLANES_PROXY=0: solo gunicorn)")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from ..serving.supervise import serve

    return serve()

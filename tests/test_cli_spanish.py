"""`planes` speaks Spanish: help, usage, argument errors and `planes coverage` (assistant.commands.spanish)."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
# Words argparse (or the index's internal names) would print in English.
ENGLISH = re.compile(r"\b(usage|positional|arguments?|options?|show this help|required|invalid|choose from|"
                     r"unrecognized|expected|error: the|entities|indicators|targets|measurements|activities|"
                     r"critical_actions|recommendations|statements|subcommands)\b", re.I)


def run(*args: str, db: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    if db is not None:
        env["PLANES_DB"] = str(db)
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=120)


def english_in(text: str) -> list[str]:
    # "--json" and file names are not English prose
    return ENGLISH.findall(re.sub(r"--[\w-]+|\S+\.(?:txt|pdf|db)\b|/api/\w+", " ", text))


def test_help_is_spanish():
    r = run("--help")
    assert r.returncode == 0
    assert r.stdout.startswith("Uso: planes") and "muestra esta ayuda y termina" in r.stdout
    assert "comandos:" in r.stdout and "opciones:" in r.stdout
    assert not english_in(r.stdout), english_in(r.stdout)


@pytest.mark.parametrize("args, expected", [
    (["ask", "--opcion-que-no-existe", "¿hola?"], "argumentos no reconocidos: --opcion-que-no-existe"),
    (["ask"], "faltan estos argumentos obligatorios: PREGUNTA"),
    (["search", "x", "--limit", "muchos"], "valor no válido para un número entero: 'muchos'"),
    (["comando-inexistente"], "opción no válida: 'comando-inexistente'"),
    (["users", "add", "ana", "--role", "jefa"], "opción no válida: 'jefa' (elija entre 'editor', 'lector')"),
])
def test_argument_errors_are_spanish(args, expected):
    r = run(*args)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("Uso: planes") and expected in r.stderr, r.stderr
    assert "error:" in r.stderr and not english_in(r.stderr.replace("error:", "")), r.stderr


def test_every_option_of_every_command_has_help():
    missing = []

    def walk(parser: argparse.ArgumentParser, path: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    walk(child, f"{path} {name}")
            elif not action.help:
                missing.append(f"{path} {'/'.join(action.option_strings) or action.dest}")

    walk(build_parser(), "planes")
    assert not missing, missing


def test_each_command_help_is_spanish():
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, child in sub.choices.items():
        text = child.format_help()
        assert text.startswith(f"Uso: planes {name}"), text
        assert not english_in(text), (name, english_in(text))


def test_other_argparse_users_keep_their_language():
    build_parser().format_help()
    assert "usage:" in argparse.ArgumentParser(prog="otro").format_help()


def test_coverage_is_spanish(db_file, capsys):
    assert main(["coverage", "--db", str(db_file)]) == 0
    out = capsys.readouterr().out
    assert "documentos en el índice" in out and "objetivos y acciones" in out and "mediciones por medida" in out
    assert not english_in(out), english_in(out)
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", out), "internal names with underscores"

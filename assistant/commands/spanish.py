"""argparse in Spanish: help, usage and error messages of the `planes` command.

argparse looks its messages up through the module-level gettext hooks ``argparse._`` and
``argparse.ngettext`` when it formats them. ``SpanishArgumentParser`` swaps those hooks for a
Spanish catalogue only while one of its own methods runs, so other users of argparse in the same
process (pytest, for one) keep their messages. Subparsers inherit the class.
"""

from __future__ import annotations

import argparse
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

CATALOGUE = {
    "usage: ": "uso: ",
    "positional arguments": "argumentos",
    "options": "opciones",
    "show this help message and exit": "muestra esta ayuda y termina",
    "subcommands": "comandos",
    "argument %(argument_name)s: %(message)s": "argumento %(argument_name)s: %(message)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s: error: %(message)s\n",
    "the following arguments are required: %s": "faltan estos argumentos obligatorios: %s",
    "unrecognized arguments: %s": "argumentos no reconocidos: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "opción no válida: %(value)r (elija entre %(choices)s)",
    "invalid %(type)s value: %(value)r": "valor no válido para %(type)s: %(value)r",
    "expected one argument": "se esperaba un valor",
    "expected at most one argument": "se esperaba como máximo un valor",
    "expected at least one argument": "se esperaba al menos un valor",
    "ambiguous option: %(option)s could match %(matches)s": "opción ambigua: %(option)s puede ser %(matches)s",
    "not allowed with argument %s": "no se permite junto con el argumento %s",
    "ignored explicit argument %r": "se ignoró el valor explícito %r",
    "one of the arguments %s is required": "se requiere uno de los argumentos %s",
    "unexpected option string: %s": "opción inesperada: %s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "comando desconocido %(parser_name)r (elija entre "
                                                              "%(choices)s)",
    "can't open '%(filename)s': %(error)s": "no se puede abrir «%(filename)s»: %(error)s",
    "argument \"-\" with mode %r": "argumento «-» con modo %r",
    "cannot have multiple subparser arguments": "no puede haber varios grupos de comandos",
}
PLURALS = {
    "expected %s argument": ("se esperaba %s valor", "se esperaban %s valores"),
    "conflicting option string: %s": ("opción en conflicto: %s", "opciones en conflicto: %s"),
}
# Type names that appear in "invalid %(type)s value".
TYPE_NAMES = {"int": "un número entero", "float": "un número", "str": "un texto"}


def translate(message: str | None) -> str | None:
    if message is None:
        return None
    return CATALOGUE.get(message, message)


def translate_plural(singular: str, plural: str, n: int) -> str:
    forms = PLURALS.get(singular)
    if forms is None:
        return singular if n == 1 else plural
    return forms[0] if n == 1 else forms[1]


_lock = threading.RLock()


@contextmanager
def spanish() -> Iterator[None]:
    """argparse speaks Spanish inside this block (re-entrant; one thread at a time)."""
    with _lock:
        saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
        argparse._, argparse.ngettext = translate, translate_plural  # type: ignore[attr-defined]
        try:
            yield
        finally:
            argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


def _in_spanish(method: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with spanish():
            return method(*args, **kwargs)

    wrapper.__name__, wrapper.__doc__ = method.__name__, method.__doc__
    return wrapper


class SpanishHelpFormatter(argparse.HelpFormatter):
    """Help text wrapped as usual, with the first letter of the usage prefix capitalised."""

    def add_usage(self, usage: str | None, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "Uso: " if prefix is None else prefix)


class SpanishArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose help, usage and errors are Spanish (see module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", SpanishHelpFormatter)
        with spanish():
            super().__init__(*args, **kwargs)

    add_subparsers = _in_spanish(argparse.ArgumentParser.add_subparsers)
    add_argument_group = _in_spanish(argparse.ArgumentParser.add_argument_group)
    format_usage = _in_spanish(argparse.ArgumentParser.format_usage)
    format_help = _in_spanish(argparse.ArgumentParser.format_help)

    def parse_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                   namespace: argparse.Namespace | None = None) -> argparse.Namespace:
        with spanish():
            return super().parse_args(args, namespace)

    def parse_known_args(self, args: Sequence[str] | None = None,
                         namespace: argparse.Namespace | None = None) -> tuple[argparse.Namespace, list[str]]:
        with spanish():
            return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        for english, spanish_name in TYPE_NAMES.items():
            message = message.replace(f"para {english}:", f"para {spanish_name}:")
        with spanish():
            super().error(message)

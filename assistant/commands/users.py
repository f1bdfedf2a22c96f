"""`planes users`: accounts for the recommendation tracker (kept in PLANES_UPDATES_DB)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from knowledge.config import db_path, updates_db_path

from ..tracker.accounts import ROLES, AccountError, add_user, list_users, set_active, set_password


def _db(args: argparse.Namespace) -> Path:
    if getattr(args, "updates_db", None):
        return Path(args.updates_db)
    return updates_db_path(Path(args.db) if getattr(args, "db", None) else db_path())


def read_password(args: argparse.Namespace) -> str:
    """From stdin (--password-stdin), from PLANES_PASSWORD, or asked twice on the terminal."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    env = os.environ.get("PLANES_PASSWORD")
    if env:
        return env
    if not sys.stdin.isatty():
        raise AccountError("Sin terminal: pase la contraseña con --password-stdin "
                           "o la variable PLANES_PASSWORD.")
    first = getpass.getpass("Contraseña: ")
    if first != getpass.getpass("Repita la contraseña: "):
        raise AccountError("Las contraseñas no coinciden.")
    return first


def cmd_add(args: argparse.Namespace) -> int:
    user = add_user(_db(args), args.nombre, read_password(args), args.role)
    print(f"Usuario «{user.name}» creado con rol {user.role}.")
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    set_password(_db(args), args.nombre, read_password(args))
    print(f"Contraseña de «{args.nombre}» cambiada; sus sesiones abiertas se cerraron.")
    return 0


def cmd_disable(args: argparse.Namespace) -> int:
    set_active(_db(args), args.nombre, False)
    print(f"Usuario «{args.nombre}» desactivado.")
    return 0


def cmd_enable(args: argparse.Namespace) -> int:
    set_active(_db(args), args.nombre, True)
    print(f"Usuario «{args.nombre}» activado.")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    users = list_users(_db(args))
    if not users:
        print("No hay usuarios. Cree uno con «planes users add NOMBRE --role editor».")
    for u in users:
        print(f"{u.name}\t{u.role}\t{'activo' if u.active else 'desactivado'}")
    return 0


def _guard(func):
    def run(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except AccountError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    return run


def register(subparsers) -> None:
    parser = subparsers.add_parser("users", help="cuentas de editores del seguimiento de recomendaciones")
    sub = parser.add_subparsers(dest="users_command", required=True, metavar="ACCIÓN", title="acciones")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--db", metavar="RUTA", help="índice (la base de editores va junto a él; por defecto PLANES_DB)")
        p.add_argument("--updates-db", metavar="RUTA", help="base de editores (por defecto PLANES_UPDATES_DB)")

    def password_source(p: argparse.ArgumentParser) -> None:
        p.add_argument("--password-stdin", action="store_true",
                       help="lee la contraseña de la entrada estándar (también: variable PLANES_PASSWORD)")

    p = sub.add_parser("add", help="crea una cuenta")
    p.add_argument("nombre", metavar="NOMBRE", help="nombre de la cuenta")
    p.add_argument("--role", choices=ROLES, default="editor", help="editor (actualiza estados) o lector")
    password_source(p)
    common(p)
    p.set_defaults(func=_guard(cmd_add))

    p = sub.add_parser("passwd", help="cambia la contraseña de una cuenta")
    p.add_argument("nombre", metavar="NOMBRE", help="nombre de la cuenta")
    password_source(p)
    common(p)
    p.set_defaults(func=_guard(cmd_passwd))

    for name, func, text in (("disable", cmd_disable, "desactiva una cuenta"),
                             ("enable", cmd_enable, "reactiva una cuenta")):
        p = sub.add_parser(name, help=text)
        p.add_argument("nombre", metavar="NOMBRE", help="nombre de la cuenta")
        common(p)
        p.set_defaults(func=_guard(func))

    p = sub.add_parser("list", help="lista las cuentas")
    common(p)
    p.set_defaults(func=_guard(cmd_list))

"""The README and the help texts tell the truth about the commands and settings."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_cli_command_is_documented_and_has_spanish_help():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, command in sub.choices.items():
        assert f"planes {name}" in README, name
        assert command.format_help()


def test_make_targets_in_readme_exist():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in set(re.findall(r"make (\w+)", README)):
        assert re.search(rf"^{target}:", makefile, re.M), target


def test_environment_variables_used_in_code_are_documented():
    used = set()
    for path in list((ROOT / "assistant").rglob("*.py")) + list((ROOT / "knowledge").rglob("*.py")):
        used |= set(re.findall(r"environ(?:\.get)?\(\s*\"(PLANES_\w+|PORT|WEB_CONCURRENCY)\"", path.read_text()))
    assert used, "no environment variables found"
    for name in used:
        assert f"`{name}`" in README, name


def test_ci_runs_the_readme_test_command():
    assert "make test" in README
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")

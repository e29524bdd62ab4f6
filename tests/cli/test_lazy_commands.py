"""Lazy command registration: the static table agrees with the commands the modules register."""

from __future__ import annotations

import importlib
import subprocess
import sys

import typer
import typer.main
from typer.testing import CliRunner

from sizeup.cli._root import _register_commands, app


def _registered_by(module_name: str) -> dict[str, str]:
    """Commands a module registers, with their full help, built eagerly (not through the table)."""
    sub = typer.Typer()
    importlib.import_module(f"sizeup.cli.{module_name}").register(sub)
    group = typer.main.get_group(sub)
    return {name: cmd.help or "" for name, cmd in group.commands.items()}


def test_table_lists_exactly_the_registered_commands_with_their_own_help() -> None:
    table = _register_commands()
    seen: dict[str, str] = {}
    for module_name in sorted({module for module, _ in table.values()}):
        for name, help_text in _registered_by(module_name).items():
            assert name in table, f"{module_name} registers {name!r}, missing from the table"
            assert table[name][0] == module_name
            seen[name] = help_text
    assert set(seen) == set(table)
    for name, (_, summary) in table.items():
        first_paragraph = " ".join(seen[name].strip().split("\n\n")[0].split())
        assert summary == first_paragraph, name


def test_root_help_lists_every_command_and_loads_no_command_module() -> None:
    code = (
        "import sys\n"
        "from sizeup.cli import app\n"
        "try:\n"
        "    app(['--help'], standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        "mods = sorted(m for m in sys.modules if m.startswith('sizeup.cli._') "
        "and m != 'sizeup.cli._root' or m == 'typer.rich_utils')\n"
        "print('LOADED:' + ','.join(mods))\n"
    )
    res = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"COLUMNS": "200", "PATH": ""},
    )
    lines = res.stdout.strip().splitlines()
    assert lines[-1] == "LOADED:"
    listed = "\n".join(lines[:-1])
    for name, (_, summary) in _register_commands().items():
        assert f"{name} " in listed and summary in listed, name


def test_a_command_loads_only_its_own_module() -> None:
    code = (
        "import sys\n"
        "from sizeup.cli import app\n"
        "try:\n"
        "    app(['pnf', '--help'], standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('LOADED:' + ','.join(sorted(m for m in sys.modules "
        "if m.startswith('sizeup.cli._') and m != 'sizeup.cli._root')))\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip().splitlines()[-1] == "LOADED:sizeup.cli._common,sizeup.cli._pnf"


def test_unknown_command_is_a_usage_error_with_a_suggestion() -> None:
    res = CliRunner().invoke(app, ["monitr"])
    assert res.exit_code == 2
    assert "No such command 'monitr'" in res.output
    assert "monitor" in res.output.split("No such command")[1]

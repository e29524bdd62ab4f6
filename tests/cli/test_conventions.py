"""CLI conventions every command follows (issue 10): fast help, examples, exit codes, markup."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sizeup.cli import app


def _commands() -> list[list[str]]:
    import typer.main

    group = typer.main.get_command(app)
    out: list[list[str]] = []
    for name, cmd in group.commands.items():
        subs = getattr(cmd, "commands", None)
        if subs:
            out += [[name, sub] for sub in subs]
        else:
            out.append([name])
    return out


def test_help_starts_without_pandas_numba_or_analytics() -> None:
    code = (
        "import sys\n"
        "from sizeup.cli import app\n"
        "try:\n"
        "    app(['--help'], standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        "mods = ('pandas', 'numba', 'numpy', 'duckdb', 'pyarrow',\n"
        "        'sizeup.analytics', 'sizeup.app')\n"
        "print('LOADED:' + ','.join(m for m in mods if m in sys.modules))\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip().splitlines()[-1] == "LOADED:"


@pytest.mark.parametrize("command", _commands(), ids=" ".join)
def test_every_command_help_has_an_example(command: list[str]) -> None:
    res = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "100"})
    assert res.exit_code == 0, res.output
    assert "Example" in res.output, f"sizeup {' '.join(command)} --help has no example"


def test_unknown_option_exits_2_without_traceback() -> None:
    res = CliRunner().invoke(app, ["monitor", "--bogus"])
    assert res.exit_code == 2
    assert "Traceback" not in res.output


def test_user_text_is_not_read_as_markup(tmp_path: Path) -> None:
    res = CliRunner().invoke(
        app, ["pnf", "[bold red]X[/]"], env={"SIZEUP_DATA_DIR": str(tmp_path / "empty")}
    )
    assert res.exit_code == 2
    assert "[bold red]X[/]" in res.stderr

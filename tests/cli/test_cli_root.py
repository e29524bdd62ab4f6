from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from sizeup.cli._root import app
from sizeup.data.store import Store


def test_store_info_lists_tables_and_disagreements(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    dates = pd.bdate_range("2021-01-01", periods=30)
    a = pd.DataFrame(
        {
            "symbol": "IWM",
            "date": dates,
            "close": [float(x) for x in range(100, 130)],
            "source": "a",
        }
    )
    a["adj_close"] = a["close"]
    b = a.copy()
    b["source"] = "b"
    b.loc[10:, "adj_close"] = b.loc[10:, "adj_close"] * 1.05  # a 5 % jump only in source b
    store.upsert("bars", pd.concat([a, b]))
    result = CliRunner().invoke(app, ["--data-dir", str(tmp_path), "store", "info"])
    assert result.exit_code == 0, result.output
    assert "bars" in result.output and "60" in result.output
    assert "2021-01-01" in result.output
    assert "disagreeing" in result.output and "IWM" in result.output


def test_errors_end_without_traceback(tmp_path: Path) -> None:
    target = tmp_path / "a-file"
    target.write_text("not a folder")
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from sizeup.cli._root import main; main()",
            "--data-dir",
            str(target),
            "store",
            "info",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "not a folder" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


def test_bad_dates_get_a_clear_error(tmp_path: Path) -> None:
    from sizeup.calendar import parse_date
    from sizeup.errors import ConfigError

    assert parse_date("2024-06-28") == pd.Timestamp("2024-06-28")
    assert parse_date(None) is None
    for bad in ("notadate", "2020-13-45", ""):
        try:
            parse_date(bad, option="--asof")
        except ConfigError as exc:
            assert "--asof" in str(exc) and repr(bad) in str(exc) and "YYYY-MM-DD" in str(exc)
        else:
            raise AssertionError(f"{bad!r} was accepted")
    for args in (
        ["monitor", "--asof", "x"],
        ["pnf", "IWM", "--asof", "x"],
        ["screen", "value", "--asof", "x"],
    ):
        proc = subprocess.run(
            [
                sys.executable,
                "-c",
                "from sizeup.cli._root import main; main()",
                "--data-dir",
                str(tmp_path),
                *args,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 2, (args, proc.stderr)
        assert "is not a date" in proc.stderr + proc.stdout
        assert "Traceback" not in proc.stderr + proc.stdout

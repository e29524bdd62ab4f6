from __future__ import annotations

from pathlib import Path

import pytest

from sizeup.config import Settings, load_settings
from sizeup.errors import ConfigError


def test_precedence_args_over_env_over_file(tmp_path: Path) -> None:
    cfg = tmp_path / "sizeup.toml"
    cfg.write_text('[sizeup]\ndata_dir = "/from/file"\ntimeout = 5\nsec_user_agent = "A a@b.c"\n')
    env = {"SIZEUP_DATA_DIR": "/from/env"}
    s = load_settings(env=env, toml_path=cfg)
    assert s.data_dir == Path("/from/env")
    assert s.timeout == 5.0 and s.sec_user_agent == "A a@b.c"
    s = load_settings({"data_dir": "/from/arg", "timeout": None}, env=env, toml_path=cfg)
    assert s.data_dir == Path("/from/arg") and s.timeout == 5.0


def test_unknown_key_and_bad_type_are_named(tmp_path: Path) -> None:
    cfg = tmp_path / "sizeup.toml"
    cfg.write_text("[sizeup]\ndata_dri = 1\n")
    with pytest.raises(ConfigError, match=r"unknown key 'data_dri'.*valid keys"):
        load_settings(env={}, toml_path=cfg)
    with pytest.raises(ConfigError, match=r"setting 'timeout': cannot use 'soon'"):
        load_settings(env={"SIZEUP_TIMEOUT": "soon"}, toml_path=tmp_path / "none.toml")


def test_repr_masks_keys() -> None:
    s = Settings(fred_api_key="0123456789abcdef0123456789abcdef")
    assert "0123456789" not in repr(s) and "***" in repr(s)

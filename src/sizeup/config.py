"""Frozen settings: explicit arguments > ``SIZEUP_*`` environment > ``sizeup.toml`` > defaults.

The library never reads configuration on import; callers build a :class:`Settings` with
:func:`load_settings` (the CLI does it once) and pass it down.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

from sizeup.errors import ConfigError

__all__ = ["Settings", "default_data_dir", "load_settings"]

_ENV_PREFIX = "SIZEUP_"
DEFAULT_USER_AGENT = "sizeup/0.1 (+https://github.com/sizeup/sizeup)"


def default_data_dir() -> Path:
    """Return the platform's user data directory for sizeup."""
    return Path(platformdirs.user_data_dir("sizeup", appauthor=False))


@dataclass(frozen=True)
class Settings:
    """Run-time settings.

    Parameters
    ----------
    data_dir
        Folder of the Parquet store.
    user_agent
        User-Agent sent to sources that do not need a contact string.
    sec_user_agent
        ``"Name email"`` contact string SEC EDGAR requires; ``None`` refuses SEC requests.
    fred_api_key
        Optional key for the FRED API (keyless CSV is used without it).
    stooq_api_key
        Optional Stooq key; Stooq is skipped without it.
    timeout
        HTTP timeout in seconds.
    max_retries
        Attempts per request for transient failures.
    """

    data_dir: Path = field(default_factory=default_data_dir)
    user_agent: str = DEFAULT_USER_AGENT
    sec_user_agent: str | None = None
    fred_api_key: str | None = None
    stooq_api_key: str | None = None
    timeout: float = 30.0
    max_retries: int = 4

    def __repr__(self) -> str:
        """Show settings with credentials masked."""
        parts = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name.endswith("_key") and value:
                value = "***"
            parts.append(f"{f.name}={value!r}")
        return f"Settings({', '.join(parts)})"


def _coerce(name: str, value: Any) -> Any:
    kinds = {f.name: f.type for f in fields(Settings)}
    kind = kinds[name]
    try:
        if name == "data_dir":
            return Path(str(value)).expanduser()
        if kind == "float":
            return float(value)
        if kind == "int":
            return int(value)
        return None if value in ("", None) else str(value)
    except (TypeError, ValueError):
        raise ConfigError(f"setting {name!r}: cannot use {value!r} ({kind} expected)") from None


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    toml_path: Path | None = None,
) -> Settings:
    """Build settings from defaults, ``sizeup.toml``, ``SIZEUP_*`` variables and overrides.

    Parameters
    ----------
    overrides
        Explicit values (e.g. CLI options); ``None`` values are ignored.
    env
        Environment to read (default ``os.environ``).
    toml_path
        Config file; default ``$SIZEUP_CONFIG`` or ``./sizeup.toml`` when it exists.

    Raises
    ------
    ConfigError
        Unknown key in the file, unreadable file, or a value of the wrong type.
    """
    env = os.environ if env is None else env
    valid = {f.name for f in fields(Settings)}
    values: dict[str, Any] = {}
    path = toml_path or Path(env.get("SIZEUP_CONFIG", "sizeup.toml"))
    if path.exists():
        try:
            doc = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"config file {path}: cannot read it: {exc}") from exc
        section = doc.get("sizeup", doc)
        for key, value in section.items():
            if key not in valid:
                raise ConfigError(
                    f"config file {path}: unknown key {key!r}; valid keys are {sorted(valid)}"
                )
            values[key] = value
    for name in valid:
        env_value = env.get(_ENV_PREFIX + name.upper())
        if env_value is not None:
            values[name] = env_value
    for key, value in (overrides or {}).items():
        if key not in valid:
            raise ConfigError(f"unknown setting {key!r}; valid settings are {sorted(valid)}")
        if value is not None:
            values[key] = value
    settings = Settings()
    return replace(settings, **{k: _coerce(k, v) for k, v in values.items()})

"""The Connections page's data: configured systems (secrets hidden) and the last pull."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import polars as pl

_SECRET_WORDS: Final = ("password", "secret", "token", "key", "pwd")


def _shown(key: str, value: Any) -> str:
    """A setting as the page may show it: secrets never, env names only."""
    if key.endswith("_env"):
        return f"from environment variable {value}"
    if any(word in key.lower() for word in _SECRET_WORDS):
        return "•••• (hidden)"
    text = str(value)
    if "://" in text and "@" in text:
        # A URL with credentials: keep the scheme and host, drop user:password.
        scheme, _, rest = text.partition("://")
        text = f"{scheme}://••••@{rest.rpartition('@')[2]}"
    return text


def profiles(config: Mapping[str, Any]) -> pl.DataFrame:
    """One row a configured connection: name, system and settings (secrets hidden)."""
    rows = []
    for name, settings in dict(config.get("connections", {})).items():
        settings = dict(settings)
        system = str(settings.pop("system", "?"))
        shown = "; ".join(f"{k} = {_shown(k, v)}" for k, v in sorted(settings.items()))
        rows.append({"connection": name, "system": system, "settings": shown})
    return pl.DataFrame(
        rows, schema={"connection": pl.String, "system": pl.String, "settings": pl.String}
    )


def latest_snapshot(root: Path) -> Path | None:
    """The newest snapshot folder under ``root`` (folder names are UTC timestamps)."""
    if not root.is_dir():
        return None
    folders = sorted(p for p in root.iterdir() if p.is_dir())
    return folders[-1] if folders else None


def snapshot_time(folder: Path) -> datetime | None:
    """When a snapshot was taken, from its folder name (``20260201T093000123456Z``)."""
    try:
        return datetime.strptime(folder.name, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def pull_counts(folder: Path) -> pl.DataFrame:
    """Rows pulled and quarantined per connection and entity in one snapshot."""
    rows = []
    for conn in sorted(p for p in folder.iterdir() if p.is_dir()):
        for file in sorted(conn.glob("*.parquet")):
            if file.name.endswith(".quarantine.parquet"):
                continue
            entity = file.name.removesuffix(".parquet")
            bad = conn / f"{entity}.quarantine.parquet"
            rows.append(
                {
                    "connection": conn.name,
                    "entity": entity,
                    "rows": pl.scan_parquet(file).select(pl.len()).collect().item(),
                    "quarantined": (
                        pl.scan_parquet(bad).select(pl.len()).collect().item()
                        if bad.is_file()
                        else 0
                    ),
                }
            )
    return pl.DataFrame(
        rows,
        schema={
            "connection": pl.String,
            "entity": pl.String,
            "rows": pl.Int64,
            "quarantined": pl.Int64,
        },
    )

"""Pull canonical frames from connections, validate them, and keep them as Parquet.

A snapshot is the evidence behind a batch: the exact rows each system returned,
saved so any proposal can be explained later. Rows that fail validation are
set aside with their reason (quarantine) and reported; the rest go on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from pixissync.connectors.base import Connector
from pixissync.errors import PixisSyncError
from pixissync.model import QUARANTINE_SCHEMA, conform, empty_frame


@dataclass
class Snapshot:
    """Frames pulled in one sync, by (connection, entity), and what was quarantined."""

    folder: Path
    frames: dict[tuple[str, str], pl.DataFrame] = field(default_factory=dict)
    quarantine: dict[tuple[str, str], pl.DataFrame] = field(default_factory=dict)

    @classmethod
    def start(cls, root: Path) -> Snapshot:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        return cls(root / stamp)

    def get(self, name: str, connector: Connector, entity: str) -> pl.DataFrame:
        """The entity from connection ``name``, pulled once per snapshot."""
        key = (name, entity)
        if key not in self.frames:
            if entity not in connector.pulls:
                self.frames[key] = empty_frame(entity)
                return self.frames[key]
            raw = connector.pull(entity)
            valid, bad = conform(entity, raw, source=f"{name}.{entity}")
            reported = getattr(connector, "quarantine", {}).get(entity)
            if isinstance(reported, pl.DataFrame) and reported.height:
                bad = pl.concat([reported.select(list(QUARANTINE_SCHEMA)), bad])
            self.frames[key] = valid
            self.quarantine[key] = bad
            self._save(name, entity, valid, bad)
        return self.frames[key]

    def _save(self, name: str, entity: str, valid: pl.DataFrame, bad: pl.DataFrame) -> None:
        folder = self.folder / name
        try:
            folder.mkdir(parents=True, exist_ok=True)
            valid.write_parquet(folder / f"{entity}.parquet")
            if bad.height:
                bad.write_parquet(folder / f"{entity}.quarantine.parquet")
        except OSError as exc:
            raise PixisSyncError(f"cannot save snapshot in {folder}: {exc}") from exc

    def quarantined(self, name: str, entity: str) -> pl.DataFrame:
        return self.quarantine.get((name, entity), pl.DataFrame(schema=QUARANTINE_SCHEMA))

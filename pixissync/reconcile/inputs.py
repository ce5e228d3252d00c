"""What a reconciliation reads: both systems' frames from one snapshot, and known links.

Decision: by default ``reconcile`` pulls a fresh snapshot through the home's
connectors (saved under ``<home>/snapshots/<stamp>/`` like a sync's, so a saved
reconciliation can always be traced to the exact rows it compared). With
``latest=True`` it reuses the newest snapshot folder that already holds every
entity it needs for both connections (for example one an earlier reconcile
pulled) and pulls nothing; a folder a sync made usually lacks some entities.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import Path

import polars as pl

from pixissync.errors import InputError
from pixissync.home import Home
from pixissync.model import conform, empty_frame
from pixissync.snapshot import Snapshot

ENTITIES: tuple[str, ...] = (
    "customer",
    "job",
    "invoice",
    "payment",
    "payment_application",
    "time_entry",
    "employee",
    "cost_code",
)
_XREF_NAME = pl.Schema({"source_id": pl.String, "target_id": pl.String})


@dataclass(frozen=True)
class Sides:
    """Both systems' frames for one reconciliation, plus the links the store knows.

    ``xrefs`` holds ``field_id, erp_id`` per entity (whichever way the flow runs).
    """

    field: dict[str, pl.DataFrame]
    erp: dict[str, pl.DataFrame]
    field_name: str = "field"
    erp_name: str = "erp"
    snapshot: str = ""
    xrefs: dict[str, pl.DataFrame] = dc_field(default_factory=dict)

    def xref(self, entity: str) -> pl.DataFrame:
        """Known links of ``entity`` as ``field_id, erp_id`` (empty when none)."""
        frame = self.xrefs.get(entity)
        if frame is None:
            return pl.DataFrame(schema={"field_id": pl.String, "erp_id": pl.String})
        return frame


def sides_from_frames(
    field_frames: dict[str, pl.DataFrame],
    erp_frames: dict[str, pl.DataFrame],
    *,
    xrefs: dict[str, pl.DataFrame] | None = None,
    snapshot: str = "",
) -> Sides:
    """Sides from canonical frames (conformed; a missing entity is empty)."""

    def fill(frames: dict[str, pl.DataFrame], side: str) -> dict[str, pl.DataFrame]:
        out: dict[str, pl.DataFrame] = {}
        for entity in ENTITIES:
            raw = frames.get(entity)
            if raw is None:
                out[entity] = empty_frame(entity)
            else:
                out[entity], _bad = conform(entity, raw, source=f"{side}.{entity}")
        return out

    return Sides(
        fill(field_frames, "field"), fill(erp_frames, "erp"), snapshot=snapshot, xrefs=xrefs or {}
    )


def _connections(home: Home) -> tuple[str, str]:
    flow = home.flows.get("invoices")
    if flow is None:
        raise InputError("the home has no invoices flow: reconcile needs to know field and ERP")
    return flow.source, flow.target


def _store_xrefs(home: Home, field_name: str, erp_name: str) -> dict[str, pl.DataFrame]:
    out: dict[str, pl.DataFrame] = {}
    for entity in ("customer", "job", "invoice", "payment"):
        forward = home.store.xrefs(entity, field_name, erp_name).rename(
            {"source_id": "field_id", "target_id": "erp_id"}
        )
        back = home.store.xrefs(entity, erp_name, field_name).rename(
            {"source_id": "erp_id", "target_id": "field_id"}
        )
        out[entity] = pl.concat([forward, back.select("field_id", "erp_id")]).unique()
    return out


def latest_complete_snapshot(root: Path, names: tuple[str, ...]) -> Path | None:
    """The newest snapshot folder holding every entity for every named connection."""
    if not root.is_dir():
        return None
    for folder in sorted((p for p in root.iterdir() if p.is_dir()), reverse=True):
        if all((folder / n / f"{e}.parquet").is_file() for n in names for e in ENTITIES):
            return folder
    return None


def load_sides(home: Home, *, latest: bool = False) -> Sides:
    """Both systems' frames: a fresh snapshot, or the latest complete one if ``latest``.

    Raises:
        InputError: ``latest`` was asked but no snapshot folder holds every entity.
    """
    field_name, erp_name = _connections(home)
    xrefs = _store_xrefs(home, field_name, erp_name)
    if latest:
        folder = latest_complete_snapshot(home.snapshots, (field_name, erp_name))
        if folder is None:
            raise InputError(
                f"no snapshot under {home.snapshots} holds {', '.join(ENTITIES)} for both "
                f"{field_name!r} and {erp_name!r}; run reconcile without --latest to pull one"
            )
        frames = {
            name: {e: pl.read_parquet(folder / name / f"{e}.parquet") for e in ENTITIES}
            for name in (field_name, erp_name)
        }
        return Sides(frames[field_name], frames[erp_name], field_name, erp_name, str(folder), xrefs)
    snap = Snapshot.start(home.snapshots)
    frames = {
        name: {e: snap.get(name, home.connector(name), e) for e in ENTITIES}
        for name in (field_name, erp_name)
    }
    # Entities a connector cannot pull are saved empty too, so the folder is complete.
    for name in (field_name, erp_name):
        for entity in ENTITIES:
            target = snap.folder / name / f"{entity}.parquet"
            if not target.is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                frames[name][entity].write_parquet(target)
    return Sides(
        frames[field_name], frames[erp_name], field_name, erp_name, str(snap.folder), xrefs
    )

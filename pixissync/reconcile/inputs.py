"""What a reconciliation reads: both systems' frames from one snapshot, and known links.

Decision: by default ``reconcile`` pulls a fresh snapshot through the home's
connectors (saved under ``<home>/snapshots/<stamp>/`` like a sync's, so a saved
reconciliation can always be traced to the exact rows it compared). With
``latest=True`` it reuses the newest snapshot an earlier reconcile pulled (the
folder holds ``reconcile.json``: which connection served each entity and which
could not be read) and pulls nothing. A sync's snapshot is not reused: it holds
only what its flows needed, so a tie-out over it would be silently incomplete.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import Path
from typing import Any

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
    missing: frozenset[str] = frozenset()
    """``side.entity`` pairs a connection could not read (their frames are empty)."""

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


_TIME_ENTITIES = frozenset({"time_entry", "employee", "cost_code"})
MANIFEST = "reconcile.json"


def connections_by_entity(home: Home) -> dict[str, dict[str, str]]:
    """Which connection serves each entity on each side, from the home's flows.

    Invoices, customers, jobs and payments come from the invoices flow's two
    connections; time entries, employees and cost codes from the time flow's
    (BuildOps demos take time from another connection than invoices).
    """
    invoices = home.flows.get("invoices")
    if invoices is None:
        raise InputError("the home has no invoices flow: reconcile needs to know field and ERP")
    time = home.flows.get("time") or invoices
    out: dict[str, dict[str, str]] = {"field": {}, "erp": {}}
    for entity in ENTITIES:
        flow = time if entity in _TIME_ENTITIES else invoices
        out["field"][entity], out["erp"][entity] = flow.source, flow.target
    return out


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


def latest_complete_snapshot(root: Path) -> Path | None:
    """The newest snapshot folder an earlier reconcile pulled (it holds ``reconcile.json``)."""
    if not root.is_dir():
        return None
    for folder in sorted((p for p in root.iterdir() if p.is_dir()), reverse=True):
        if (folder / MANIFEST).is_file():
            return folder
    return None


def _read_latest(home: Home) -> tuple[Path, dict[str, Any]]:
    folder = latest_complete_snapshot(home.snapshots)
    if folder is None:
        raise InputError(
            f"no snapshot under {home.snapshots} was pulled by reconcile; "
            "run reconcile without --latest to pull one"
        )
    manifest: dict[str, Any] = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    return folder, manifest


def load_sides(home: Home, *, latest: bool = False) -> Sides:
    """Both systems' frames: a fresh snapshot, or the latest reconcile snapshot if ``latest``.

    An entity a connection cannot read is an empty frame and is listed in
    ``Sides.missing`` (``"field.payment"``), so the tie-out can leave out the
    measures it would falsify instead of showing the whole total as a difference.

    Raises:
        InputError: ``latest`` was asked but no reconcile snapshot exists.
    """
    wiring = connections_by_entity(home)
    field_name, erp_name = wiring["field"]["invoice"], wiring["erp"]["invoice"]
    xrefs = _store_xrefs(home, field_name, erp_name)
    frames: dict[str, dict[str, pl.DataFrame]] = {"field": {}, "erp": {}}
    if latest:
        folder, manifest = _read_latest(home)
        wiring, missing = manifest["connections"], frozenset(manifest["missing"])
        for side, entities in wiring.items():
            for entity, name in entities.items():
                frames[side][entity] = pl.read_parquet(folder / name / f"{entity}.parquet")
    else:
        snap = Snapshot.start(home.snapshots)
        folder = snap.folder
        gaps: set[str] = set()
        for side, entities in wiring.items():
            for entity, name in entities.items():
                connector = home.connector(name)
                if entity not in connector.pulls:
                    gaps.add(f"{side}.{entity}")
                frames[side][entity] = frame = snap.get(name, connector, entity)
                target = folder / name / f"{entity}.parquet"
                if not target.is_file():  # saved empty too, so --latest finds every entity
                    target.parent.mkdir(parents=True, exist_ok=True)
                    frame.write_parquet(target)
        missing = frozenset(gaps)
        manifest = {"connections": wiring, "missing": sorted(missing)}
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return Sides(
        frames["field"],
        frames["erp"],
        field_name,
        erp_name,
        str(folder),
        xrefs,
        missing,
    )

"""Server-side queries the console pages show: overview counts, charts, history.

Everything is aggregated in the database (GROUP BY) or read one page at a time,
so a 50,000-proposal batch costs the page a few small queries, not a full load.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, Final

import polars as pl
import sqlalchemy as sa

from pixissync.flows import FLOW_ORDER, Flow
from pixissync.model import ENTITIES, spec
from pixissync.store import Store
from pixissync.store import schema as t
from pixissync.store.records import AuditEntry, BatchSummary, RunSummary

P = t.proposals

#: Overview columns: one row a flow.
OVERVIEW_SCHEMA: Final[dict[str, pl.DataType]] = {
    "flow": pl.String(),
    "direction": pl.String(),
    "last_run": pl.Datetime("us", "UTC"),
    "last_run_status": pl.String(),
    "synced": pl.Int64(),
    "pending_review": pl.Int64(),
    "approved_not_applied": pl.Int64(),
    "blocked": pl.Int64(),
    "failed": pl.Int64(),
    "linked": pl.Int64(),
    "unlinked_source": pl.Int64(),
    "unlinked_target": pl.Int64(),
}


def data_version(store: Store) -> str:
    """A token that changes whenever the store's data does (keys the console's caches).

    Every decision, edit, apply outcome, saved batch and user change writes an
    audit line, and runs are counted as they start and finish; three indexed
    aggregates, about a millisecond, instead of trusting a cache's TTL.
    """
    audit, runs = t.audit_log, t.runs
    query = sa.select(
        sa.select(sa.func.max(audit.c.id)).scalar_subquery(),
        sa.select(sa.func.max(runs.c.id)).scalar_subquery(),
        sa.select(sa.func.count()).where(runs.c.finished_at.is_not(None)).scalar_subquery(),
    )
    with store.engine.connect() as conn:
        row = conn.execute(query).one()
    return ":".join(str(v or 0) for v in row)


def _bucket() -> pl.Expr:
    """The overview column a proposal counts in, from its status and action."""
    status, action = pl.col("status"), pl.col("action")
    return (
        pl.when(status == "applied")
        .then(pl.lit("synced"))
        .when(status == "failed")
        .then(pl.lit("failed"))
        .when((status == "blocked") | ((action == "exception") & (status == "pending")))
        .then(pl.lit("blocked"))
        .when(status == "pending")
        .then(pl.lit("pending_review"))
        .when(status.is_in(["approved", "applying"]))
        .then(pl.lit("approved_not_applied"))
        .otherwise(pl.lit("other"))
    )


def status_counts(store: Store, batch_id: int | None = None) -> pl.DataFrame:
    """Proposals counted by flow, status and action (one GROUP BY in the database)."""
    query = sa.select(P.c.flow, P.c.status, P.c.action, sa.func.count().label("count")).group_by(
        P.c.flow, P.c.status, P.c.action
    )
    if batch_id is not None:
        query = query.where(P.c.batch_id == batch_id)
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
    return pl.DataFrame(
        rows,
        schema={"flow": pl.String, "status": pl.String, "action": pl.String, "count": pl.Int64},
    )


@dataclass(frozen=True)
class LinkCounts:
    """How many records of a flow are linked, and how many on each side are not."""

    linked: int
    unlinked_source: int | None
    unlinked_target: int | None


def _snapshot_ids(snapshot: str | None, connection: str, entity: str) -> pl.Series | None:
    if not snapshot or entity not in ENTITIES:
        return None
    path = Path(snapshot) / connection / f"{entity}.parquet"
    if not path.is_file():
        return None
    id_col = spec(entity).id_column
    return pl.scan_parquet(path).select(pl.col(id_col).cast(pl.String)).collect().to_series()


def link_counts(store: Store, flow: Flow, snapshot: str | None) -> LinkCounts:
    """Linked records (xrefs) and, from the latest snapshot, the unlinked ones per side."""
    links = store.xrefs(flow.entity, flow.source, flow.target)
    source_ids = _snapshot_ids(snapshot, flow.source, flow.entity)
    target_ids = _snapshot_ids(snapshot, flow.target, flow.entity)
    unlinked_source = (
        None if source_ids is None else int((~source_ids.is_in(links["source_id"])).sum())
    )
    unlinked_target = (
        None if target_ids is None else int((~target_ids.is_in(links["target_id"])).sum())
    )
    return LinkCounts(links.height, unlinked_source, unlinked_target)


def latest_batches(store: Store) -> dict[str, BatchSummary]:
    """The newest batch of each flow."""
    latest: dict[str, BatchSummary] = {}
    for batch in store.batches():
        latest.setdefault(batch.flow, batch)
    return latest


def overview(store: Store, flows: Mapping[str, Flow]) -> pl.DataFrame:
    """One row a flow: last run, proposals by review state, linked and unlinked records."""
    counts = status_counts(store)
    buckets = (
        counts.with_columns(_bucket().alias("bucket"))
        .group_by("flow", "bucket")
        .agg(pl.col("count").sum())
    )
    per_flow: dict[str, dict[str, int]] = {}
    for row in buckets.iter_rows(named=True):
        per_flow.setdefault(row["flow"], {})[row["bucket"]] = row["count"]
    latest = latest_batches(store)
    rows: list[dict[str, Any]] = []
    names = [n for n in FLOW_ORDER if n in flows] + [n for n in flows if n not in FLOW_ORDER]
    for name in names:
        flow = flows[name]
        runs = store.runs(flow=name, limit=1)
        run = runs[0] if runs else None
        batch = latest.get(name)
        links = link_counts(store, flow, batch.snapshot if batch else None)
        got = per_flow.get(name, {})
        rows.append(
            {
                "flow": name,
                "direction": flow.direction,
                "last_run": run.started_at if run else None,
                "last_run_status": run.status if run else "never run",
                **{k: got.get(k, 0) for k in ("synced", "pending_review")},
                "approved_not_applied": got.get("approved_not_applied", 0),
                "blocked": got.get("blocked", 0),
                "failed": got.get("failed", 0),
                "linked": links.linked,
                "unlinked_source": links.unlinked_source,
                "unlinked_target": links.unlinked_target,
            }
        )
    return pl.DataFrame(rows, schema=OVERVIEW_SCHEMA)


def attention(frame: pl.DataFrame) -> list[str]:
    """What needs attention first, most urgent first, in plain words."""
    notes: list[str] = []
    for row in frame.iter_rows(named=True):
        if row["last_run_status"] == "failed":
            notes.append(f"{row['flow']}: the last run failed; see History.")
    for row in frame.sort("failed", descending=True).iter_rows(named=True):
        if row["failed"]:
            notes.append(f"{row['flow']}: {row['failed']:,} proposal(s) failed to apply.")
    for row in frame.sort("blocked", descending=True).iter_rows(named=True):
        if row["blocked"]:
            notes.append(
                f"{row['flow']}: {row['blocked']:,} exception(s) need fixing in the target system."
            )
    for row in frame.sort("approved_not_applied", descending=True).iter_rows(named=True):
        if row["approved_not_applied"]:
            notes.append(
                f"{row['flow']}: {row['approved_not_applied']:,} approved, not yet applied."
            )
    for row in frame.sort("pending_review", descending=True).iter_rows(named=True):
        if row["pending_review"]:
            notes.append(f"{row['flow']}: {row['pending_review']:,} proposal(s) wait for review.")
    return notes


def batch_trend(batches: Sequence[BatchSummary]) -> pl.DataFrame:
    """Proposals per batch over time, oldest first, for a per-flow bar chart.

    ``batch`` is a sortable text label (``2026-02-01 09:30 #12``) so one batch is
    one bar even when several flows ran in the same minute.
    """
    frame = pl.DataFrame(
        [
            {
                "batch": f"{b.created_at:%Y-%m-%d %H:%M} #{b.id}",
                "created_at": b.created_at,
                "flow": b.flow,
                "proposals": b.total,
            }
            for b in batches
        ],
        schema={
            "batch": pl.String,
            "created_at": pl.Datetime("us", "UTC"),
            "flow": pl.String,
            "proposals": pl.Int64,
        },
    )
    return frame.sort("created_at")


def first_to_review(batches: Sequence[BatchSummary]) -> int:
    """Index of the batch to open first: the parent-most flow with proposals pending.

    Customers come before jobs, jobs before invoices (children wait for their
    parents), and within a flow the newest batch; else the newest batch of all.
    """
    order = {name: n for n, name in enumerate(FLOW_ORDER)}
    waiting = [
        (order.get(b.flow, len(order)), -b.id, n)
        for n, b in enumerate(batches)
        if b.by_status.get("pending", 0)
    ]
    return min(waiting)[2] if waiting else 0


def batch_label(batch: BatchSummary) -> str:
    """``#12 customers · 2026-02-01 09:30 UTC · open · 3,000 proposals (2,950 pending)``."""
    pending = batch.by_status.get("pending", 0)
    return (
        f"#{batch.id} {batch.flow} · {batch.created_at:%Y-%m-%d %H:%M} UTC · {batch.status} · "
        f"{batch.total:,} proposals ({pending:,} pending)"
    )


def score_histogram(store: Store, batch_id: int, *, bins: int = 20) -> pl.DataFrame:
    """Scored proposals of a batch counted per score band (computed in the database)."""
    width = 1.0 / bins
    band = sa.func.floor(P.c.score / width)
    query = (
        sa.select(band.label("band"), sa.func.count().label("pairs"))
        .where(P.c.batch_id == batch_id, P.c.score.is_not(None))
        .group_by(band)
    )
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
    counts = pl.DataFrame(rows, schema={"band": pl.Float64, "pairs": pl.Int64})
    counts = counts.with_columns(pl.col("band").clip(0, bins - 1).cast(pl.Int64))
    full = pl.DataFrame({"band": list(range(bins))}, schema={"band": pl.Int64})
    return (
        full.join(counts.group_by("band").agg(pl.col("pairs").sum()), on="band", how="left")
        .with_columns(
            pl.col("pairs").fill_null(0),
            (pl.col("band") * width).round(3).alias("score_from"),
        )
        .select("score_from", "pairs")
    )


def runs_frame(runs: Sequence[RunSummary]) -> pl.DataFrame:
    """Runs as a table; the counts become one readable text column."""
    return pl.DataFrame(
        [
            {
                "run": r.id,
                "flow": r.flow,
                "trigger": r.trigger,
                "started_at": r.started_at,
                "finished_at": r.finished_at,
                "status": r.status,
                "counts": ", ".join(f"{k} {v:,}" for k, v in sorted(r.counts.items())),
                "message": r.message,
            }
            for r in runs
        ],
        schema={
            "run": pl.Int64,
            "flow": pl.String,
            "trigger": pl.String,
            "started_at": pl.Datetime("us", "UTC"),
            "finished_at": pl.Datetime("us", "UTC"),
            "status": pl.String,
            "counts": pl.String,
            "message": pl.String,
        },
    )


def _compact(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Mapping):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return str(value)


def audit_frame(entries: Sequence[AuditEntry]) -> pl.DataFrame:
    """Audit entries as a table: who, when, what, before and after."""
    return pl.DataFrame(
        [
            {
                "at": e.at,
                "actor": e.actor,
                "action": e.action,
                "batch": e.batch_id,
                "proposal": e.proposal_id,
                "entity": e.entity,
                "before": _compact(e.before),
                "after": _compact(e.after),
                "message": e.message,
            }
            for e in entries
        ],
        schema={
            "at": pl.Datetime("us", "UTC"),
            "actor": pl.String,
            "action": pl.String,
            "batch": pl.Int64,
            "proposal": pl.Int64,
            "entity": pl.String,
            "before": pl.String,
            "after": pl.String,
            "message": pl.String,
        },
    )


def since_start(day: date | None) -> datetime | None:
    """A date picked in the console as the start of that day in UTC."""
    if isinstance(day, date):
        return datetime.combine(day, time.min, tzinfo=UTC)
    return None

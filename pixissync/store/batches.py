"""Runs, batches and proposal queries: what the planner saves and the console lists."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pixissync.errors import InputError
from pixissync.proposal import Proposal
from pixissync.store import schema as t
from pixissync.store.core import (
    CHUNK,
    StoreCore,
    audit_from_row,
    dumps_json,
    preflight_json,
    proposal_from_row,
)
from pixissync.store.records import (
    AuditEntry,
    BatchSummary,
    NotFound,
    RunSummary,
    StoredProposal,
)

P = t.proposals


def proposal_filter(
    batch_id: int,
    *,
    flow: str | None = None,
    action: str | Sequence[str] | None = None,
    status: str | Sequence[str] | None = None,
    min_score: float | None = None,
    max_score: float | None = None,
    preflight: bool | None = None,
    text: str | None = None,
    ids: Sequence[int] | None = None,
) -> list[sa.ColumnElement[bool]]:
    """WHERE clauses for the console's proposal filter (all optional but the batch)."""
    where: list[sa.ColumnElement[bool]] = [P.c.batch_id == batch_id]
    if flow:
        where.append(P.c.flow == flow)
    if action:
        where.append(P.c.action.in_([action] if isinstance(action, str) else list(action)))
    if status:
        where.append(P.c.status.in_([status] if isinstance(status, str) else list(status)))
    if min_score is not None:
        where.append(P.c.score >= min_score)
    if max_score is not None:
        where.append(P.c.score <= max_score)
    if preflight is not None:
        where.append(P.c.has_preflight.is_(preflight))
    if text:
        needle = text.strip()
        where.append(
            sa.or_(
                *(
                    col.icontains(needle, autoescape=True)
                    for col in (P.c.summary, P.c.source_id, P.c.target_id, P.c.reference)
                )
            )
        )
    if ids is not None:
        where.append(P.c.id.in_(list(ids)))
    return where


def _proposal_row(batch_id: int, p: Proposal, now: datetime, actor: str) -> dict[str, Any]:
    return {
        "batch_id": batch_id,
        "flow": p.flow,
        "entity": p.entity,
        "action": p.action,
        "status": p.status,
        "source_system": p.source_system,
        "source_id": str(p.source_id),
        "target_system": p.target_system,
        "target_id": None if p.target_id is None else str(p.target_id),
        "reference": p.reference,
        "idempotency_key": p.idempotency_key,
        "values": p.values,
        "diff": p.diff,
        "score": p.score,
        "decision": p.decision,
        "explanation": p.explanation,
        "parents": p.parents,
        "depends_on": list(p.depends_on),
        "preflight": preflight_json(p.preflight),
        "has_preflight": bool(p.preflight),
        "summary": p.summary,
        "attempts": 0,
        "retriable": False,
        "version": 1,
        "updated_at": now,
        "updated_by": actor,
    }


_JSON_COLUMNS: Final = frozenset(
    {"values", "diff", "explanation", "parents", "depends_on", "preflight"}
)


def _copy_proposals(conn: Connection, rows: Iterable[dict[str, Any]]) -> None:
    """Bulk-load proposals with PostgreSQL's COPY (several times faster than INSERT)."""
    columns = list(_proposal_row(0, _EMPTY, t.utcnow(), ""))
    quoted = ", ".join(f'"{c}"' for c in columns)
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cursor, cursor.copy(f"COPY proposals ({quoted}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([dumps_json(row[c]) if c in _JSON_COLUMNS else row[c] for c in columns])


_EMPTY: Final = Proposal(
    flow="",
    entity="",
    action="create",
    source_system="",
    source_id="",
    target_system="",
    reference="",
    idempotency_key="",
)


class BatchesMixin(StoreCore):
    """Runs, batches, proposal listing and the audit log."""

    # -- runs ---------------------------------------------------------------

    def start_run(self, flow: str, trigger: str) -> int:
        """Record the start of a run of ``flow`` (``trigger``: cli, schedule, console...)."""
        with self._write() as conn:
            return int(
                conn.execute(
                    t.runs.insert()
                    .values(
                        flow=flow,
                        trigger=trigger,
                        started_at=t.utcnow(),
                        status="running",
                        counts={},
                        message="",
                    )
                    .returning(t.runs.c.id)
                ).scalar_one()
            )

    def finish_run(
        self, run_id: int, status: str, counts: Mapping[str, int], message: str = ""
    ) -> None:
        """Record how a run ended (``ok``, ``failed``, ``skipped``...) and what it counted."""
        with self._write() as conn:
            done = conn.execute(
                t.runs.update()
                .where(t.runs.c.id == run_id)
                .values(
                    finished_at=t.utcnow(),
                    status=status,
                    counts={str(k): int(v) for k, v in counts.items()},
                    message=message,
                )
            )
            if done.rowcount == 0:
                raise NotFound(f"run {run_id} does not exist")

    def runs(self, flow: str | None = None, limit: int = 50) -> list[RunSummary]:
        """The latest runs, newest first."""
        query = sa.select(t.runs).order_by(t.runs.c.id.desc()).limit(limit)
        if flow:
            query = query.where(t.runs.c.flow == flow)
        with self._read() as conn:
            return [
                RunSummary(
                    id=r["id"],
                    flow=r["flow"],
                    trigger=r["trigger"],
                    started_at=r["started_at"],
                    finished_at=r["finished_at"],
                    status=r["status"],
                    counts=dict(r["counts"] or {}),
                    message=r["message"],
                )
                for r in conn.execute(query).mappings()
            ]

    # -- batches ------------------------------------------------------------

    def save_batch(
        self,
        run_id: int | None,
        flow: str,
        proposals: Sequence[Proposal],
        *,
        snapshot: str | None = None,
        actor: str = "system",
    ) -> int:
        """Save a planned batch and its proposals in one transaction; return the batch id.

        Raises:
            InputError: two proposals share an idempotency key (names both).
        """
        seen: dict[str, int] = {}
        for n, p in enumerate(proposals):
            first = seen.setdefault(p.idempotency_key, n)
            if first != n:
                raise InputError(
                    f"proposals #{first} and #{n} ({p.entity} {p.source_id}) share "
                    f"idempotency key {p.idempotency_key}",
                    column="idempotency_key",
                    row=n,
                )
        counts = Counter(f"{p.action}" for p in proposals)
        now = t.utcnow()
        with self._write() as conn:
            batch_id = int(
                conn.execute(
                    t.batches.insert()
                    .values(
                        run_id=run_id,
                        flow=flow,
                        created_at=now,
                        status="open",
                        snapshot=snapshot,
                        counts=dict(counts),
                    )
                    .returning(t.batches.c.id)
                ).scalar_one()
            )
            if self.dialect == "postgresql":
                _copy_proposals(conn, (_proposal_row(batch_id, p, now, actor) for p in proposals))
            else:
                for start in range(0, len(proposals), CHUNK):
                    rows = [
                        _proposal_row(batch_id, p, now, actor)
                        for p in proposals[start : start + CHUNK]
                    ]
                    conn.execute(P.insert(), rows)
            self._audit(
                conn,
                actor=actor,
                action="batch.saved",
                batch_id=batch_id,
                after={"flow": flow, "proposals": len(proposals), "by_action": dict(counts)},
                message=f"{len(proposals)} proposals planned for {flow}",
            )
        return batch_id

    def batches(self, flow: str | None = None, status: str | None = None) -> list[BatchSummary]:
        """Batches, newest first, with their proposal counts by status and action."""
        query = sa.select(t.batches).order_by(t.batches.c.id.desc())
        if flow:
            query = query.where(t.batches.c.flow == flow)
        if status:
            query = query.where(t.batches.c.status == status)
        with self._read() as conn:
            rows = list(conn.execute(query).mappings())
            return [self._summary(conn, r) for r in rows]

    def batch(self, batch_id: int) -> BatchSummary:
        """One batch with its counts; :class:`NotFound` if there is none."""
        with self._read() as conn:
            row = (
                conn.execute(sa.select(t.batches).where(t.batches.c.id == batch_id))
                .mappings()
                .first()
            )
            if row is None:
                raise NotFound(f"batch {batch_id} does not exist")
            return self._summary(conn, row)

    def _summary(self, conn: Connection, row: Any) -> BatchSummary:
        by_status: Counter[str] = Counter()
        by_action: Counter[str] = Counter()
        grouped = conn.execute(
            sa.select(P.c.status, P.c.action, sa.func.count())
            .where(P.c.batch_id == row["id"])
            .group_by(P.c.status, P.c.action)
        )
        for status, action, n in grouped:
            by_status[status] += n
            by_action[action] += n
        return BatchSummary(
            id=row["id"],
            run_id=row["run_id"],
            flow=row["flow"],
            created_at=row["created_at"],
            status=row["status"],
            snapshot=row["snapshot"],
            total=sum(by_status.values()),
            by_status=dict(by_status),
            by_action=dict(by_action),
        )

    def set_batch_status(self, batch_id: int, status: str) -> None:
        """Mark a batch ``open``, ``applying``, ``applied`` or ``partly_applied``."""
        with self._write() as conn:
            conn.execute(t.batches.update().where(t.batches.c.id == batch_id).values(status=status))

    # -- proposals ----------------------------------------------------------

    def proposals(
        self,
        batch_id: int,
        *,
        flow: str | None = None,
        action: str | Sequence[str] | None = None,
        status: str | Sequence[str] | None = None,
        min_score: float | None = None,
        max_score: float | None = None,
        preflight: bool | None = None,
        text: str | None = None,
        offset: int = 0,
        limit: int | None = 100,
    ) -> tuple[list[StoredProposal], int]:
        """One page of a batch's proposals matching the filter, and how many match in all."""
        where = proposal_filter(
            batch_id,
            flow=flow,
            action=action,
            status=status,
            min_score=min_score,
            max_score=max_score,
            preflight=preflight,
            text=text,
        )
        page = sa.select(P).where(*where).order_by(P.c.id).offset(offset)
        if limit is not None:
            page = page.limit(limit)
        with self._read() as conn:
            total = conn.execute(sa.select(sa.func.count()).select_from(P).where(*where))
            count = int(total.scalar_one())
            return [proposal_from_row(r) for r in conn.execute(page).mappings()], count

    def proposal(self, proposal_id: int) -> StoredProposal:
        """One proposal; :class:`NotFound` if there is none."""
        with self._read() as conn:
            return self._get_proposal(conn, proposal_id)

    def _get_proposal(self, conn: Connection, proposal_id: int) -> StoredProposal:
        row = conn.execute(sa.select(P).where(P.c.id == proposal_id)).mappings().first()
        if row is None:
            raise NotFound(f"proposal {proposal_id} does not exist")
        return proposal_from_row(row)

    # -- audit --------------------------------------------------------------

    def audit(
        self,
        *,
        actor: str,
        action: str,
        message: str = "",
        batch_id: int | None = None,
        proposal_id: int | None = None,
        entity: str | None = None,
        before: Any = None,
        after: Any = None,
    ) -> None:
        """Add one line to the audit log."""
        with self._write() as conn:
            self._audit(
                conn,
                actor=actor,
                action=action,
                message=message,
                batch_id=batch_id,
                proposal_id=proposal_id,
                entity=entity,
                before=before,
                after=after,
            )

    def audit_log(
        self,
        *,
        actor: str | None = None,
        action: str | None = None,
        since: datetime | None = None,
        batch_id: int | None = None,
        proposal_id: int | None = None,
        limit: int | None = 100,
        offset: int = 0,
    ) -> tuple[list[AuditEntry], int]:
        """Audit lines, newest first, and how many match in all."""
        a = t.audit_log
        where: list[sa.ColumnElement[bool]] = []
        if actor:
            where.append(a.c.actor == actor)
        if action:
            # ``approve`` finds ``approve`` and ``approve.bulk``-style prefixes alike.
            where.append(sa.or_(a.c.action == action, a.c.action.startswith(f"{action}.")))
        if since is not None:
            where.append(a.c.at >= since)
        if batch_id is not None:
            where.append(a.c.batch_id == batch_id)
        if proposal_id is not None:
            where.append(a.c.proposal_id == proposal_id)
        page = sa.select(a).where(*where).order_by(a.c.id.desc()).offset(offset)
        if limit is not None:
            page = page.limit(limit)
        with self._read() as conn:
            total = int(
                conn.execute(sa.select(sa.func.count()).select_from(a).where(*where)).scalar_one()
            )
            return [audit_from_row(r) for r in conn.execute(page).mappings()], total

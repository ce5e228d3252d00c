"""Saved reconciliations: kept exactly as computed, signed off once, never rewritten.

Roles (checked here, server-side, whatever face calls): a *reviewer* may save a
reconciliation with a note; only an *admin* (the controller) may sign one off.
A signed-off reconciliation cannot be signed off again or changed; re-running
the period makes a new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl
import sqlalchemy as sa

from pixissync.errors import InputError
from pixissync.reconcile.invoices import AMOUNT
from pixissync.reconcile.tie_out import EXCEPTION_SCHEMA, SUMMARY_SCHEMA, Reconciliation
from pixissync.store import Store, User
from pixissync.store.reconcile_tables import reconciliations as R
from pixissync.store.records import NotFound
from pixissync.store.schema import utcnow

_FRAMES = ("summary", "exceptions", "by_customer", "by_job", "hours_by_job", "aging")
_AMOUNT_COLUMNS = {
    "field_total",
    "erp_total",
    "difference",
    "balance",
    "field_hours",
    "erp_hours",
}


@dataclass(frozen=True)
class SavedReconciliation:
    """One saved reconciliation and its sign-off state."""

    id: int
    period: str
    snapshot: str
    created_at: datetime
    created_by: str
    note: str
    signed_off_at: datetime | None
    signed_off_by: str | None
    signoff_note: str | None
    result: Reconciliation | None = None

    @property
    def signed_off(self) -> bool:
        return self.signed_off_at is not None


def _encode(rec: Reconciliation) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(rec, name).to_dicts() for name in _FRAMES}
    data["notes"] = list(rec.notes)
    return data


def _decode_frame(name: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    if name == "summary":
        schema = SUMMARY_SCHEMA
    elif name == "exceptions":
        schema = EXCEPTION_SCHEMA
    else:
        columns = list(rows[0]) if rows else []
        schema = pl.Schema({c: (AMOUNT if c in _AMOUNT_COLUMNS else pl.String()) for c in columns})
    text = pl.DataFrame(rows, schema={c: pl.String() for c in schema}, orient="row")
    # JSON kept money and dates as exact text; read them back into their types.
    return text.select(
        pl.col(c).str.to_date() if dtype == pl.Date() else pl.col(c).cast(dtype)
        for c, dtype in schema.items()
    )


def save_reconciliation(store: Store, rec: Reconciliation, *, user: User, note: str = "") -> int:
    """Keep ``rec`` in the history; return its id. Needs the reviewer role."""
    user.require("save_reconciliation")
    with store._write() as conn:
        new_id = conn.execute(
            R.insert()
            .values(
                period=rec.period,
                snapshot=rec.snapshot,
                created_at=utcnow(),
                created_by=user.name,
                note=note,
                result=_encode(rec),
            )
            .returning(R.c.id)
        ).scalar_one()
        store._audit(
            conn,
            actor=user.name,
            action="reconciliation.save",
            entity="reconciliation",
            after={"id": new_id, "period": rec.period},
            message=note,
        )
    return int(new_id)


def _row_to_saved(row: Any, with_result: bool) -> SavedReconciliation:
    result = None
    if with_result:
        data = row.result
        frames = {name: _decode_frame(name, data.get(name, [])) for name in _FRAMES}
        result = Reconciliation(
            period=row.period,
            snapshot=row.snapshot,
            notes=tuple(data.get("notes", [])),
            **frames,
        )
    return SavedReconciliation(
        id=int(row.id),
        period=row.period,
        snapshot=row.snapshot,
        created_at=row.created_at,
        created_by=row.created_by,
        note=row.note,
        signed_off_at=row.signed_off_at,
        signed_off_by=row.signed_off_by,
        signoff_note=row.signoff_note,
        result=result,
    )


def saved_reconciliations(store: Store, period: str | None = None) -> list[SavedReconciliation]:
    """The history, newest first (without the stored results)."""
    query = sa.select(R).order_by(R.c.id.desc())
    if period:
        query = query.where(R.c.period == period)
    with store._read() as conn:
        return [_row_to_saved(r, False) for r in conn.execute(query)]


def load_reconciliation(store: Store, rec_id: int) -> SavedReconciliation:
    """One saved reconciliation with its result exactly as saved."""
    with store._read() as conn:
        row = conn.execute(sa.select(R).where(R.c.id == rec_id)).one_or_none()
    if row is None:
        raise NotFound(f"no saved reconciliation {rec_id}")
    return _row_to_saved(row, True)


def sign_off(store: Store, rec_id: int, *, user: User, note: str) -> SavedReconciliation:
    """Sign off a saved reconciliation with a note. Needs the admin role; only once."""
    user.require("sign_off")
    if not note.strip():
        raise InputError(f"reconciliation {rec_id}: a sign-off needs a note")
    with store._write() as conn:
        done = conn.execute(
            R.update()
            .where(R.c.id == rec_id, R.c.signed_off_at.is_(None))
            .values(signed_off_at=utcnow(), signed_off_by=user.name, signoff_note=note)
        )
        if done.rowcount != 1:
            exists = conn.execute(sa.select(R.c.signed_off_by).where(R.c.id == rec_id)).first()
            if exists is None:
                raise NotFound(f"no saved reconciliation {rec_id}")
            raise InputError(
                f"reconciliation {rec_id} was already signed off by {exists[0]}; "
                "it is kept unchanged (reconcile the period again for a new one)"
            )
        store._audit(
            conn,
            actor=user.name,
            action="reconciliation.sign_off",
            entity="reconciliation",
            after={"id": rec_id},
            message=note,
        )
    return load_reconciliation(store, rec_id)

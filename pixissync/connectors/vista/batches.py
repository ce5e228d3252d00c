"""Vista batch lifecycle: open (or reuse) an HQBC batch, claim it, release it.

Vista takes AR invoices and timecards only through batches (reference: "Writes via
batches"). ``bspHQBCInsert`` adds a ``bHQBC`` row with ``Status 0`` and
``InUseBy = SUSER_SNAME()``; batch rows go into ``bARBH``/``bARBL`` or ``bPRTB``;
``bspHQBCExitCheck`` clears ``InUseBy`` when the user leaves the batch so someone
else can open it. We do the same with plain inserts and updates (each of which
compiles for SQL Server), and leave the batch *open* for a Vista user to
validate and post. We reuse our own open batch for the same month (and pay
period) rather than opening one per proposal, as Agave does for PR batches.

Validation and posting are the site's choice: :class:`BatchProcedures` calls
``bspARBHVal``/``bspARBHPost`` (or the PR ones) on SQL Server; the sandbox
supplies an emulation with the same status transitions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pixissync.connectors.vista.tables import bHQBC, bHQBE
from pixissync.errors import PermanentError, TransientError

OPEN, VALIDATING, ERRORS, VALIDATED, POSTING, POSTED, CANCELLED = range(7)
STATUS_WORDS = {
    OPEN: "open",
    VALIDATING: "validation in progress",
    ERRORS: "validation errors",
    VALIDATED: "validated",
    POSTING: "posting in progress",
    POSTED: "posted",
    CANCELLED: "cancelled",
}
# Marks the batches PixisSync opened, so we only ever reuse our own.
OUR_MARK = "pixissync"


@dataclass(frozen=True)
class BatchKey:
    """``(Co, Mth, BatchId)``: how Vista names a batch."""

    co: int
    mth: date
    batch_id: int

    def __str__(self) -> str:
        return f"{self.co}/{self.mth:%Y-%m}/{self.batch_id}"


@dataclass(frozen=True)
class BatchSpec:
    """What kind of batch a write needs."""

    co: int
    mth: date
    source: str  # 'AR Invoice' | 'PR Entry'
    table_name: str  # 'ARBH' | 'PRTB'
    pr_group: int | None = None
    pr_end_date: date | None = None


def first_of_month(day: date) -> date:
    """Vista batch months are the first day of the month."""
    return day.replace(day=1)


def next_month(mth: date) -> date:
    """The first of the month after ``mth``."""
    return date(mth.year + (mth.month // 12), mth.month % 12 + 1, 1)


def claim_batch(conn: Connection, spec: BatchSpec, user: str, today: date) -> BatchKey:
    """Claim our open batch of this kind (setting ``InUseBy``), opening one if none is free.

    Raises:
        TransientError: when every open batch of ours is in use by someone else
            and a new one cannot be numbered (a concurrent writer took the id).
    """
    where = [
        bHQBC.c.Co == spec.co,
        bHQBC.c.Mth == spec.mth,
        bHQBC.c.Source == spec.source,
        bHQBC.c.TableName == spec.table_name,
        bHQBC.c.Status == OPEN,
        bHQBC.c.udPixisRef == OUR_MARK,
    ]
    if spec.pr_group is not None:
        where += [bHQBC.c.PRGroup == spec.pr_group, bHQBC.c.PREndDate == spec.pr_end_date]
    free = conn.execute(
        sa.select(bHQBC.c.BatchId)
        .where(*where, bHQBC.c.InUseBy.is_(None))
        .order_by(bHQBC.c.BatchId)
        .limit(1)
    ).scalar_one_or_none()
    if free is not None:
        # Guarded update: if a Vista user opened the batch meanwhile, nothing changes.
        claimed = conn.execute(
            sa.update(bHQBC)
            .where(
                bHQBC.c.Co == spec.co,
                bHQBC.c.Mth == spec.mth,
                bHQBC.c.BatchId == free,
                bHQBC.c.Status == OPEN,
                bHQBC.c.InUseBy.is_(None),
            )
            .values(InUseBy=user)
        )
        if claimed.rowcount == 1:
            return BatchKey(spec.co, spec.mth, int(free))
    return open_batch(conn, spec, user, today)


def open_batch(conn: Connection, spec: BatchSpec, user: str, today: date) -> BatchKey:
    """Add an ``HQBC`` row the way ``bspHQBCInsert`` does (Status 0, in use by us)."""
    last = conn.execute(
        sa.select(sa.func.max(bHQBC.c.BatchId)).where(
            bHQBC.c.Co == spec.co, bHQBC.c.Mth == spec.mth
        )
    ).scalar_one_or_none()
    batch_id = int(last or 0) + 1
    try:
        conn.execute(
            sa.insert(bHQBC).values(
                Co=spec.co,
                Mth=spec.mth,
                BatchId=batch_id,
                Source=spec.source,
                TableName=spec.table_name,
                InUseBy=user,
                DateCreated=today,
                CreatedBy=user,
                Status=OPEN,
                Rstrict="N",
                Adjust="N",
                PRGroup=spec.pr_group,
                PREndDate=spec.pr_end_date,
                udPixisRef=OUR_MARK,
            )
        )
    except sa.exc.IntegrityError as exc:
        raise TransientError(
            f"batch {spec.co}/{spec.mth:%Y-%m}/{batch_id} was numbered by another user at the "
            "same moment; retry",
            system_message=str(exc.orig),
        ) from exc
    return BatchKey(spec.co, spec.mth, batch_id)


def release_batch(conn: Connection, key: BatchKey, user: str) -> None:
    """Clear ``InUseBy`` as ``bspHQBCExitCheck`` does, so a Vista user can open the batch."""
    conn.execute(
        sa.update(bHQBC)
        .where(
            bHQBC.c.Co == key.co,
            bHQBC.c.Mth == key.mth,
            bHQBC.c.BatchId == key.batch_id,
            bHQBC.c.InUseBy == user,
        )
        .values(InUseBy=None)
    )


def batch_status(conn: Connection, key: BatchKey) -> tuple[int, str | None]:
    """``(Status, InUseBy)`` of a batch; PermanentError when it does not exist."""
    row = conn.execute(
        sa.select(bHQBC.c.Status, bHQBC.c.InUseBy).where(
            bHQBC.c.Co == key.co, bHQBC.c.Mth == key.mth, bHQBC.c.BatchId == key.batch_id
        )
    ).one_or_none()
    if row is None:
        raise PermanentError(f"batch {key} does not exist in bHQBC")
    return int(row.Status), row.InUseBy


def batch_errors(conn: Connection, key: BatchKey) -> list[str]:
    """The validation errors Vista recorded for a batch in ``bHQBE``."""
    rows = conn.execute(
        sa.select(bHQBE.c.Seq, bHQBE.c.ErrorText)
        .where(bHQBE.c.Co == key.co, bHQBE.c.Mth == key.mth, bHQBE.c.BatchId == key.batch_id)
        .order_by(bHQBE.c.Seq)
    ).all()
    return [f"seq {r.Seq}: {r.ErrorText}" for r in rows]


class BatchProcedures(Protocol):
    """Validation and posting, as the site allows (Vista's procedures or an emulation)."""

    def validate(self, conn: Connection, key: BatchKey, source: str) -> int:
        """Validate the batch; return the resulting HQBC status (3 ok, 2 errors)."""
        ...

    def post(self, conn: Connection, key: BatchKey, source: str, post_date: date) -> int:
        """Post a validated batch; return the resulting HQBC status (5 posted)."""
        ...


_VALIDATE = {"AR Invoice": "bspARBHVal", "PR Entry": "bspPRTBVal"}
_POST = {"AR Invoice": "bspARBHPost", "PR Entry": "bspPRTBPost"}


class SqlServerProcedures:
    """Calls Vista's own validation and posting procedures (same login that opened the batch).

    The procedures' parameter lists differ between Vista releases; these are the
    common leading ones (``@co, @mth, @batchid, @source``) and ``@errmsg`` output.
    """

    def validate(self, conn: Connection, key: BatchKey, source: str) -> int:
        self._exec(conn, _VALIDATE[source], key, source, None)
        return batch_status(conn, key)[0]

    def post(self, conn: Connection, key: BatchKey, source: str, post_date: date) -> int:
        self._exec(conn, _POST[source], key, source, post_date)
        return batch_status(conn, key)[0]

    @staticmethod
    def _exec(
        conn: Connection, proc: str, key: BatchKey, source: str, post_date: date | None
    ) -> None:
        date_arg = ", @dateposted = :dateposted" if post_date else ""
        stmt = sa.text(
            "DECLARE @rcode int, @errmsg varchar(255); "
            f"EXEC @rcode = dbo.{proc} @co = :co, @mth = :mth, @batchid = :batchid, "
            f"@source = :source{date_arg}, @errmsg = @errmsg OUTPUT; "
            "SELECT @rcode AS rcode, @errmsg AS errmsg"
        )
        params: dict[str, object] = {
            "co": key.co,
            "mth": key.mth,
            "batchid": key.batch_id,
            "source": source,
        }
        if post_date:
            params["dateposted"] = post_date
        row = conn.execute(stmt, params).one()
        if row.rcode != 0:
            raise PermanentError(f"{proc} failed for batch {key}", system_message=row.errmsg)

"""Vista's master audit (``bHQMA``): how changed customers and jobs are found.

Vista has no "last modified" column on ``bARCM``/``bJCJM``; its triggers write one
``bHQMA`` row per added, changed or deleted master record when the company audits
the table (AR Company "Audit customers", JC Company "Audit jobs"). ``KeyString``
names the record in words, e.g. ``Cust Group: 1 Customer: 1042``. Incremental
reads select the keys changed since a time; ``DateTime`` is server-local
``smalldatetime``, so times are converted with the configured server zone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pixissync.connectors.vista.tables import bHQMA

_KEY_PATTERN = {
    "bARCM": r"Customer:\s*(\S+)",
    "bJCJM": r"Job:\s*(.+?)\s*$",
}


def customer_key(cust_group: int, customer: int) -> str:
    return f"Cust Group: {cust_group} Customer: {customer}"


def job_key(co: int, job: str) -> str:
    return f"JC Co#: {co} Job: {job}"


def to_server_time(moment: datetime, zone: ZoneInfo) -> datetime:
    """A UTC (or aware) moment as the naive server-local time Vista stores."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone).replace(tzinfo=None)


def changed_keys(
    conn: Connection, table: str, co: int, zone: ZoneInfo, since: datetime | None
) -> pl.DataFrame:
    """``key`` (the record's id as text) and ``updated_at`` (UTC) of audited records.

    Args:
        table: ``"bARCM"`` or ``"bJCJM"``.
        since: only records changed after this moment; ``None`` for all.
    """
    stmt = (
        sa.select(bHQMA.c.KeyString, sa.func.max(bHQMA.c.DateTime).label("changed"))
        .where(bHQMA.c.TableName == table, bHQMA.c.Co == co)
        .group_by(bHQMA.c.KeyString)
    )
    if since is not None:
        stmt = stmt.having(sa.func.max(bHQMA.c.DateTime) > to_server_time(since, zone))
    rows = conn.execute(stmt).all()
    frame = pl.DataFrame(
        {"KeyString": [r[0] for r in rows], "changed": [r[1] for r in rows]},
        schema={"KeyString": pl.String, "changed": pl.Datetime("us")},
    )
    return frame.select(
        pl.col("KeyString").str.extract(_KEY_PATTERN[table], 1).alias("key"),
        pl.col("changed")
        .dt.replace_time_zone(zone.key, ambiguous="earliest", non_existent="null")
        .dt.convert_time_zone("UTC")
        .alias("updated_at"),
    ).filter(pl.col("key").is_not_null())


def record_audit(
    conn: Connection,
    *,
    table: str,
    key_string: str,
    co: int,
    rec_type: str,
    user: str,
    zone: ZoneInfo,
    fields: dict[str, object] | None = None,
) -> None:
    """Write the ``bHQMA`` rows Vista's triggers would write (stand-in only)."""
    now = to_server_time(datetime.now(UTC), zone).replace(microsecond=0)
    rows = [
        {
            "TableName": table,
            "KeyString": key_string,
            "Co": co,
            "RecType": rec_type,
            "FieldName": name,
            "OldValue": None,
            "NewValue": None if value is None else str(value)[:255],
            "DateTime": now,
            "UserName": user,
        }
        for name, value in (fields or {"": None}).items()
    ]
    conn.execute(sa.insert(bHQMA), rows)

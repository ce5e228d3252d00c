"""The state store's tables (SQLAlchemy Core), shared by the store and its migrations.

Every timestamp is timezone-aware UTC (:class:`UTCDateTime` normalises on the way
in and out, because SQLite keeps no zone). JSON columns hold
:func:`pixissync.proposal.to_jsonable` output, so money and dates are strings.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """A datetime stored as UTC and always read back timezone-aware."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the state store keeps UTC timestamps")
        value = value.astimezone(UTC)
        # SQLite stores text without a zone: keep it UTC and naive so strings compare.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    """Now, timezone-aware UTC."""
    return datetime.now(UTC)


JSON: Any = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
BIGID: Any = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("id", BIGID, primary_key=True, autoincrement=True),
    sa.Column("flow", sa.String(64), nullable=False, index=True),
    sa.Column("trigger", sa.String(64), nullable=False),
    sa.Column("started_at", UTCDateTime(), nullable=False),
    sa.Column("finished_at", UTCDateTime()),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("counts", JSON, nullable=False),
    sa.Column("message", sa.Text(), nullable=False, server_default=""),
)

batches = sa.Table(
    "batches",
    metadata,
    sa.Column("id", BIGID, primary_key=True, autoincrement=True),
    sa.Column("run_id", BIGID, sa.ForeignKey("runs.id"), index=True),
    sa.Column("flow", sa.String(64), nullable=False, index=True),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("snapshot", sa.Text()),
    sa.Column("counts", JSON, nullable=False),
)

proposals = sa.Table(
    "proposals",
    metadata,
    sa.Column("id", BIGID, primary_key=True, autoincrement=True),
    sa.Column("batch_id", BIGID, sa.ForeignKey("batches.id"), nullable=False),
    sa.Column("flow", sa.String(64), nullable=False),
    sa.Column("entity", sa.String(64), nullable=False),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("source_system", sa.String(64), nullable=False),
    sa.Column("source_id", sa.String(255), nullable=False),
    sa.Column("target_system", sa.String(64), nullable=False),
    sa.Column("target_id", sa.String(255)),
    sa.Column("reference", sa.String(512), nullable=False),
    sa.Column("idempotency_key", sa.String(128), nullable=False),
    sa.Column("values", JSON, nullable=False),
    sa.Column("diff", JSON, nullable=False),
    sa.Column("score", sa.Float()),
    sa.Column("decision", sa.String(32)),
    sa.Column("explanation", JSON, nullable=False),
    sa.Column("parents", JSON, nullable=False),
    sa.Column("depends_on", JSON, nullable=False),
    sa.Column("preflight", JSON, nullable=False),
    # Denormalised from ``preflight`` so the console can filter on it with an index.
    sa.Column("has_preflight", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("summary", sa.Text(), nullable=False, server_default=""),
    sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("last_error", sa.Text()),
    sa.Column("retriable", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("applied_target_id", sa.String(255)),
    sa.Column("approved_by", sa.String(128)),
    sa.Column("approved_at", UTCDateTime()),
    sa.Column("claimed_by", sa.String(255)),
    sa.Column("claimed_at", UTCDateTime()),
    sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    sa.Column("updated_by", sa.String(128), nullable=False),
    sa.UniqueConstraint("batch_id", "idempotency_key"),
    sa.Index("ix_proposals_batch_status", "batch_id", "status"),
    sa.Index("ix_proposals_batch_action", "batch_id", "action"),
    sa.Index("ix_proposals_batch_score", "batch_id", "score"),
)

xrefs = sa.Table(
    "xrefs",
    metadata,
    sa.Column("id", BIGID, primary_key=True, autoincrement=True),
    sa.Column("entity", sa.String(64), nullable=False),
    sa.Column("source_system", sa.String(64), nullable=False),
    sa.Column("source_id", sa.String(255), nullable=False),
    sa.Column("target_system", sa.String(64), nullable=False),
    sa.Column("target_id", sa.String(255), nullable=False),
    sa.Column("reference", sa.String(512)),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("created_by", sa.String(128), nullable=False),
    sa.UniqueConstraint("entity", "source_system", "source_id", "target_system"),
)

match_decisions = sa.Table(
    "match_decisions",
    metadata,
    sa.Column("id", BIGID, primary_key=True, autoincrement=True),
    sa.Column("entity", sa.String(64), nullable=False),
    sa.Column("left_system", sa.String(64), nullable=False),
    sa.Column("left_id", sa.String(255), nullable=False),
    sa.Column("right_system", sa.String(64), nullable=False),
    sa.Column("right_id", sa.String(255), nullable=False),
    sa.Column("decision", sa.String(16), nullable=False),
    sa.Column("decided_by", sa.String(128), nullable=False),
    sa.Column("decided_at", UTCDateTime(), nullable=False),
    sa.Column("note", sa.Text(), nullable=False, server_default=""),
    sa.UniqueConstraint(
        "entity",
        "left_system",
        "left_id",
        "right_system",
        "right_id",
        name="uq_match_decisions_pair",
    ),
    sa.CheckConstraint("decision IN ('match', 'not_match')", name="ck_match_decisions_decision"),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", BIGID, primary_key=True, autoincrement=True),
    sa.Column("at", UTCDateTime(), nullable=False, index=True),
    sa.Column("actor", sa.String(128), nullable=False, index=True),
    sa.Column("action", sa.String(64), nullable=False, index=True),
    sa.Column("batch_id", BIGID),
    sa.Column("proposal_id", BIGID, index=True),
    sa.Column("entity", sa.String(64)),
    sa.Column("before", JSON),
    sa.Column("after", JSON),
    sa.Column("message", sa.Text(), nullable=False, server_default=""),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", BIGID, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(128), nullable=False, unique=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
    sa.CheckConstraint("role IN ('viewer', 'reviewer', 'admin')", name="ck_users_role"),
)

flow_locks = sa.Table(
    "flow_locks",
    metadata,
    sa.Column("flow", sa.String(128), primary_key=True),
    sa.Column("owner", sa.String(255), nullable=False),
    sa.Column("acquired_at", UTCDateTime(), nullable=False),
    sa.Column("expires_at", UTCDateTime(), nullable=False),
)

# Registered last: they import this module's metadata (migration 0002).
from pixissync.store import reconcile_tables as _reconcile_tables  # noqa: E402, F401

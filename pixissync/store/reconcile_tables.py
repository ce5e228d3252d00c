"""Tables for saved reconciliations and reviewed duplicate groups (migration 0002).

They share :data:`pixissync.store.schema.metadata`, so Alembic's comparison and
``Store.migrate()`` see them with the rest of the schema.
"""

from __future__ import annotations

import sqlalchemy as sa

from pixissync.store.schema import BIGID, JSON, UTCDateTime, metadata

reconciliations = sa.Table(
    "reconciliations",
    metadata,
    sa.Column("id", BIGID, primary_key=True, autoincrement=True),
    sa.Column("period", sa.String(7), nullable=False, index=True),
    sa.Column("snapshot", sa.String(1024), nullable=False, server_default=""),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("created_by", sa.String(128), nullable=False),
    sa.Column("note", sa.Text(), nullable=False, server_default=""),
    # The whole result as it was shown (summary, exceptions, breakdowns), never rewritten.
    sa.Column("result", JSON, nullable=False),
    sa.Column("signed_off_at", UTCDateTime()),
    sa.Column("signed_off_by", sa.String(128)),
    sa.Column("signoff_note", sa.Text()),
)

duplicate_groups = sa.Table(
    "duplicate_groups",
    metadata,
    sa.Column("id", BIGID, primary_key=True, autoincrement=True),
    sa.Column("entity", sa.String(64), nullable=False),
    sa.Column("system", sa.String(64), nullable=False),
    # Sorted member ids joined with "|": the same records are the same group.
    sa.Column("members_key", sa.String(2048), nullable=False),
    sa.Column("members", JSON, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("survivor_id", sa.String(255)),
    sa.Column("decided_by", sa.String(128), nullable=False),
    sa.Column("decided_at", UTCDateTime(), nullable=False),
    sa.Column("note", sa.Text(), nullable=False, server_default=""),
    sa.UniqueConstraint("entity", "system", "members_key", name="uq_duplicate_groups_members"),
    sa.CheckConstraint("status IN ('confirmed', 'dismissed')", name="ck_duplicate_groups_status"),
)

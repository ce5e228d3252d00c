"""The state store (SQLAlchemy 2.0, Alembic): batches, proposals, xrefs, decisions, audit, users.

Usage::

    store = Store("sqlite:///state.db")   # or postgresql+psycopg://...
    store.migrate()
    batch_id = store.save_batch(run_id, "customers", proposals)
    page, total = store.proposals(batch_id, action="create", limit=50)
    store.approve([p.id for p in page], user=reviewer)
"""

from __future__ import annotations

from pixissync.store.records import (
    PERMISSIONS,
    ROLES,
    SYSTEM_USER,
    AuditEntry,
    BatchSummary,
    NotFound,
    PermissionDenied,
    Role,
    RunSummary,
    StaleProposal,
    StoredProposal,
    User,
)
from pixissync.store.store import Store
from pixissync.store.users import lock_owner

__all__ = [
    "PERMISSIONS",
    "ROLES",
    "SYSTEM_USER",
    "AuditEntry",
    "BatchSummary",
    "NotFound",
    "PermissionDenied",
    "Role",
    "RunSummary",
    "StaleProposal",
    "Store",
    "StoredProposal",
    "User",
    "lock_owner",
]

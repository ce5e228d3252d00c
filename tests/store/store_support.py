"""Helpers for the store tests: users and synthetic proposals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pixissync.proposal import Preflight, Proposal, idempotency_key
from pixissync.store import User

ALICE = User("alice", "reviewer")
BOB = User("bob", "reviewer")
VIEWER = User("val", "viewer")
ADMIN = User("ada", "admin")


def make_proposal(i: int, **overrides: Any) -> Proposal:
    """A customer proposal numbered ``i``: creates, updates and links in turn."""
    action = ("create", "update", "link")[i % 3]
    fields: dict[str, Any] = {
        "flow": "customers",
        "entity": "customer",
        "action": action,
        "source_system": "files",
        "source_id": f"C{i:05d}",
        "target_system": "sage100c",
        "target_id": None if action == "create" else f"T{i:05d}",
        "reference": f"pxs:files:customer:C{i:05d}",
        "idempotency_key": idempotency_key("customers", action, i),
        "values": {"name": f"Customer {i}", "balance": Decimal("10.50")},
        "diff": {"name": {"old": f"Cust {i}", "new": f"Customer {i}"}}
        if action != "create"
        else {},
        "score": None if action == "create" else float(i % 100),
        "explanation": ["name: close (≥ 0.9)"] if action == "link" else [],
        "preflight": [Preflight("field_length", "name", "name longer than 30", blocking=False)]
        if i % 10 == 0
        else [],
        "summary": f"{action} customer Customer {i}",
    }
    fields.update(overrides)
    return Proposal(**fields)

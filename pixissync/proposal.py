"""A proposal: one create, update or link the planner suggests, with its reasons.

Proposals are plain data. The planner makes them, the store saves them, the
console and CLI review them, and apply turns approved ones into connector
:class:`~pixissync.connectors.base.Change` objects.

Kinds (``action``):

* ``create`` — the source record has no counterpart in the target;
* ``update`` — linked records differ in mapped fields (``diff`` lists them);
* ``link`` — a pairing found by the rules, to be recorded as an xref
  (no write to the target), with ``score`` and ``explanation``;
* ``exception`` — something a person must handle in the target system
  (posted invoice that differs, missing employee...). Never written.

Statuses: ``pending`` → ``approved`` | ``rejected``; approved → ``applied`` |
``failed``; ``blocked`` while a parent proposal is not yet in the target.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final, Literal

ProposalAction = Literal["create", "update", "link", "exception"]
ProposalStatus = Literal["pending", "approved", "rejected", "applied", "failed", "blocked"]

ACTIONS: Final = ("create", "update", "link", "exception")
STATUSES: Final = ("pending", "approved", "rejected", "applied", "failed", "blocked")


@dataclass(frozen=True)
class Preflight:
    """A pre-flight finding against the target's rules; ``blocking`` stops apply."""

    check: str
    field: str | None
    message: str
    blocking: bool = True


@dataclass
class Proposal:
    """One proposed change and everything a reviewer needs to judge it."""

    flow: str
    entity: str
    action: ProposalAction
    source_system: str
    source_id: str
    target_system: str
    reference: str
    idempotency_key: str
    target_id: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    diff: dict[str, dict[str, Any]] = field(default_factory=dict)
    score: float | None = None
    decision: str | None = None
    explanation: list[str] = field(default_factory=list)
    parents: dict[str, str] = field(default_factory=dict)
    depends_on: list[str] = field(default_factory=list)
    preflight: list[Preflight] = field(default_factory=list)
    status: ProposalStatus = "pending"
    summary: str = ""


def to_jsonable(value: Any) -> Any:
    """Money and dates as strings, so JSON keeps them exact and explicit."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value


def idempotency_key(*parts: Any) -> str:
    """A stable key from the parts that make a change what it is."""
    payload = json.dumps(to_jsonable(list(parts)), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()[:32]

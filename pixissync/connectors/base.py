"""The connector interface every system implements.

A connector knows the canonical model and its own system, nothing else: it
receives a :class:`Change` (plain data built from an approved proposal) and
never imports the store, the planner or apply.

Writing exactly once rests on three things the connector provides:

* ``reference`` — our stable source reference (``pxs:<system>:<entity>:<id>``)
  stamped on every record the connector creates (external id, memo, ud field);
* ``find(entity, reference)`` — looks for a record carrying that reference, so
  apply can look before it creates;
* errors classified as :class:`~pixissync.errors.TransientError` (retry) or
  :class:`~pixissync.errors.PermanentError` (fail that proposal only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Literal, Protocol, runtime_checkable

import polars as pl

Action = Literal["create", "update"]


def source_reference(system: str, entity: str, source_id: str) -> str:
    """The reference we stamp on a record we create in a target system."""
    return f"pxs:{system}:{entity}:{source_id}"


@dataclass(frozen=True)
class Change:
    """One write a connector is asked to make.

    ``values`` holds canonical column names: every mapped field for a create, only
    the changed ones for an update. ``parents`` maps a canonical foreign-key column
    (``customer_id``, ``job_id``, ...) to the target system's key of the parent,
    resolved by apply from the xref table.
    """

    entity: str
    action: Action
    reference: str
    idempotency_key: str
    values: dict[str, Any]
    target_id: str | None = None
    parents: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PushResult:
    """What the target said: its key for the record, and whether we created it now."""

    target_id: str
    created: bool
    message: str = ""


@dataclass(frozen=True)
class CheckResult:
    """One line of a health check, in plain words."""

    name: str
    ok: bool
    detail: str


@runtime_checkable
class Connector(Protocol):
    """A system PixisSync reads from and, where it can, writes to."""

    name: ClassVar[str]
    pulls: ClassVar[frozenset[str]]
    pushes: ClassVar[frozenset[str]]

    def pull(self, entity: str, since: datetime | None = None) -> pl.DataFrame:
        """Return the entity in canonical columns (only rows changed after ``since``)."""
        ...

    def push(self, change: Change) -> PushResult:
        """Write one change; raise TransientError or PermanentError on failure."""
        ...

    def find(self, entity: str, reference: str) -> str | None:
        """Return the target key of the record carrying ``reference``, if any.

        Raises AmbiguousReferenceError when more than one record carries it.
        """
        ...

    def check(self) -> list[CheckResult]:
        """Report, in plain words, what works and what does not."""
        ...

    def close(self) -> None:
        """Release connections and sessions (log out where the system has sessions)."""
        ...

"""What the store hands back: frozen records, the user and role model, store errors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Literal

from pixissync.errors import PixisSyncError
from pixissync.proposal import Preflight, ProposalAction, ProposalStatus

Role = Literal["viewer", "reviewer", "admin"]
ROLES: Final[tuple[Role, ...]] = ("viewer", "reviewer", "admin")

# What each role may do; a role may do everything the roles before it may.
_RANK: Final[dict[str, int]] = {"viewer": 0, "reviewer": 1, "admin": 2}
PERMISSIONS: Final[dict[str, Role]] = {
    "view": "viewer",
    "approve": "reviewer",
    "reject": "reviewer",
    "edit": "reviewer",
    "apply": "admin",
    "manage_users": "admin",
    "manage_rules": "admin",
    "manage_connections": "admin",
    "review_duplicates": "reviewer",
    "save_reconciliation": "reviewer",
    "sign_off": "admin",
}

# ``applying`` is the short-lived claim apply holds while it writes one proposal;
# ``superseded`` marks unreviewed proposals a newer batch of the same flow replaced.
StoredStatus = ProposalStatus | Literal["applying", "superseded"]


class PermissionDenied(PixisSyncError):
    """The signed-in user's role does not allow the action."""


class StaleProposal(PixisSyncError):
    """Someone else changed the proposal since it was read; ``current`` is its state now."""

    def __init__(self, current: StoredProposal, expected_version: int | None = None) -> None:
        self.current = current
        self.expected_version = expected_version
        who = current.updated_by
        when = current.updated_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        super().__init__(
            f"proposal {current.id} was changed by {who} at {when} and is now "
            f"{current.status} (version {current.version}"
            + (f", you had version {expected_version}" if expected_version is not None else "")
            + "); reload it and decide again"
        )


class NotFound(PixisSyncError):
    """A batch, proposal or user id that does not exist."""


@dataclass(frozen=True)
class User:
    """A console/CLI user; the store checks ``role`` on every write."""

    name: str
    role: Role

    def may(self, action: str) -> bool:
        """Whether this user's role allows ``action`` (see ``PERMISSIONS``)."""
        needed = PERMISSIONS.get(action)
        if needed is None:
            raise ValueError(f"unknown action {action!r}; known: {', '.join(PERMISSIONS)}")
        return _RANK[self.role] >= _RANK[needed]

    def require(self, action: str) -> None:
        """Raise :class:`PermissionDenied` unless the role allows ``action``."""
        if not self.may(action):
            raise PermissionDenied(
                f"{self.name} ({self.role}) may not {action.replace('_', ' ')}: "
                f"it needs the {PERMISSIONS[action]} role"
            )


SYSTEM_USER: Final = User("system", "admin")


@dataclass(frozen=True)
class StoredProposal:
    """A proposal as saved in a batch, with its review and apply state."""

    id: int
    batch_id: int
    flow: str
    entity: str
    action: ProposalAction
    status: StoredStatus
    source_system: str
    source_id: str
    target_system: str
    target_id: str | None
    reference: str
    idempotency_key: str
    values: dict[str, Any]
    diff: dict[str, dict[str, Any]]
    score: float | None
    decision: str | None
    explanation: list[Any]
    parents: dict[str, str]
    depends_on: list[str]
    preflight: list[Preflight]
    summary: str
    attempts: int
    last_error: str | None
    retriable: bool
    applied_target_id: str | None
    approved_by: str | None
    version: int
    updated_at: datetime
    updated_by: str

    @property
    def blocking_preflight(self) -> list[Preflight]:
        """Pre-flight findings that stop apply."""
        return [p for p in self.preflight if p.blocking]


@dataclass(frozen=True)
class BatchSummary:
    """A batch and how many of its proposals are in each status and action."""

    id: int
    run_id: int | None
    flow: str
    created_at: datetime
    status: str
    snapshot: str | None
    total: int
    by_status: Mapping[str, int] = field(default_factory=dict)
    by_action: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class RunSummary:
    """One sync (or apply) run of a flow."""

    id: int
    flow: str
    trigger: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    counts: Mapping[str, int]
    message: str


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log: who did what, when, before and after."""

    id: int
    at: datetime
    actor: str
    action: str
    batch_id: int | None
    proposal_id: int | None
    entity: str | None
    before: Any
    after: Any
    message: str

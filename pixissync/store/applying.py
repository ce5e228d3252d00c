"""The store side of apply: claim proposals, record their outcomes, supersede old batches.

Apply writes to the target between two short transactions: a *claim* (status
``applying``, guarded by the version) and a *record* (status ``applied`` plus
the xref and audit row). Both work on a small group of proposals at a time, so
a commit is shared by many writes. A process killed between them leaves the
claims; the next apply, holding the batch's lock, takes them over and looks
each record up in the target by our reference before writing again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

import sqlalchemy as sa

from pixissync.store import schema as t
from pixissync.store.records import StoredProposal
from pixissync.store.users import UsersMixin

P = t.proposals
CLAIMABLE: Final = ("approved", "failed", "blocked", "applying")

_CLAIM = (
    P.update()
    .where(
        P.c.id == sa.bindparam("pid"),
        P.c.version == sa.bindparam("expected"),
        P.c.status.in_(CLAIMABLE),
    )
    .values(
        status="applying",
        claimed_by=sa.bindparam("owner"),
        claimed_at=sa.bindparam("now"),
        version=P.c.version + 1,
        updated_at=sa.bindparam("now"),
        updated_by=sa.bindparam("owner"),
    )
)


@dataclass(frozen=True)
class Outcome:
    """How applying one proposal ended.

    ``how`` for applied ones: ``created``, ``found`` (already in the target),
    ``updated`` or ``linked``.
    """

    proposal: StoredProposal
    status: str  # applied | failed | blocked
    target_id: str | None = None
    how: str = ""
    error: str | None = None
    retriable: bool = False
    attempts: int = 0


class ApplyingMixin(UsersMixin):
    """Claims and outcomes for the apply engine."""

    def claim(self, proposal: StoredProposal, owner: str) -> StoredProposal | None:
        """Mark ``proposal`` as being applied by ``owner``; None if it changed meanwhile."""
        return self.claim_many([proposal], owner).get(proposal.id)

    def claim_many(
        self, proposals: Sequence[StoredProposal], owner: str
    ) -> dict[int, StoredProposal]:
        """Claim several proposals in one transaction; returns the claimed ones by id."""
        claimed: dict[int, StoredProposal] = {}
        if not proposals:
            return claimed
        now = t.utcnow()
        with self._write(relaxed=True) as conn:
            for p in proposals:
                done = conn.execute(
                    _CLAIM, {"pid": p.id, "expected": p.version, "owner": owner, "now": now}
                )
                if done.rowcount == 1:
                    claimed[p.id] = replace(
                        p, status="applying", version=p.version + 1, updated_at=now
                    )
        return claimed

    def unclaim(self, originals: Sequence[StoredProposal], owner: str) -> None:
        """Give back claims that were not acted on (a run stopping cleanly).

        ``originals`` are the proposals as read before the claim; each returns to
        its earlier status if ``owner`` still holds its claim.
        """
        if not originals:
            return
        with self._write(relaxed=True) as conn:
            for p in originals:
                conn.execute(
                    P.update()
                    .where(
                        P.c.id == p.id,
                        P.c.version == p.version + 1,
                        P.c.status == "applying",
                        P.c.claimed_by == owner,
                    )
                    .values(
                        status=p.status,
                        claimed_by=None,
                        claimed_at=None,
                        version=P.c.version + 1,
                        updated_at=t.utcnow(),
                    )
                )

    def record_outcomes(self, outcomes: Sequence[Outcome], *, actor: str) -> list[int]:
        """Record outcomes in one transaction: status, xrefs of applied ones, audit rows.

        Returns:
            ids of proposals someone changed meanwhile (their outcome is not recorded).
        """
        if not outcomes:
            return []
        now = t.utcnow()
        stale: list[int] = []
        links: list[dict[str, Any]] = []
        audit: list[dict[str, Any]] = []
        with self._write(relaxed=True) as conn:
            for o in outcomes:
                p = o.proposal
                applied = o.status == "applied"
                done = conn.execute(
                    P.update()
                    .where(P.c.id == p.id, P.c.version == p.version)
                    .values(
                        status=o.status,
                        applied_target_id=o.target_id if applied else P.c.applied_target_id,
                        attempts=P.c.attempts + o.attempts,
                        last_error=o.error,
                        retriable=o.retriable,
                        claimed_by=None,
                        claimed_at=None,
                        version=P.c.version + 1,
                        updated_at=now,
                        updated_by=actor,
                    )
                )
                if done.rowcount != 1:
                    stale.append(p.id)
                    continue
                if applied:
                    links.append(
                        {
                            "entity": p.entity,
                            "source_system": p.source_system,
                            "source_id": p.source_id,
                            "target_system": p.target_system,
                            "target_id": o.target_id,
                            "reference": p.reference,
                            "created_at": now,
                            "created_by": actor,
                        }
                    )
                audit.append(_audit_row(o, actor, now))
            if links:
                self._upsert(
                    conn,
                    t.xrefs,
                    links,
                    keys=("entity", "source_system", "source_id", "target_system"),
                    update=("target_id", "reference", "created_at", "created_by"),
                )
            if audit:
                conn.execute(t.audit_log.insert(), audit)
        return stale

    def record_applied(
        self, proposal: StoredProposal, target_id: str, *, actor: str, attempts: int, how: str
    ) -> None:
        """Record one claimed proposal as applied (see :meth:`record_outcomes`)."""
        self.record_outcomes(
            [Outcome(proposal, "applied", target_id=target_id, how=how, attempts=attempts)],
            actor=actor,
        )

    def record_failure(
        self,
        proposal: StoredProposal,
        error: str,
        *,
        actor: str,
        retriable: bool,
        attempts: int,
        status: str = "failed",
    ) -> None:
        """Record one proposal as ``failed`` or ``blocked`` with the reason."""
        self.record_outcomes(
            [Outcome(proposal, status, error=error, retriable=retriable, attempts=attempts)],
            actor=actor,
        )

    def supersede_pending(self, flow: str, *, actor: str = "system") -> int:
        """Retire unreviewed proposals of earlier batches of ``flow`` before a new batch.

        Pending proposals (and blocked ones nobody approved) become ``superseded``;
        approved, failed and applied ones keep their state. Returns how many.
        """
        batch_ids = sa.select(t.batches.c.id).where(t.batches.c.flow == flow)
        with self._write() as conn:
            done = conn.execute(
                P.update()
                .where(
                    P.c.batch_id.in_(batch_ids),
                    sa.or_(
                        P.c.status == "pending",
                        sa.and_(P.c.status == "blocked", P.c.approved_by.is_(None)),
                    ),
                )
                .values(
                    status="superseded",
                    version=P.c.version + 1,
                    updated_at=t.utcnow(),
                    updated_by=actor,
                )
            )
            if done.rowcount:
                self._audit(
                    conn,
                    actor=actor,
                    action="batch.superseded",
                    after={"flow": flow, "proposals": done.rowcount},
                    message=f"{done.rowcount} unreviewed {flow} proposals replaced by a new sync",
                )
            return int(done.rowcount)


def _audit_row(o: Outcome, actor: str, now: Any) -> dict[str, Any]:
    p = o.proposal
    if o.status == "applied":
        after: dict[str, Any] = {"status": "applied", "target_id": o.target_id}
        message = f"{p.action} {p.entity} {p.source_id} → {p.target_system} {o.target_id} ({o.how})"
        action = f"apply.{o.how}"
    else:
        after = {"status": o.status, "error": o.error, "retriable": o.retriable}
        message = o.error or ""
        action = f"apply.{o.status}"
    if p.action in ("create", "update") and o.status == "applied":
        after["values"] = p.values
    return {
        "at": now,
        "actor": actor,
        "action": action,
        "batch_id": p.batch_id,
        "proposal_id": p.id,
        "entity": p.entity,
        # A claimed proposal was approved before apply claimed it.
        "before": {
            "status": "approved" if p.status == "applying" else p.status,
            "target_id": p.target_id,
        },
        "after": after,
        "message": message,
    }

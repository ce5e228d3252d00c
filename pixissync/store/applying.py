"""The store side of apply: claim a proposal, record its outcome, supersede old batches.

Apply writes to the target between two short transactions: a *claim* (status
``applying``, guarded by the version) and a *record* (status ``applied`` plus
the xref and audit row, in one transaction). A process killed between them
leaves the claim; the next apply, holding the batch's lock, takes it over and
looks the record up in the target by our reference before writing again.
"""

from __future__ import annotations

from typing import Any, Final

import sqlalchemy as sa

from pixissync.store import schema as t
from pixissync.store.records import StaleProposal, StoredProposal
from pixissync.store.users import UsersMixin

P = t.proposals
CLAIMABLE: Final = ("approved", "failed", "blocked", "applying")


class ApplyingMixin(UsersMixin):
    """Claims and outcomes for the apply engine."""

    def claim(self, proposal: StoredProposal, owner: str) -> StoredProposal | None:
        """Mark ``proposal`` as being applied by ``owner``; None if it changed meanwhile."""
        with self._write() as conn:
            done = conn.execute(
                P.update()
                .where(
                    P.c.id == proposal.id,
                    P.c.version == proposal.version,
                    P.c.status.in_(CLAIMABLE),
                )
                .values(
                    status="applying",
                    claimed_by=owner,
                    claimed_at=t.utcnow(),
                    version=P.c.version + 1,
                    updated_at=t.utcnow(),
                    updated_by=owner,
                )
            )
            if done.rowcount != 1:
                return None
            return self._get_proposal(conn, proposal.id)

    def record_applied(
        self,
        proposal: StoredProposal,
        target_id: str,
        *,
        actor: str,
        attempts: int,
        how: str,
    ) -> None:
        """Mark a claimed proposal applied, link source→target and audit it, atomically.

        Args:
            proposal: the claimed proposal (its version is checked).
            target_id: the target system's key of the record.
            actor: the user who ran apply.
            attempts: push attempts this run made.
            how: ``created``, ``found`` (already in the target), ``updated`` or ``linked``.
        """
        now = t.utcnow()
        with self._write() as conn:
            self._claimed_update(
                conn,
                proposal,
                status="applied",
                applied_target_id=target_id,
                attempts=P.c.attempts + attempts,
                last_error=None,
                retriable=False,
                claimed_by=None,
                claimed_at=None,
                updated_by=actor,
            )
            self._upsert(
                conn,
                t.xrefs,
                [
                    {
                        "entity": proposal.entity,
                        "source_system": proposal.source_system,
                        "source_id": proposal.source_id,
                        "target_system": proposal.target_system,
                        "target_id": target_id,
                        "reference": proposal.reference,
                        "created_at": now,
                        "created_by": actor,
                    }
                ],
                keys=("entity", "source_system", "source_id", "target_system"),
                update=("target_id", "reference", "created_at", "created_by"),
            )
            self._audit(
                conn,
                actor=actor,
                action=f"apply.{how}",
                batch_id=proposal.batch_id,
                proposal_id=proposal.id,
                entity=proposal.entity,
                before={"status": "approved", "target_id": proposal.target_id},
                after={"status": "applied", "target_id": target_id, "values": proposal.values},
                message=f"{proposal.action} {proposal.entity} {proposal.source_id} → "
                f"{proposal.target_system} {target_id} ({how})",
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
        """Mark a claimed (or blocked) proposal ``failed`` or ``blocked`` with the reason."""
        with self._write() as conn:
            self._claimed_update(
                conn,
                proposal,
                status=status,
                last_error=error,
                retriable=retriable,
                attempts=P.c.attempts + attempts,
                claimed_by=None,
                claimed_at=None,
                updated_by=actor,
            )
            self._audit(
                conn,
                actor=actor,
                action=f"apply.{status}",
                batch_id=proposal.batch_id,
                proposal_id=proposal.id,
                entity=proposal.entity,
                before={"status": proposal.status},
                after={"status": status, "error": error, "retriable": retriable},
                message=error,
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

    def _claimed_update(self, conn: Any, proposal: StoredProposal, **values: Any) -> None:
        done = conn.execute(
            P.update()
            .where(P.c.id == proposal.id, P.c.version == proposal.version)
            .values(version=P.c.version + 1, updated_at=t.utcnow(), **values)
        )
        if done.rowcount != 1:
            raise StaleProposal(self._get_proposal(conn, proposal.id), proposal.version)

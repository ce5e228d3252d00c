"""Review: approve, reject and edit proposals, with role checks and optimistic locking.

Every write is guarded by the proposal's ``version``: an UPDATE only succeeds
if the row still has the version the reviewer saw, so of two reviewers acting
on the same proposal the second gets :class:`StaleProposal` with its current
state, never a silent overwrite.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from pixissync.errors import InputError
from pixissync.proposal import to_jsonable
from pixissync.store import schema as t
from pixissync.store.batches import BatchesMixin, proposal_filter
from pixissync.store.core import preflight_json, proposal_from_row
from pixissync.store.records import NotFound, StaleProposal, StoredProposal, User

P = t.proposals
APPROVABLE: Final = ("pending", "rejected", "blocked", "failed")
REJECTABLE: Final = ("pending", "approved", "blocked", "failed")
EDITABLE: Final = ("pending", "approved", "blocked", "failed", "rejected")
ID_CHUNK: Final = 1_000
FILTERS: Final = frozenset(
    {"flow", "action", "status", "min_score", "max_score", "preflight", "text", "ids"}
)
_DECISION_COLUMNS: Final = (
    "id",
    "batch_id",
    "entity",
    "action",
    "status",
    "version",
    "source_system",
    "source_id",
    "target_system",
    "target_id",
)


class ReviewMixin(BatchesMixin):
    """Approve, reject and edit."""

    def approve(
        self,
        ids: Sequence[int],
        *,
        user: User,
        expected_versions: Mapping[int, int] | None = None,
    ) -> int:
        """Approve proposals; return how many changed (already approved ones are left).

        Exceptions are never approved (they are handled in the target by a person).

        Raises:
            PermissionDenied: the user is not a reviewer or admin.
            StaleProposal: a proposal changed since the version in ``expected_versions``.
            NotFound: an id does not exist.
        """
        user.require("approve")
        return self._decide_ids(ids, "approved", user, expected_versions, reason="")

    def reject(
        self,
        ids: Sequence[int],
        *,
        user: User,
        expected_versions: Mapping[int, int] | None = None,
        reason: str = "",
    ) -> int:
        """Reject proposals; a rejected pairing (``link``) is remembered as not a match."""
        user.require("reject")
        return self._decide_ids(ids, "rejected", user, expected_versions, reason=reason)

    def approve_where(self, batch_id: int, *, user: User, **filters: Any) -> int:
        """Approve every approvable proposal of the batch matching the console's filter."""
        user.require("approve")
        return self._decide_where(batch_id, "approved", user, filters, reason="")

    def reject_where(self, batch_id: int, *, user: User, reason: str = "", **filters: Any) -> int:
        """Reject every rejectable proposal of the batch matching the console's filter."""
        user.require("reject")
        return self._decide_where(batch_id, "rejected", user, filters, reason=reason)

    def edit(
        self, proposal_id: int, field: str, value: Any, *, user: User, expected_version: int
    ) -> StoredProposal:
        """Change one proposed value before approval; an approved proposal goes back to pending.

        The diff entry's ``new`` side follows the value, and pre-flight findings about
        that field are dropped (the reviewer has dealt with them; the audit keeps them).
        """
        user.require("edit")
        with self._write() as conn:
            current = self._get_proposal(conn, proposal_id)
            if current.version != expected_version:
                raise StaleProposal(current, expected_version)
            if current.action not in ("create", "update"):
                raise InputError(
                    f"proposal {proposal_id} is a {current.action}; only creates and "
                    "updates carry values to edit",
                    column=field,
                )
            if current.status not in EDITABLE:
                raise InputError(
                    f"proposal {proposal_id} is {current.status} and can no longer be edited",
                    column=field,
                )
            if field not in current.values and field not in current.diff:
                known = ", ".join(sorted(set(current.values) | set(current.diff)))
                raise InputError(
                    f"proposal {proposal_id} has no field {field!r}; its fields: {known}",
                    column=field,
                )
            new = to_jsonable(value)
            values = {**current.values, field: new}
            diff = dict(current.diff)
            if isinstance(diff.get(field), dict):
                diff[field] = {**diff[field], "new": new}
            preflight = [p for p in current.preflight if p.field != field]
            status = "pending" if current.status == "approved" else current.status
            self._guarded_update(
                conn,
                current,
                values=values,
                diff=diff,
                preflight=preflight_json(preflight),
                has_preflight=bool(preflight),
                status=status,
                approved_by=None if status == "pending" else current.approved_by,
                updated_by=user.name,
            )
            self._audit(
                conn,
                actor=user.name,
                action="edit",
                batch_id=current.batch_id,
                proposal_id=proposal_id,
                entity=current.entity,
                before={
                    "field": field,
                    "value": current.values.get(field),
                    "status": current.status,
                },
                after={"field": field, "value": new, "status": status},
                message=f"{field} changed on {current.entity} {current.source_id}",
            )
            return self._get_proposal(conn, proposal_id)

    # -- shared -------------------------------------------------------------

    def _guarded_update(self, conn: Connection, current: StoredProposal, **values: Any) -> None:
        """UPDATE the proposal only if nobody changed it since ``current`` was read."""
        done = conn.execute(
            P.update()
            .where(P.c.id == current.id, P.c.version == current.version)
            .values(version=P.c.version + 1, updated_at=t.utcnow(), **values)
        )
        if done.rowcount != 1:
            raise StaleProposal(self._get_proposal(conn, current.id), current.version)

    def _decide_ids(
        self,
        ids: Sequence[int],
        status: str,
        user: User,
        expected_versions: Mapping[int, int] | None,
        reason: str,
    ) -> int:
        wanted = list(dict.fromkeys(int(i) for i in ids))
        expected = dict(expected_versions or {})
        with self._write() as conn:
            rows: dict[int, RowMapping] = {}
            for start in range(0, len(wanted), ID_CHUNK):
                chunk = wanted[start : start + ID_CHUNK]
                for r in conn.execute(sa.select(P).where(P.c.id.in_(chunk))).mappings():
                    rows[r["id"]] = r
            missing = [i for i in wanted if i not in rows]
            if missing:
                raise NotFound(f"proposal(s) {', '.join(map(str, missing))} do not exist")
            for pid, version in expected.items():
                if pid in rows and rows[pid]["version"] != version:
                    raise StaleProposal(proposal_from_row(rows[pid]), version)
            chosen = [rows[i] for i in wanted if _eligible(rows[i], status)]
            for r in chosen:
                self._guarded_update(
                    conn, proposal_from_row(r), **_decision_values(status, user, reason)
                )
            self._after_decision(conn, chosen, status, user, reason, bulk=None)
            return len(chosen)

    def _decide_where(
        self,
        batch_id: int,
        status: str,
        user: User,
        filters: Mapping[str, Any],
        reason: str,
    ) -> int:
        unknown = sorted(set(filters) - FILTERS)
        if unknown:
            raise InputError(
                f"unknown proposal filter(s) {', '.join(unknown)}; "
                f"known: {', '.join(sorted(FILTERS))}"
            )
        allowed: tuple[str, ...] = APPROVABLE if status == "approved" else REJECTABLE
        asked = filters.get("status")
        if asked:
            asked_set = {asked} if isinstance(asked, str) else set(asked)
            allowed = tuple(s for s in allowed if s in asked_set)
        where = proposal_filter(batch_id, **{**filters, "status": list(allowed) or ["-"]})
        if status == "approved":
            where.append(P.c.action != "exception")
        with self._write() as conn:
            if (
                conn.execute(sa.select(t.batches.c.id).where(t.batches.c.id == batch_id)).first()
                is None
            ):
                raise NotFound(f"batch {batch_id} does not exist")
            # FOR UPDATE holds the rows on PostgreSQL; SQLite's BEGIN IMMEDIATE already did.
            # Only the narrow columns: a bulk decision over 50k rows must not parse JSON.
            chosen = (
                conn.execute(
                    sa.select(*(P.c[name] for name in _DECISION_COLUMNS))
                    .where(*where)
                    .order_by(P.c.id)
                    .with_for_update()
                )
                .mappings()
                .all()
            )
            if not chosen:
                return 0
            now = t.utcnow()
            verb = "approve" if status == "approved" else "reject"
            message = (reason or "") + f" (bulk: {to_jsonable(dict(filters))})"
            # One audit row per proposal, built by the database from the locked rows.
            conn.execute(
                t.audit_log.insert().from_select(
                    [
                        "at",
                        "actor",
                        "action",
                        "batch_id",
                        "proposal_id",
                        "entity",
                        "before",
                        "after",
                        "message",
                    ],
                    sa.select(
                        sa.literal(now, t.UTCDateTime()),
                        sa.literal(user.name),
                        sa.literal(verb),
                        P.c.batch_id,
                        P.c.id,
                        P.c.entity,
                        self._json_object(status=P.c.status, version=P.c.version),
                        self._json_object(status=sa.literal(status), version=P.c.version + 1),
                        sa.literal(message),
                    ).where(*where),
                )
            )
            conn.execute(
                P.update()
                .where(*where)
                .values(
                    version=P.c.version + 1,
                    updated_at=now,
                    **_decision_values(status, user, reason),
                )
            )
            self._remember_pairs(conn, chosen, status, user, reason)
            return len(chosen)

    def _json_object(self, **fields: Any) -> Any:
        """A JSON object built in SQL (jsonb_build_object / json_object)."""
        args: list[Any] = []
        for key, value in fields.items():
            args += [sa.literal(key), value]
        fn = sa.func.jsonb_build_object if self.dialect == "postgresql" else sa.func.json_object
        return fn(*args, type_=t.JSON)

    def _after_decision(
        self,
        conn: Connection,
        rows: Sequence[RowMapping],
        status: str,
        user: User,
        reason: str,
        bulk: dict[str, Any] | None,
    ) -> None:
        """Audit each decision, and remember pairings (link proposals) as decisions."""
        if not rows:
            return
        now = t.utcnow()
        verb = "approve" if status == "approved" else "reject"
        audit = [
            {
                "at": now,
                "actor": user.name,
                "action": verb,
                "batch_id": r["batch_id"],
                "proposal_id": r["id"],
                "entity": r["entity"],
                "before": {"status": r["status"], "version": r["version"]},
                "after": {"status": status, "version": r["version"] + 1},
                "message": (reason or "")
                + (f" (bulk: {to_jsonable(bulk)})" if bulk is not None else ""),
            }
            for r in rows
        ]
        for start in range(0, len(audit), ID_CHUNK * 5):
            conn.execute(t.audit_log.insert(), audit[start : start + ID_CHUNK * 5])
        self._remember_pairs(conn, rows, status, user, reason)

    def _remember_pairs(
        self, conn: Connection, rows: Sequence[RowMapping], status: str, user: User, reason: str
    ) -> None:
        """Approved or rejected pairings (links) become match / not-a-match decisions."""
        now = t.utcnow()
        pairs = [
            {
                "entity": r["entity"],
                "left_system": r["source_system"],
                "left_id": r["source_id"],
                "right_system": r["target_system"],
                "right_id": r["target_id"],
                "decision": "match" if status == "approved" else "not_match",
                "decided_by": user.name,
                "decided_at": now,
                "note": reason,
            }
            for r in rows
            if r["action"] == "link" and r["target_id"] is not None
        ]
        if pairs:
            self._upsert(
                conn,
                t.match_decisions,
                pairs,
                keys=("entity", "left_system", "left_id", "right_system", "right_id"),
                update=("decision", "decided_by", "decided_at", "note"),
            )


def _eligible(row: RowMapping, status: str) -> bool:
    if status == "approved":
        return row["status"] in APPROVABLE and row["action"] != "exception"
    return row["status"] in REJECTABLE


def _decision_values(status: str, user: User, reason: str) -> dict[str, Any]:
    values: dict[str, Any] = {"status": status, "updated_by": user.name}
    if status == "approved":
        values.update(approved_by=user.name, approved_at=t.utcnow())
    else:
        values.update(approved_by=None, approved_at=None)
    return values

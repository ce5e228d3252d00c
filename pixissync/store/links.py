"""Links between systems: xrefs (source record ↔ target record) and reviewers' match decisions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, Literal

import polars as pl
import sqlalchemy as sa

from pixissync.errors import InputError
from pixissync.store import schema as t
from pixissync.store.review import ReviewMixin

X = t.xrefs
D = t.match_decisions
Decision = Literal["match", "not_match"]
DECISIONS: Final = ("match", "not_match")


class LinksMixin(ReviewMixin):
    """Xrefs and match decisions."""

    def xrefs(self, entity: str, source_system: str, target_system: str) -> pl.DataFrame:
        """Known links of ``entity`` from ``source_system`` to ``target_system``.

        Returns:
            A frame with String columns ``source_id`` and ``target_id``.
        """
        query = sa.select(X.c.source_id, X.c.target_id).where(
            X.c.entity == entity,
            X.c.source_system == source_system,
            X.c.target_system == target_system,
        )
        with self._read() as conn:
            rows = conn.execute(query).all()
        return pl.DataFrame(
            {"source_id": [r[0] for r in rows], "target_id": [r[1] for r in rows]},
            schema={"source_id": pl.String, "target_id": pl.String},
        )

    def xref_target(
        self, entity: str, source_system: str, source_id: str, target_system: str
    ) -> str | None:
        """The target key linked to one source record, if any."""
        with self._read() as conn:
            return conn.execute(
                sa.select(X.c.target_id).where(
                    X.c.entity == entity,
                    X.c.source_system == source_system,
                    X.c.source_id == source_id,
                    X.c.target_system == target_system,
                )
            ).scalar_one_or_none()

    def add_xref(
        self,
        entity: str,
        source_system: str,
        source_id: str,
        target_system: str,
        target_id: str,
        *,
        reference: str | None = None,
        actor: str = "system",
    ) -> None:
        """Link a source record to a target record (replacing an earlier link of it)."""
        with self._write() as conn:
            self._upsert(
                conn,
                X,
                [
                    {
                        "entity": entity,
                        "source_system": source_system,
                        "source_id": str(source_id),
                        "target_system": target_system,
                        "target_id": str(target_id),
                        "reference": reference,
                        "created_at": t.utcnow(),
                        "created_by": actor,
                    }
                ],
                keys=("entity", "source_system", "source_id", "target_system"),
                update=("target_id", "reference", "created_at", "created_by"),
            )
            self._audit(
                conn,
                actor=actor,
                action="xref.add",
                entity=entity,
                after={
                    "source": f"{source_system}:{source_id}",
                    "target": f"{target_system}:{target_id}",
                },
            )

    def remap_xrefs(
        self,
        entity: str,
        target_system: str,
        old_target_ids: Sequence[str],
        new_target_id: str,
        *,
        actor: str,
    ) -> int:
        """Point links at a surviving record after duplicates were merged; return how many."""
        with self._write() as conn:
            done = conn.execute(
                X.update()
                .where(
                    X.c.entity == entity,
                    X.c.target_system == target_system,
                    X.c.target_id.in_(list(old_target_ids)),
                )
                .values(target_id=new_target_id)
            )
            self._audit(
                conn,
                actor=actor,
                action="xref.remap",
                entity=entity,
                before={"target_ids": list(old_target_ids)},
                after={"target_id": new_target_id, "links": done.rowcount},
            )
            return int(done.rowcount)

    def decisions(self, entity: str, left_system: str, right_system: str) -> pl.DataFrame:
        """Reviewers' decisions on pairs: String columns ``left_id``, ``right_id``, ``decision``."""
        query = sa.select(D.c.left_id, D.c.right_id, D.c.decision).where(
            D.c.entity == entity, D.c.left_system == left_system, D.c.right_system == right_system
        )
        with self._read() as conn:
            rows = conn.execute(query).all()
        return pl.DataFrame(
            {
                "left_id": [r[0] for r in rows],
                "right_id": [r[1] for r in rows],
                "decision": [r[2] for r in rows],
            },
            schema={"left_id": pl.String, "right_id": pl.String, "decision": pl.String},
        )

    def record_decision(
        self,
        entity: str,
        left_system: str,
        left_id: str,
        right_system: str,
        right_id: str,
        decision: Decision,
        *,
        decided_by: str,
        note: str = "",
    ) -> None:
        """Remember that a pair is (or is not) the same record; later matching honours it."""
        if decision not in DECISIONS:
            raise InputError(f"decision must be one of {DECISIONS}, not {decision!r}")
        with self._write() as conn:
            self._upsert(
                conn,
                D,
                [
                    {
                        "entity": entity,
                        "left_system": left_system,
                        "left_id": str(left_id),
                        "right_system": right_system,
                        "right_id": str(right_id),
                        "decision": decision,
                        "decided_by": decided_by,
                        "decided_at": t.utcnow(),
                        "note": note,
                    }
                ],
                keys=("entity", "left_system", "left_id", "right_system", "right_id"),
                update=("decision", "decided_by", "decided_at", "note"),
            )
            self._audit(
                conn,
                actor=decided_by,
                action=f"decision.{decision}",
                entity=entity,
                after={"left": f"{left_system}:{left_id}", "right": f"{right_system}:{right_id}"},
                message=note,
            )

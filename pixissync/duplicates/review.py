"""Reviewers' verdicts on duplicate groups: confirm (with a survivor) or dismiss, remembered.

A verdict is kept twice: as a row of ``duplicate_groups`` (what the console
lists) and as pair decisions in ``match_decisions`` (what the matching engine
honours), so a dismissed group is never proposed again and a confirmed one
stays together. Confirming remaps the xrefs that point at the merged records
to the survivor. Needs the reviewer role, checked here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations
from typing import Literal

import sqlalchemy as sa

from pixissync.errors import InputError
from pixissync.store import Store, User
from pixissync.store.reconcile_tables import duplicate_groups as G
from pixissync.store.schema import utcnow

Verdict = Literal["confirmed", "dismissed"]


def members_key(members: Sequence[str]) -> str:
    """The identity of a group: its sorted member ids joined with ``|``."""
    return "|".join(sorted(set(members)))


@dataclass(frozen=True)
class GroupVerdict:
    """A remembered verdict on one group."""

    entity: str
    system: str
    members: tuple[str, ...]
    status: Verdict
    survivor_id: str | None
    decided_by: str
    decided_at: datetime
    note: str
    remapped: int = 0


def verdicts(store: Store, entity: str, system: str) -> list[GroupVerdict]:
    """Every remembered verdict for ``entity`` in ``system``."""
    query = sa.select(G).where(G.c.entity == entity, G.c.system == system).order_by(G.c.id)
    with store._read() as conn:
        rows = conn.execute(query).all()
    return [
        GroupVerdict(
            r.entity,
            r.system,
            tuple(r.members),
            r.status,
            r.survivor_id,
            r.decided_by,
            r.decided_at,
            r.note,
        )
        for r in rows
    ]


def _remember(
    store: Store,
    entity: str,
    system: str,
    members: Sequence[str],
    status: Verdict,
    survivor: str | None,
    user: User,
    note: str,
) -> None:
    key = members_key(members)
    with store._write() as conn:
        store._upsert(
            conn,
            G,
            [
                {
                    "entity": entity,
                    "system": system,
                    "members_key": key,
                    "members": sorted(set(members)),
                    "status": status,
                    "survivor_id": survivor,
                    "decided_by": user.name,
                    "decided_at": utcnow(),
                    "note": note,
                }
            ],
            keys=("entity", "system", "members_key"),
            update=("status", "survivor_id", "decided_by", "decided_at", "note"),
        )
        store._audit(
            conn,
            actor=user.name,
            action=f"duplicates.{status}",
            entity=entity,
            after={"system": system, "members": sorted(set(members)), "survivor": survivor},
            message=note,
        )
    decision: Literal["match", "not_match"] = "match" if status == "confirmed" else "not_match"
    for a, b in combinations(sorted(set(members)), 2):
        store.record_decision(
            entity, system, a, system, b, decision, decided_by=user.name, note=note
        )


def _check_members(members: Sequence[str]) -> None:
    if len(set(members)) < 2:
        raise InputError(f"a duplicate group needs two or more records, got {list(members)}")


def confirm_group(
    store: Store,
    entity: str,
    system: str,
    members: Sequence[str],
    survivor: str,
    *,
    user: User,
    note: str = "",
) -> GroupVerdict:
    """Confirm ``members`` are one record, keep ``survivor``, and remap xrefs to it."""
    user.require("review_duplicates")
    _check_members(members)
    if survivor not in members:
        raise InputError(
            f"survivor {survivor!r} is not in the group {sorted(members)}; choose one of them"
        )
    _remember(store, entity, system, members, "confirmed", survivor, user, note)
    others = [m for m in members if m != survivor]
    moved = store.remap_xrefs(entity, system, others, survivor, actor=user.name)
    return GroupVerdict(
        entity,
        system,
        tuple(sorted(set(members))),
        "confirmed",
        survivor,
        user.name,
        utcnow(),
        note,
        moved,
    )


def dismiss_group(
    store: Store, entity: str, system: str, members: Sequence[str], *, user: User, note: str = ""
) -> GroupVerdict:
    """Remember that ``members`` are different records: the group is never proposed again."""
    user.require("review_duplicates")
    _check_members(members)
    _remember(store, entity, system, members, "dismissed", None, user, note)
    return GroupVerdict(
        entity, system, tuple(sorted(set(members))), "dismissed", None, user.name, utcnow(), note
    )

"""Dependency order for apply: parents before children, within one batch."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

from pixissync.store import StoredProposal


def dependency_order(
    proposals: Sequence[StoredProposal],
) -> tuple[list[StoredProposal], list[StoredProposal]]:
    """Sort ``proposals`` so each comes after the ones it ``depends_on`` (by idempotency key).

    Keys that name no proposal in ``proposals`` are ignored here (their parents are
    outside this set and apply checks them). Ties keep the batch's order.

    Returns:
        (ordered, cyclic): the sorted proposals, and those caught in a dependency cycle.
    """
    by_key = {p.idempotency_key: p for p in proposals}
    waiting: dict[int, int] = {}
    children: dict[str, list[StoredProposal]] = {}
    for p in proposals:
        parents = {k for k in p.depends_on if k in by_key and k != p.idempotency_key}
        waiting[p.id] = len(parents)
        for key in parents:
            children.setdefault(key, []).append(p)
    ready = deque(p for p in proposals if waiting[p.id] == 0)
    ordered: list[StoredProposal] = []
    while ready:
        p = ready.popleft()
        ordered.append(p)
        for child in children.get(p.idempotency_key, []):
            waiting[child.id] -= 1
            if waiting[child.id] == 0:
                ready.append(child)
    done = {p.id for p in ordered}
    return ordered, [p for p in proposals if p.id not in done]

"""Duplicate groups that do not chain unrelated records through a middle one.

Single linkage (connected components) would put "ABC Plumbing" and "ABC
Electric" in one group when both resemble "ABC Plumbing & Electric". Here two
groups merge, best pair first, only when every pair across them is at least
*tolerated* (not clearly different) and the pair that triggers the merge is
proposed. With nothing tolerated beyond the proposed pairs this is complete
linkage. Tolerance matters for heavily corrupted copies of one record: two
copies may each resemble the original well but each other only loosely.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def components(a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> dict[int, int]:
    """Connected components of the pair graph: record -> smallest record of its component."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    for x, y in zip(a.tolist(), b.tolist(), strict=True):
        rx, ry = find(x), find(y)
        if rx != ry:
            parent[max(rx, ry)] = min(rx, ry)
    return {x: find(x) for x in {*a.tolist(), *b.tolist()}}


def complete_linkage(
    a: npt.NDArray[np.int64],
    b: npt.NDArray[np.int64],
    linked: npt.NDArray[np.bool_],
    order: npt.NDArray[np.int64],
    tolerated: npt.NDArray[np.bool_] | None = None,
) -> dict[int, int]:
    """Group records so that every two records in a group are linked or tolerated.

    Args:
        a, b: the two records of each scored pair (any pair not listed is "not linked").
        linked: whether each pair is proposed (score at or above review, a
            deterministic rule, or a reviewer's "match"; never a "not a match").
        order: pair indices, best first; merges happen in this order.
        tolerated: pairs that may sit in one group without being proposed
            (default: none, i.e. complete linkage); merges are triggered by
            linked pairs only, so a tolerated pair alone never makes a group.

    Returns:
        record -> group representative, for records in a group of two or more.
    """
    allowed = linked if tolerated is None else linked | tolerated
    fine: set[tuple[int, int]] = set()
    for x, y, flag in zip(a.tolist(), b.tolist(), allowed.tolist(), strict=True):
        if flag:
            fine.add((x, y) if x < y else (y, x))
    group_of: dict[int, int] = {}
    members: dict[int, list[int]] = {}
    for i in order.tolist():
        if not linked[i]:
            continue
        x, y = int(a[i]), int(b[i])
        gx, gy = group_of.get(x, x), group_of.get(y, y)
        if gx == gy:
            continue
        mx, my = members.get(gx, [gx]), members.get(gy, [gy])
        cross = [(p, q) if p < q else (q, p) for p in mx for q in my]
        if all(k in fine for k in cross):
            keep, drop = (gx, gy) if gx < gy else (gy, gx)
            merged = mx + my
            members[keep] = merged
            members.pop(drop, None)
            for m in merged:
                group_of[m] = keep
    return {m: g for g, ms in members.items() for m in ms}

"""One-to-one assignment: each record pairs with at most one on the other side."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def one_to_one(
    left: npt.NDArray[np.int64],
    right: npt.NDArray[np.int64],
    order: npt.NDArray[np.int64],
) -> npt.NDArray[np.bool_]:
    """Greedy best-first assignment.

    Walks the pairs in ``order`` (best total first, ties already broken by ids so
    the result is deterministic) and keeps a pair when neither record is taken.
    With a strict order this equals repeatedly taking pairs that are each
    other's best choice, which is what a reviewer expects: a record's best
    partner is never given away to a weaker pair.

    Args:
        left: left row number of each pair.
        right: right row number of each pair.
        order: pair indices, best first.

    Returns:
        A mask over the pairs: True for the pairs kept.
    """
    keep = np.zeros(len(left), dtype=bool)
    used_left: set[int] = set()
    used_right: set[int] = set()
    for i in order.tolist():
        a, b = int(left[i]), int(right[i])
        if a in used_left or b in used_right:
            continue
        used_left.add(a)
        used_right.add(b)
        keep[i] = True
    return keep

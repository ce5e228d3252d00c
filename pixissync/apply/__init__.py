"""Apply approved proposals to their target systems, exactly once and resumably.

``apply_batch(store, batch_id, connectors, user=admin)`` is the entry point;
see :mod:`pixissync.apply.engine` for the order of events that makes it safe.
"""

from __future__ import annotations

from pixissync.apply.engine import (
    PARENT_ENTITY,
    ApplyInProgress,
    ApplyReport,
    Backoff,
    apply_batch,
)
from pixissync.apply.order import dependency_order
from pixissync.apply.values import typed_values

__all__ = [
    "PARENT_ENTITY",
    "ApplyInProgress",
    "ApplyReport",
    "Backoff",
    "apply_batch",
    "dependency_order",
    "typed_values",
]

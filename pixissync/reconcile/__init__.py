"""Month-end reconciliation: do the field system and the ERP tie out, and what explains it.

Public API::

    from pixissync.reconcile import load_sides, tie_out, Period, load_tolerances
"""

from __future__ import annotations

from pixissync.reconcile.inputs import Sides, load_sides, sides_from_frames
from pixissync.reconcile.tie_out import (
    EXCEPTION_SCHEMA,
    MEASURES,
    SUMMARY_SCHEMA,
    Period,
    Reconciliation,
    tie_out,
)
from pixissync.reconcile.tolerances import Tolerances, load_tolerances

__all__ = [
    "EXCEPTION_SCHEMA",
    "MEASURES",
    "SUMMARY_SCHEMA",
    "Period",
    "Reconciliation",
    "Sides",
    "Tolerances",
    "load_sides",
    "load_tolerances",
    "sides_from_frames",
    "tie_out",
]

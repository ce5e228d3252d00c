"""Reconciliation tolerances, read from the ``reconcile:`` section of ``rules/invoices.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from pixissync.errors import RuleFileError
from pixissync.matching import rules_path

_KEYS = {"amount_tolerance", "date_tolerance_days"}


@dataclass(frozen=True)
class Tolerances:
    """How far a paired invoice may differ before it is an exception.

    ``amount`` is exact money (a difference larger than it is listed);
    ``date_days`` is whole days. A pair dated in different months is always
    listed, since it moves money from one period to another.
    """

    amount: Decimal = Decimal("0.00")
    date_days: int = 0


def load_tolerances(path: str | Path | None = None) -> Tolerances:
    """Read the ``reconcile:`` section of the invoice rule file (defaults when absent).

    Raises:
        RuleFileError: the section or one of its values is malformed; names file and key.
    """
    file = Path(path) if path is not None else rules_path("invoices")
    source = str(file)
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RuleFileError(source, "", f"cannot read the file: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise RuleFileError(source, "", f"YAML error: {exc}") from None
    section: Any = (data or {}).get("reconcile") if isinstance(data, dict) else None
    if section is None:
        return Tolerances()
    return parse_tolerances(section, source=source)


def parse_tolerances(section: Any, *, source: str = "<rules>") -> Tolerances:
    """Check and convert a parsed ``reconcile:`` mapping."""
    if not isinstance(section, dict):
        raise RuleFileError(source, "reconcile", "expected a mapping")
    for key in section:
        if key not in _KEYS:
            raise RuleFileError(
                source, f"reconcile.{key}", f"unknown key; allowed: {', '.join(sorted(_KEYS))}"
            )
    raw_amount = section.get("amount_tolerance", "0.00")
    if isinstance(raw_amount, float):
        # A YAML float has already lost exactness; ask for a quoted amount.
        raise RuleFileError(
            source,
            "reconcile.amount_tolerance",
            f"write the amount quoted, e.g. '{raw_amount:.2f}'",
        )
    try:
        amount = Decimal(str(raw_amount))
    except InvalidOperation:
        raise RuleFileError(
            source, "reconcile.amount_tolerance", f"{raw_amount!r} is not an amount"
        ) from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise RuleFileError(
            source, "reconcile.amount_tolerance", f"{raw_amount!r} must be >= 0 with cents at most"
        )
    days = section.get("date_tolerance_days", 0)
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 366:
        raise RuleFileError(
            source, "reconcile.date_tolerance_days", f"{days!r} must be whole days 0..366"
        )
    return Tolerances(amount.quantize(Decimal("0.01")), days)

"""Proposal values back to canonical Python types before they reach a connector.

The store keeps values as JSON (money and dates as strings, so they stay
exact); a connector should receive ``Decimal``, ``date`` and ``datetime``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import polars as pl

from pixissync.errors import PermanentError
from pixissync.model import ENTITIES

# A list-valued field of an entity holds rows of a child entity.
CHILDREN = {
    ("invoice", "lines"): "invoice_line",
    ("payment", "applications"): "payment_application",
}


def typed_values(entity: str, values: dict[str, Any]) -> dict[str, Any]:
    """Convert JSON values of ``entity`` to the canonical types of its columns.

    Raises:
        PermanentError: a value cannot be read as its column's type (names the field).
    """
    spec = ENTITIES.get(entity)
    out: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            child = CHILDREN.get((entity, name), f"{entity}_{name.removesuffix('s')}")
            out[name] = [typed_values(child, row) for row in value]
            continue
        dtype = spec.columns.get(name) if spec else None
        out[name] = _convert(entity, name, value, dtype)
    return out


def _convert(entity: str, name: str, value: Any, dtype: pl.DataType | None) -> Any:
    if value is None or dtype is None or value == "":
        return None if value == "" and dtype is not None and dtype != pl.String else value
    try:
        if isinstance(dtype, pl.Decimal):
            amount = Decimal(str(value))
            if not amount.is_finite():
                raise InvalidOperation
            return amount.quantize(Decimal(1).scaleb(-(dtype.scale or 0)))
        if dtype == pl.Date:
            return value if isinstance(value, date) else date.fromisoformat(str(value))
        if isinstance(dtype, pl.Datetime):
            moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
            return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
        if dtype.is_integer():
            return int(value)
        if dtype == pl.Boolean:
            if isinstance(value, bool):
                return value
            lowered = str(value).strip().lower()
            if lowered in ("true", "1", "yes", "y"):
                return True
            if lowered in ("false", "0", "no", "n"):
                return False
            raise ValueError(value)
    except (InvalidOperation, ValueError, TypeError):
        raise PermanentError(f"{entity} field {name!r}: {value!r} is not a valid {dtype}") from None
    return value

"""Acumatica's JSON shapes: value wrapping, entity names, hours as ``HH:MM``, field errors."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

ENDPOINT = "/entity/Default/24.200.001"

# canonical entity -> (Acumatica entity, key field, $expand)
ENTITY_MAP: dict[str, tuple[str, str, str]] = {
    "customer": ("Customer", "CustomerID", "MainContact/Address"),
    "job": ("Project", "ProjectID", ""),
    "invoice": ("Invoice", "ReferenceNbr", ""),
    "invoice_line": ("Invoice", "ReferenceNbr", "Details"),
    "payment": ("Payment", "ReferenceNbr", ""),
    "payment_application": ("Payment", "ReferenceNbr", "DocumentsToApply"),
    "time_entry": ("TimeEntry", "TimeEntryID", ""),
    "cost_code": ("CostCode", "CostCodeID", ""),
}
REFERENCE_FIELDS: dict[str, str] = {
    "Customer": "ExternalRef",
    "Project": "ExternalRefNbr",
    "Invoice": "CustomerOrder",
    "Payment": "ExternalRef",
    "TimeEntry": "ExternalRefNbr",
}


def unwrap(value: Any) -> Any:
    """``{"value": v}`` → ``v``, recursively through objects and lists."""
    if isinstance(value, dict):
        if "value" in value and set(value) <= {"value", "error"}:
            return value["value"]
        return {k: unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap(v) for v in value]
    return value


def wrap(values: Mapping[str, Any]) -> dict[str, Any]:
    """Canonical Python values → Acumatica's wrapped JSON (None fields left out)."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, Mapping):
            out[key] = wrap(value)
        elif isinstance(value, list):
            out[key] = [wrap(v) for v in value]
        elif isinstance(value, Decimal):
            out[key] = {"value": format(value, "f")}
        elif isinstance(value, datetime | date):
            out[key] = {"value": value.isoformat()}
        else:
            out[key] = {"value": value}
    return out


def hhmm_to_hours(value: Any) -> Decimal | None:
    """``"07:20"`` → ``Decimal("7.33")``; plain numbers are taken as hours."""
    if value in (None, ""):
        return None
    raw = str(value)
    if ":" in raw:
        hours, minutes = raw.split(":", 1)
        total = Decimal(int(hours)) + Decimal(int(minutes)) / 60
    else:
        total = Decimal(raw)
    return total.quantize(Decimal("0.01"))


def hours_to_hhmm(value: Any) -> str | None:
    """Exact hours → ``"HH:MM"`` to the nearest minute."""
    if value in (None, ""):
        return None
    minutes = int((Decimal(str(value)) * 60).to_integral_value())
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def field_errors(body: Any, path: str = "") -> list[str]:
    """The per-field ``error`` properties of a 422 answer, as ``Field: message``."""
    found: list[str] = []
    if isinstance(body, dict):
        for key, value in body.items():
            if key == "error" and isinstance(value, str) and path:
                found.append(f"{path}: {value}")
            elif isinstance(value, dict | list):
                found.extend(field_errors(value, f"{path}.{key}" if path else key))
    elif isinstance(body, list):
        for n, item in enumerate(body, 1):
            found.extend(field_errors(item, f"{path}[{n}]"))
    return found


def day(value: Any) -> str | None:
    return str(value)[:10] if value else None

"""Canonical frames → Acumatica records (unwrapped), to seed the stand-in's ERP side."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Any

import polars as pl


def hours_to_hhmm(hours: Decimal | None) -> str | None:
    """``7.5`` → ``"07:30"`` (Acumatica keeps time spent to the minute)."""
    if hours is None:
        return None
    minutes = int((Decimal(hours) * 60).to_integral_value())
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _when(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time(0), UTC)


def _rows(frames: Mapping[str, pl.DataFrame], entity: str) -> list[dict[str, Any]]:
    frame = frames.get(entity)
    return [] if frame is None else frame.to_dicts()


def seed_records(frames: Mapping[str, pl.DataFrame]) -> dict[str, list[dict[str, Any]]]:
    """Records per Acumatica entity, keyed by the canonical ids.

    Canonical ``customer_id`` → ``CustomerID``, ``job_number`` (else ``job_id``)
    → ``ProjectID``, ``invoice_number`` → ``ReferenceNbr``, ``payment_id`` →
    payment ``ReferenceNbr``, ``entry_id`` → ``TimeEntryID``.
    """
    out: dict[str, list[dict[str, Any]]] = {}
    out["Customer"] = [
        {
            "CustomerID": r["customer_id"],
            "CustomerName": r.get("name"),
            "Status": "Active" if (r.get("status") or "active") == "active" else "Inactive",
            "ExternalRef": r.get("external_ref"),
            "MainContact": {
                "Email": r.get("email"),
                "Phone1": r.get("phone"),
                "Address": {
                    "AddressLine1": r.get("address1"),
                    "AddressLine2": r.get("address2"),
                    "City": r.get("city"),
                    "State": r.get("state"),
                    "PostalCode": r.get("postal_code"),
                },
            },
            "LastModifiedDateTime": _when(r.get("updated_at")),
        }
        for r in _rows(frames, "customer")
    ]
    project_of = {r["job_id"]: r.get("job_number") or r["job_id"] for r in _rows(frames, "job")}
    out["Project"] = [
        {
            "ProjectID": project_of[r["job_id"]],
            "Customer": r.get("customer_id"),
            "Description": r.get("name"),
            "Status": (r.get("status") or "Active").title(),
            "ExternalRefNbr": r.get("external_ref"),
            "LastModifiedDateTime": _when(r.get("updated_at")),
        }
        for r in _rows(frames, "job")
    ]
    details: dict[str, list[dict[str, Any]]] = {}
    for r in sorted(_rows(frames, "invoice_line"), key=lambda r: (r["invoice_id"], r["line_no"])):
        details.setdefault(r["invoice_id"], []).append(
            {
                "LineNbr": r["line_no"],
                "TransactionDescription": r.get("description"),
                "Qty": r.get("quantity"),
                "UnitPrice": r.get("unit_price"),
                "Amount": r.get("amount"),
                "Account": r.get("gl_account"),
                "CostCode": r.get("cost_code"),
            }
        )
    number_of = {r["invoice_id"]: r.get("invoice_number") for r in _rows(frames, "invoice")}
    out["Invoice"] = [
        {
            "Type": "Invoice",
            "ReferenceNbr": r.get("invoice_number") or r["invoice_id"],
            "Customer": r.get("customer_id"),
            "Project": project_of.get(r.get("job_id")),
            "Date": _when(r.get("invoice_date")),
            "DueDate": _when(r.get("due_date")),
            "DetailTotal": r.get("subtotal"),
            "TaxTotal": r.get("tax"),
            "Amount": r.get("total"),
            "Balance": r.get("balance"),
            "Status": "Closed" if r.get("balance") == 0 else "Open",
            "CustomerOrder": r.get("external_ref"),
            "Details": details.get(r["invoice_id"], []),
            "LastModifiedDateTime": _when(r.get("updated_at")),
        }
        for r in _rows(frames, "invoice")
    ]
    applied: dict[str, list[dict[str, Any]]] = {}
    for r in _rows(frames, "payment_application"):
        applied.setdefault(r["payment_id"], []).append(
            {
                "DocType": "Invoice",
                "ReferenceNbr": number_of.get(r["invoice_id"], r["invoice_id"]),
                "AmountPaid": r.get("amount"),
            }
        )
    out["Payment"] = [
        {
            "Type": "Payment",
            "ReferenceNbr": r["payment_id"],
            "CustomerID": r.get("customer_id"),
            "PaymentAmount": r.get("amount"),
            "ApplicationDate": _when(r.get("payment_date")),
            "PaymentRef": r.get("reference"),
            "PaymentMethod": (r.get("method") or "CHECK").upper(),
            "ExternalRef": r.get("external_ref"),
            "DocumentsToApply": applied.get(r["payment_id"], []),
            "LastModifiedDateTime": _when(r.get("updated_at")),
        }
        for r in _rows(frames, "payment")
    ]
    out["TimeEntry"] = [
        {
            "TimeEntryID": r["entry_id"],
            "Employee": r.get("employee_id"),
            "Date": _when(r.get("work_date")),
            "ProjectID": project_of.get(r.get("job_id")) or r.get("job_number"),
            "CostCode": r.get("cost_code"),
            "TimeSpent": hours_to_hhmm(r.get("regular_hours")),
            "Overtime": hours_to_hhmm(
                (r.get("overtime_hours") or Decimal(0)) + (r.get("doubletime_hours") or Decimal(0))
            ),
            "ApprovalStatus": "Approved" if r.get("approved") else "Pending approval",
            "ExternalRefNbr": r.get("external_ref"),
            "LastModifiedDateTime": _when(r.get("updated_at")),
        }
        for r in _rows(frames, "time_entry")
    ]
    out["CostCode"] = [
        {
            "CostCodeID": r["cost_code"],
            "Description": r.get("description"),
            "LastModifiedDateTime": _when(r.get("updated_at")),
        }
        for r in _rows(frames, "cost_code")
    ]
    return out

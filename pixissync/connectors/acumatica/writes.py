"""Canonical changes → Acumatica records to ``PUT`` (before value wrapping)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pixissync.connectors.acumatica.shapes import hours_to_hhmm
from pixissync.connectors.base import Change
from pixissync.connectors.http.base import text


def change_body(change: Change) -> dict[str, Any]:
    """The Acumatica record (unwrapped) for a canonical create or update."""
    v, parents = change.values, change.parents
    if change.entity == "customer":
        address = {
            "AddressLine1": v.get("address1"),
            "AddressLine2": v.get("address2"),
            "City": v.get("city"),
            "State": v.get("state"),
            "PostalCode": v.get("postal_code"),
        }
        contact: dict[str, Any] = {"Email": v.get("email"), "Phone1": v.get("phone")}
        if any(x is not None for x in address.values()):
            contact["Address"] = address
        status = v.get("status")
        return {
            "CustomerName": v.get("name"),
            "Status": None if status is None else str(status).title(),
            "MainContact": contact if any(x is not None for x in contact.values()) else None,
        }
    if change.entity == "job":
        return {
            "ProjectID": v.get("job_number") if change.action == "create" else None,
            "Customer": parents.get("customer_id") or v.get("customer_id"),
            "Description": v.get("name"),
        }
    if change.entity == "invoice":
        return {
            "Type": "Invoice",
            "Customer": parents.get("customer_id") or v.get("customer_id"),
            "Project": parents.get("job_id") or v.get("job_id"),
            "Date": text(v.get("invoice_date")),
            "DueDate": text(v.get("due_date")),
            "Details": [
                {
                    "TransactionDescription": line.get("description"),
                    "Qty": line.get("quantity"),
                    "UnitPrice": line.get("unit_price"),
                    "Amount": line.get("amount"),
                    "Account": line.get("gl_account"),
                    "CostCode": line.get("cost_code"),
                }
                for line in v.get("lines") or []
            ],
        }
    if change.entity == "payment":
        return {
            "Type": "Payment",
            "CustomerID": parents.get("customer_id") or v.get("customer_id"),
            "PaymentAmount": v.get("amount"),
            "ApplicationDate": text(v.get("payment_date")),
            "PaymentRef": v.get("reference"),
            "PaymentMethod": str(v.get("method") or "CHECK").upper(),
            "DocumentsToApply": [
                {
                    "DocType": "Invoice",
                    "ReferenceNbr": a["invoice_id"],
                    "AmountPaid": a["amount"],
                }
                for a in v.get("applications") or []
            ],
        }
    # time_entry
    overtime = sum(
        (Decimal(str(v.get(c) or 0)) for c in ("overtime_hours", "doubletime_hours")),
        Decimal(0),
    )
    return {
        "Employee": v.get("employee_id"),
        "Date": text(v.get("work_date")),
        "ProjectID": parents.get("job_id") or v.get("job_number") or v.get("job_id"),
        "CostCode": v.get("cost_code"),
        "TimeSpent": hours_to_hhmm(v.get("regular_hours")),
        "Overtime": hours_to_hhmm(overtime) if overtime else None,
    }

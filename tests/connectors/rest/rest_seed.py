"""A small sample company in canonical frames, built in memory for fast tests."""

from __future__ import annotations

from typing import Any

import polars as pl

from pixissync.connectors.http.client import RetryPolicy
from pixissync.model import conform

# Real waits would make the suite slow; the backoff arithmetic is tested on its own.
FAST = RetryPolicy(attempts=10, base_delay=0.001, max_delay=0.01)


def _frame(entity: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    raw = pl.DataFrame(rows, schema=dict.fromkeys(rows[0], pl.String()))
    valid, quarantine = conform(entity, raw, source="test seed")
    assert quarantine.height == 0, quarantine
    return valid


def field_frames() -> dict[str, pl.DataFrame]:
    """Five customers, six jobs, four invoices with lines, two payments, four clock entries."""
    t = "2025-03-01T12:00:00+00:00"

    def at(day: int) -> str:
        # Distinct change times, so incremental pulls have something to cut.
        return f"2025-03-{day + 1:02d}T12:00:00+00:00"

    customers = [
        {
            "customer_id": str(100 + i),
            "name": name,
            "address1": f"{i} Main St",
            "address2": None,
            "city": "Raleigh",
            "state": "NC",
            "postal_code": "27601",
            "phone": f"919-555-010{i}",
            "email": f"ap{i}@example.com",
            "status": "active",
            "updated_at": at(i),
        }
        for i, name in enumerate(
            ["Acme Mechanical", "Blue Ridge Foods", "Cary Dental", "Durham Labs", "Elm Hotel"]
        )
    ]
    statuses = ["scheduled", "completed", "closed", "scheduled", "canceled", "completed"]
    jobs = [
        {
            "job_id": str(200 + i),
            "job_number": f"J-{1000 + i}",
            "name": f"PM visit {i}",
            "customer_id": str(100 + i % 5),
            "address1": f"{10 + i} Site Rd",
            "city": "Durham",
            "state": "NC",
            "postal_code": "27701",
            "status": statuses[i],
            "updated_at": at(i),
        }
        for i in range(6)
    ]
    invoices = [
        {
            "invoice_id": str(300 + i),
            "invoice_number": f"INV-{5000 + i}",
            "customer_id": str(100 + i),
            "job_id": str(200 + i),
            "invoice_date": "2025-02-1" + str(i),
            "due_date": "2025-03-1" + str(i),
            "subtotal": f"{100 * (i + 1)}.10",
            "tax": "7.25",
            "total": f"{100 * (i + 1) + 7}.35",
            "balance": f"{100 * (i + 1) + 7}.35",
            "status": "ok",
            "updated_at": at(i),
        }
        for i in range(4)
    ]
    lines = [
        {
            "invoice_id": str(300 + i),
            "line_no": str(n),
            "description": f"Labor {n}",
            "quantity": "1.5",
            "unit_price": "33.4000",
            "amount": "50.10" if n == 1 else f"{100 * (i + 1) - 50}.00",
            "cost_code": "01-100",
            "gl_account": "4000",
        }
        for i in range(4)
        for n in (1, 2)
    ]
    payments = [
        {
            "payment_id": "400",
            "customer_id": "100",
            "payment_date": "2025-03-05",
            "amount": "107.35",
            "reference": "CHK 1001",
            "method": "check",
            "updated_at": t,
        },
        {
            "payment_id": "401",
            "customer_id": "101",
            "payment_date": "2025-03-06",
            "amount": "50.00",
            "reference": "ACH 77",
            "method": "ach",
            "updated_at": t,
        },
    ]
    applications = [
        {"payment_id": "400", "invoice_id": "300", "amount": "107.35"},
        {"payment_id": "401", "invoice_id": "301", "amount": "50.00"},
    ]
    time_entries = [
        {
            "entry_id": str(500 + i),
            "employee_id": f"E{i % 2 + 1}",
            "job_id": str(200 + i),
            "job_number": f"J-{1000 + i}",
            "cost_code": "01-100",
            "work_date": f"2025-03-0{i + 1}",
            "regular_hours": ["8.00", "7.50", "6.25", "7.33"][i],
            "overtime_hours": "0",
            "doubletime_hours": "0",
            "approved": "true",
            "updated_at": at(i),
        }
        for i in range(4)
    ]
    cost_codes = [
        {"cost_code": "01-100", "description": "Labor", "updated_at": t},
        {"cost_code": "02-200", "description": "Material", "updated_at": t},
    ]
    employees = [
        {
            "employee_id": "E1",
            "first_name": "Ana",
            "last_name": "Ruiz",
            "status": "active",
            "updated_at": t,
        },
        {
            "employee_id": "E2",
            "first_name": "Bo",
            "last_name": "Lee",
            "status": "inactive",
            "updated_at": t,
        },
    ]
    for employee in employees:
        employee["updated_at"] = t
    return {
        "employee": _frame("employee", employees),
        "cost_code": _frame("cost_code", cost_codes),
        "customer": _frame("customer", customers),
        "job": _frame("job", jobs),
        "invoice": _frame("invoice", invoices),
        "invoice_line": _frame("invoice_line", lines),
        "payment": _frame("payment", payments),
        "payment_application": _frame("payment_application", applications),
        "time_entry": _frame("time_entry", time_entries),
    }

"""A tiny canonical company (a handful of rows per entity) for connector tests.

Every figure is chosen so a reader can check it by hand: invoice 1001 is
100.00 + 8.00 tax, paid 50.00 by check 555; employee 7 worked 8 regular and 2
overtime hours on job J-100, cost code 01-100, on 2024-03-05.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

import polars as pl

from pixissync.model import ENTITIES

STAMP = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
LATER = datetime(2024, 3, 2, 9, 30, tzinfo=UTC)
LATEST = datetime(2024, 3, 3, 16, 45, tzinfo=UTC)
D = Decimal


def _frame(entity: str, rows: Sequence[Mapping[str, object]]) -> pl.DataFrame:
    columns = ENTITIES[entity].columns
    return pl.DataFrame(
        [{c: r.get(c) for c in columns} for r in rows], schema=columns, orient="row"
    )


def tiny_company(day: date = date(2024, 3, 5)) -> dict[str, pl.DataFrame]:
    """Canonical frames by entity for three customers, three jobs and their money and time."""
    customers = [
        {"customer_id": "101", "name": "Hargrove Mechanical", "address1": "12 Tryon St",
         "city": "Charlotte", "state": "NC", "postal_code": "28202", "phone": "704-555-0101",
         "email": "ap@hargrove.example", "status": "active", "updated_at": STAMP},
        {"customer_id": "102", "name": "Pendleton Schools", "address1": "400 Sardis Rd",
         "city": "Matthews", "state": "NC", "postal_code": "28105", "phone": "704-555-0102",
         "status": "active", "updated_at": LATER},
        {"customer_id": "103", "name": "Okafor Dental", "city": "Huntersville", "state": "NC",
         "status": "inactive", "updated_at": LATEST},
    ]  # fmt: skip
    jobs = [
        {"job_id": "J-100", "job_number": "J-100", "name": "Rooftop units", "customer_id": "101",
         "status": "open", "updated_at": STAMP},
        {"job_id": "J-200", "job_number": "J-200", "name": "Boiler retrofit",
         "customer_id": "102", "status": "open", "updated_at": LATER},
        {"job_id": "J-300", "job_number": "J-300", "name": "Chair plumbing",
         "customer_id": "103", "status": "closed", "updated_at": LATEST},
    ]  # fmt: skip
    codes = [
        {"cost_code": "01-100", "description": "Labor", "updated_at": STAMP},
        {"cost_code": "02-200", "description": "Material", "updated_at": STAMP},
    ]
    employees = [
        {"employee_id": "7", "first_name": "Maria", "last_name": "Mercado", "status": "active",
         "pay_rate": D("30.00"), "updated_at": STAMP},
        {"employee_id": "8", "first_name": "Luis", "last_name": "Valdez", "status": "active",
         "pay_rate": D("25.00"), "updated_at": STAMP},
    ]  # fmt: skip
    invoices = [
        {"invoice_id": "I-1", "invoice_number": "1001", "customer_id": "101", "job_id": "J-100",
         "invoice_date": day, "due_date": date(2024, 4, 4), "subtotal": D("100.00"),
         "tax": D("8.00"), "total": D("108.00"), "balance": D("58.00"), "updated_at": STAMP},
        {"invoice_id": "I-2", "invoice_number": "1002", "customer_id": "102", "job_id": "J-200",
         "invoice_date": date(2024, 3, 7), "due_date": date(2024, 4, 6), "subtotal": D("250.00"),
         "tax": D("0.00"), "total": D("250.00"), "balance": D("250.00"), "updated_at": LATER},
        {"invoice_id": "I-3", "invoice_number": "1003", "customer_id": "103", "job_id": "J-300",
         "invoice_date": date(2024, 3, 8), "due_date": date(2024, 4, 7), "subtotal": D("75.00"),
         "tax": D("0.00"), "total": D("75.00"), "balance": D("75.00"), "updated_at": LATEST},
    ]  # fmt: skip
    lines = [
        {"invoice_id": "I-1", "line_no": 1, "description": "Service call", "quantity": D("1"),
         "unit_price": D("100"), "amount": D("100.00"), "cost_code": "01-100"},
        {"invoice_id": "I-2", "line_no": 1, "description": "Boiler parts", "quantity": D("2"),
         "unit_price": D("125"), "amount": D("250.00"), "cost_code": "02-200"},
    ]  # fmt: skip
    payments = [
        {"payment_id": "P-1", "customer_id": "101", "payment_date": date(2024, 3, 20),
         "amount": D("50.00"), "reference": "555", "method": "check", "updated_at": STAMP},
    ]  # fmt: skip
    applications = [{"payment_id": "P-1", "invoice_id": "I-1", "amount": D("50.00")}]
    time = [
        {"entry_id": "T-1", "employee_id": "7", "job_id": "J-100", "job_number": "J-100",
         "cost_code": "01-100", "work_date": day, "regular_hours": D("8.00"),
         "overtime_hours": D("2.00"), "doubletime_hours": D("0.00"), "approved": True,
         "updated_at": STAMP},
        {"entry_id": "T-2", "employee_id": "8", "job_id": "J-200", "job_number": "J-200",
         "cost_code": "02-200", "work_date": day, "regular_hours": D("6.50"),
         "overtime_hours": D("0.00"), "doubletime_hours": D("0.00"), "approved": True,
         "updated_at": STAMP},
    ]  # fmt: skip
    return {
        "customer": _frame("customer", customers),
        "job": _frame("job", jobs),
        "cost_code": _frame("cost_code", codes),
        "employee": _frame("employee", employees),
        "invoice": _frame("invoice", invoices),
        "invoice_line": _frame("invoice_line", lines),
        "payment": _frame("payment", payments),
        "payment_application": _frame("payment_application", applications),
        "time_entry": _frame("time_entry", time),
    }

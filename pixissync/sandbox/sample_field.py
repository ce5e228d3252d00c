"""Render the sample company as the field system's export, in canonical columns.

Money is a plain decimal string (``1234.50``), dates ISO, timestamps ISO with
``Z``. The field side sees its own ids (``C100001``, ``J200001``...), the job
numbers both systems share, employees by payroll number and the payments it was
told about; invoice balances reflect only those payments.
"""

from __future__ import annotations

from decimal import Decimal

from pixissync.model import ENTITIES
from pixissync.sandbox.sample_model import Company, money_text, stamp

Rows = list[dict[str, str]]


def _hours(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), "f")


def field_tables(company: Company) -> dict[str, Rows]:
    """Every canonical entity's rows as the field system exports them."""
    c = company
    out: dict[str, Rows] = {}
    out["customer"] = [
        {
            "customer_id": x.fid, "name": x.name, "address1": x.address1, "address2": x.address2,
            "city": x.city, "state": x.state, "postal_code": x.postal_code, "phone": x.phone,
            "email": x.email, "status": x.status, "external_ref": "",
            "updated_at": stamp(x.updated),
        }
        for x in c.customers
    ]  # fmt: skip
    out["job"] = [
        {
            "job_id": j.fid, "job_number": str(j.number), "name": j.name,
            "customer_id": c.customers[j.customer].fid, "address1": j.address1, "city": j.city,
            "state": j.state, "postal_code": j.postal_code, "status": j.status,
            "external_ref": "", "updated_at": stamp(j.updated),
        }
        for j in c.jobs
    ]  # fmt: skip
    applied: dict[int, Decimal] = {}
    for p in c.payments:
        if p.in_field:
            for ix, amount in p.applications:
                applied[ix] = applied.get(ix, Decimal(0)) + amount
    invoices: Rows = []
    lines: Rows = []
    for ix, inv in enumerate(c.invoices):
        field_lines = inv.field_lines or inv.lines
        total = inv.total(field_lines)
        balance = total - applied.get(ix, Decimal(0))
        when = inv.field_date or inv.invoice_date
        job = c.jobs[inv.job]
        invoices.append(
            {
                "invoice_id": inv.fid, "invoice_number": inv.field_number or inv.number,
                "customer_id": c.customers[job.customer].fid, "job_id": job.fid,
                "invoice_date": when.isoformat(), "due_date": inv.due_date.isoformat(),
                "subtotal": money_text(inv.subtotal(field_lines)),
                "tax": money_text(inv.tax(field_lines)), "total": money_text(total),
                "balance": money_text(balance), "status": "paid" if balance == 0 else "open",
                "external_ref": "", "updated_at": stamp(inv.updated),
            }
        )  # fmt: skip
        for n, line in enumerate(field_lines, start=1):
            lines.append(
                {
                    "invoice_id": inv.fid, "line_no": str(n), "description": line.description,
                    "quantity": format(line.quantity, "f"),
                    "unit_price": format(line.unit_price, "f"),
                    "amount": money_text(line.amount), "cost_code": line.cost_code,
                    "gl_account": line.gl_account,
                }
            )  # fmt: skip
    out["invoice"], out["invoice_line"] = invoices, lines
    shown = [p for p in c.payments if p.in_field]
    out["payment"] = [
        {
            "payment_id": p.fid, "customer_id": c.customers[p.customer].fid,
            "payment_date": p.payment_date.isoformat(), "amount": money_text(p.amount),
            "reference": p.check_number, "method": p.method, "external_ref": "",
            "updated_at": stamp(p.created),
        }
        for p in shown
    ]  # fmt: skip
    out["payment_application"] = [
        {"payment_id": p.fid, "invoice_id": c.invoices[ix].fid, "amount": money_text(amount)}
        for p in shown
        for ix, amount in p.applications
    ]
    out["time_entry"] = [
        {
            "entry_id": t.fid, "employee_id": str(c.employees[t.employee].recnum),
            "job_id": c.jobs[t.job].fid, "job_number": str(c.jobs[t.job].number),
            "cost_code": t.cost_code, "work_date": t.work_date.isoformat(),
            "regular_hours": _hours(t.regular), "overtime_hours": _hours(t.overtime),
            "doubletime_hours": _hours(t.doubletime), "approved": "true", "external_ref": "",
            "updated_at": stamp(t.updated),
        }
        for t in c.time_entries
    ]  # fmt: skip
    out["employee"] = [
        {
            "employee_id": str(e.recnum), "first_name": e.first_name, "last_name": e.last_name,
            "status": e.status, "pay_rate": money_text(e.pay_rate), "updated_at": stamp(e.created),
        }
        for e in c.employees
    ]  # fmt: skip
    first = min(x.created for x in c.employees)
    out["cost_code"] = [
        {"cost_code": code, "description": description, "updated_at": stamp(first)}
        for code, description, _, _ in c.cost_codes
    ]
    _append_invalid(company, out)
    for entity, rows in out.items():
        columns = list(ENTITIES[entity].columns)
        assert all(list(row) == columns for row in rows), entity
    return out


def _append_invalid(company: Company, out: dict[str, Rows]) -> None:
    """Add the planted invalid rows: a copy of a good row with one bad value."""
    for entity, bad_rows in company.invalid_rows.items():
        id_column = ENTITIES[entity].id_column
        for bad in bad_rows:
            row = dict(out[entity][0])
            row[id_column] = bad["id"]
            row.update({k: v for k, v in bad.items() if k != "id"})
            out[entity].append(row)

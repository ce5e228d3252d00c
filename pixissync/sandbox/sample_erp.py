"""Render the sample company as Sage 100 Contractor holds it, table by table.

The ERP holds what was synced historically, entered by hand: same job numbers,
invoice numbers and payroll numbers, its own record numbers for customers,
invoices and time, no PixisSync reference yet (``usrdf1`` empty), every payment
the office received, and its own spellings. Status codes written here are the
ones :mod:`pixissync.connectors.sage100c.tables` maps back to canonical words.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from pixissync.connectors.sage100c.schema import TABLES
from pixissync.sandbox.sample_model import Company, Customer, money_text, sql_stamp

Rows = list[dict[str, str]]

JOB_STATUS = {"current": "4", "complete": "5", "closed": "6"}
JOB_TYPE = {"HVAC": "1", "Plumbing": "2", "Fire": "3"}
WORKERS_COMP = {"HVAC": "5537", "Plumbing": "5183", "Fire": "5188"}
CLERKS = ("jmercado", "kwhitfield", "admin")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return sql_stamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _audit(created: datetime, updated: datetime, n: int) -> dict[str, str]:
    return {
        "insdte": sql_stamp(created), "insusr": CLERKS[n % 3],
        "upddte": sql_stamp(max(created, updated)), "updusr": CLERKS[(n + 1) % 3],
    }  # fmt: skip


def _shtnme(name: str) -> str:
    return "".join(ch for ch in name.upper() if ch.isalnum())[:10]


def erp_tables(company: Company) -> dict[str, Rows]:
    """Every Sage table's rows, as strings in the table's column order."""
    c = company
    raw: dict[str, list[dict[str, object]]] = {name: [] for name in TABLES}
    clients: list[Customer] = [x for x in c.customers if x.recnum is not None]
    clients += [twin for _, twin in c.erp_duplicates]
    for x in sorted(clients, key=lambda x: x.recnum or 0):
        name = x.erp_name or x.name
        raw["reccln"].append(
            {
                "recnum": x.recnum, "shtnme": _shtnme(name), "clnnme": name,
                "addrs1": x.erp_address1 or x.address1, "addrs2": x.address2, "ctynme": x.city,
                "state_": x.state, "zipcde": x.postal_code, "phnnum": x.phone, "e_mail": x.email,
                "status": 1 if x.status == "active" else 2, "clntyp": 1, "taxdst": x.tax_district,
                **_audit(x.created, x.updated, x.recnum or 0),
            }
        )  # fmt: skip
    for j in c.jobs:
        if not j.in_erp:
            continue
        done = j.status != "current"
        raw["actrec"].append(
            {
                "recnum": j.number, "jobnme": j.name, "shtnme": _shtnme(j.name),
                "clnnum": c.customers[j.customer].recnum, "addrs1": j.address1,
                "ctynme": j.city, "state_": j.state, "zipcde": j.postal_code,
                "status": JOB_STATUS[j.status], "jobtyp": JOB_TYPE[j.trade], "cntrct": j.contract,
                "retain": Decimal("10.00") if j.contract > 50000 else Decimal("0.00"),
                "sttdte": j.start, "cmpdte": j.start + timedelta(days=60) if done else None,
                **_audit(j.created, j.updated, j.number),
            }
        )  # fmt: skip
    _invoices(company, raw)
    _time(company, raw)
    for e in c.employees:
        if e.in_erp:
            raw["employ"].append(
                {
                    "recnum": e.recnum, "fstnme": e.first_name, "lstnme": e.last_name,
                    "status": 1, "payrt1": e.pay_rate.quantize(Decimal("0.0001")),
                    **_audit(e.created, e.created, e.recnum),
                }
            )  # fmt: skip
    first = min(e.created for e in c.employees)
    for n, (code, description, _, in_erp) in enumerate(c.cost_codes):
        if in_erp:
            raw["cstcde"].append(
                {"recnum": code, "cdenme": description, "divnum": int(code.split(".")[0]),
                 **_audit(first, first, n)}
            )  # fmt: skip
    raw["cstcde"].sort(key=lambda row: Decimal(str(row["recnum"])))
    for period in range(1, 13):
        begin = date(2026, period, 1)
        end = date(2026 + period // 12, period % 12 + 1, 1) - timedelta(days=1)
        stamp = datetime(2026, 1, 2, 14, 0)
        raw["lckprd"].append(
            {"postyr": 2026, "actper": period, "begdte": begin, "enddte": end,
             "locked": 1 if period <= 7 else 0, **_audit(stamp, stamp, period)}
        )  # fmt: skip
    out: dict[str, Rows] = {}
    for name, rows in raw.items():
        columns = [col.name for col in TABLES[name].columns]
        out[name] = [
            {col: _text(idnum if col == "_idnum" else row.get(col)) for col in columns}
            for idnum, row in enumerate(rows, start=1)
        ]
    return out


def _invoices(company: Company, raw: dict[str, list[dict[str, object]]]) -> None:
    c = company
    applied: dict[int, Decimal] = {}
    payment_lines: list[dict[str, object]] = []
    line_count: dict[int, int] = {}
    for p in sorted(c.payments, key=lambda p: (p.payment_date, p.fid)):
        for ix, amount in p.applications:
            applied[ix] = applied.get(ix, Decimal(0)) + amount
            line_count[ix] = line_count.get(ix, 0) + 1
            invoice = c.invoices[ix]
            payment_lines.append(
                {
                    "recnum": invoice.recnum, "linnum": line_count[ix], "chknum": p.check_number,
                    "chkdte": p.payment_date, "amount": amount, "dsctkn": Decimal("0.00"),
                    "aplcrd": Decimal("0.00"), "actper": p.payment_date.month,
                    "postyr": p.payment_date.year, **_audit(p.created, p.created, ix),
                }
            )  # fmt: skip
    idnum = 0
    for ix, inv in enumerate(c.invoices):
        if not inv.in_erp:
            continue
        idnum += 1
        total = inv.total()
        paid = applied.get(ix, Decimal(0))
        job = c.jobs[inv.job]
        raw["acrinv"].append(
            {
                "recnum": inv.recnum, "invnum": inv.number, "dscrpt": job.name.split(" - ")[-1],
                "invdte": inv.invoice_date, "duedte": inv.due_date, "jobnum": job.number,
                "invtyp": 1 if job.contract > 50000 else 2,
                "status": 4 if total - paid == 0 else 1, "retain": Decimal("0.00"),
                "slstax": inv.tax(), "invttl": total, "invbal": total - paid, "amtpad": paid,
                "actper": inv.invoice_date.month, "postyr": inv.invoice_date.year,
                "lgrrec": 70000 + (inv.recnum or 0) if inv.posted else None,
                **_audit(inv.created, inv.updated, ix),
            }
        )  # fmt: skip
        for n, line in enumerate(inv.lines, start=1):
            raw["arivln"].append(
                {
                    "recnum": inv.recnum, "_idref": idnum, "linnum": n,
                    "dscrpt": line.description, "linqty": line.quantity.quantize(Decimal("0.0001")),
                    "linprc": line.unit_price.quantize(Decimal("0.0001")),
                    "extprc": money_text(line.amount), "lgract": int(line.gl_account),
                    "cstcde": Decimal(line.cost_code).quantize(Decimal("0.001")),
                    **_audit(inv.created, inv.created, n),
                }
            )  # fmt: skip
    raw["acrpmt"] = sorted(
        payment_lines, key=lambda r: (int(str(r["recnum"])), int(str(r["linnum"])))
    )


def _time(company: Company, raw: dict[str, list[dict[str, object]]]) -> None:
    c = company
    for t in c.time_entries:
        if not t.in_erp:
            continue
        employee = c.employees[t.employee]
        job = c.jobs[t.job]
        pay = ((1, t.regular, 1), (2, t.overtime, Decimal("1.5")), (3, t.doubletime, 2))
        linnum = 0
        for paytyp, hours, factor in pay:
            if hours == 0:
                continue
            linnum += 1
            raw["dlypyr"].append(
                {
                    "recnum": t.recnum, "linnum": linnum, "empnum": employee.recnum,
                    "dtewrk": t.work_date, "jobnum": job.number,
                    "cstcde": Decimal(t.cost_code).quantize(Decimal("0.001")), "paytyp": paytyp,
                    "hrswrk": hours.quantize(Decimal("0.01")),
                    "payrte": (employee.pay_rate * factor).quantize(Decimal("0.0001")),
                    "cmpcde": WORKERS_COMP[employee.trade],
                    **_audit(t.updated, t.updated, t.recnum or 0),
                }
            )  # fmt: skip

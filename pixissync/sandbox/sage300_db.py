"""A Sage 300 CRE stand-in: a SQLite file with Timberline table names, read over real ODBC.

The connector reads it through Debian's SQLite ODBC driver (``DRIVER={SQLite3}``)
with ``pyodbc``, exactly as it reads Timberline Data. Both naming styles can be
built: ``"module"`` (``ARM_MASTER__CUSTOMER``) and ``"kind"``
(``MASTER_ARM_CUSTOMER``, with the job master split into ``MASTER_JCM_JOB_1``/``_2``
as wide tables are). Amounts are stored as exact decimal text.

:func:`run_import` is "the payroll clerk ran PR Import Time": it loads a finished
import file into job cost, rejecting lines whose employee, job or cost code does
not exist, as Sage 300 CRE does.
"""

from __future__ import annotations

import csv
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import polars as pl
import pyodbc

from pixissync.connectors.sage300cre.config import Sage300Settings
from pixissync.model import conform

Style = Literal["module", "kind"]
Target = str | Path  # a SQLite file, or an ODBC connection string ("DRIVER={...};...")
_STAMPS = (("date_stamp", "DATE"), ("time_stamp", "TEXT"))
# Logical table -> columns; the job master's second part is what spills past the split.
TABLES: dict[tuple[str, str, str], list[tuple[str, str]]] = {
    ("ARM", "MASTER", "CUSTOMER"): [
        ("Customer", "TEXT"),
        ("Name", "TEXT"),
        ("Address_1", "TEXT"),
        ("Address_2", "TEXT"),
        ("City", "TEXT"),
        ("State", "TEXT"),
        ("ZIP_Code", "TEXT"),
        ("Telephone", "TEXT"),
        ("Email", "TEXT"),
        ("Billing_Contact", "TEXT"),
        ("Status", "TEXT"),
        *_STAMPS,
    ],
    ("JCM", "MASTER", "JOB"): [
        ("Job", "TEXT"),
        ("Description", "TEXT"),
        ("Status", "TEXT"),
        ("Customer", "TEXT"),
        ("Cost_Account_Group", "TEXT"),
        ("Cost_Account_Prefix", "TEXT"),
        *_STAMPS,
        ("Address_1", "TEXT"),
        ("City", "TEXT"),
        ("State", "TEXT"),
        ("ZIP_Code", "TEXT"),
        ("JTD_Cost", "TEXT"),
    ],
    ("JCM", "MASTER", "COST_CODE"): [
        ("Job", "TEXT"),
        ("Extra", "TEXT"),
        ("Cost_Code", "TEXT"),
        ("Description", "TEXT"),
        ("Cost_Account", "TEXT"),
        ("Group_Cost_Code", "TEXT"),
    ],
    ("JCM", "MASTER", "STANDARD_COST_CODE"): [("Cost_Code", "TEXT"), ("Description", "TEXT")],
    ("ART", "CURRENT", "TRANSACTION"): [
        ("Customer", "TEXT"),
        ("Job", "TEXT"),
        ("Invoice", "TEXT"),
        ("Draw", "TEXT"),
        ("Transaction_Type", "TEXT"),
        ("Amount_Type", "TEXT"),
        ("Cash_Receipt", "TEXT"),
        ("Deposit_Date", "DATE"),
        ("Accounting_Date", "DATE"),
        ("Amount", "TEXT"),
        ("Retainage", "TEXT"),
        ("Status_Type", "TEXT"),
        ("Actvty_Seq", "INTEGER"),
        ("Run", "INTEGER"),
        *_STAMPS,
    ],
    ("ARA", "ACTIVITY", "ACTIVITY"): [
        ("Customer", "TEXT"),
        ("Invoice", "TEXT"),
        ("Invoice_Date", "DATE"),
        ("Due_Date", "DATE"),
        ("Description", "TEXT"),
    ],
    ("JCT", "CURRENT", "TRANSACTION"): [
        ("Job", "TEXT"),
        ("Extra", "TEXT"),
        ("Cost_Code", "TEXT"),
        ("Category", "TEXT"),
        ("Transaction_Type", "TEXT"),
        ("Date", "DATE"),
        ("Accounting_Date", "DATE"),
        ("Employee", "TEXT"),
        ("Pay_ID", "TEXT"),
        ("Units", "TEXT"),
        ("Amount", "TEXT"),
        ("Description", "TEXT"),
        ("Run", "INTEGER"),
        *_STAMPS,
    ],
    ("PRM", "MASTER", "EMPLOYEE"): [
        ("Employee", "TEXT"),
        ("First_Name", "TEXT"),
        ("Last_Name", "TEXT"),
        ("Status", "TEXT"),
        ("Pay_Rate", "TEXT"),
        *_STAMPS,
    ],
}
_SPLIT_AT = {("JCM", "MASTER", "JOB"): 8}  # columns in part 1; part 2 repeats the key "Job"


def table_parts(logical: tuple[str, str, str], style: Style) -> list[tuple[str, list[str]]]:
    """The physical tables (name, columns) of a logical table in a naming style."""
    module, kind, name = logical
    columns = [c for c, _ in TABLES[logical]]
    if style == "module":
        return [(f"{module}_{kind}__{name}", columns)]
    base = f"{kind}_{module}_{name}"
    split = _SPLIT_AT.get(logical)
    if split is None:
        return [(base, columns)]
    return [(f"{base}_1", columns[:split]), (f"{base}_2", [columns[0], *columns[split:]])]


# Amounts are exact decimal text in SQLite (it has no decimal type), NUMERIC elsewhere.
_MONEY_COLUMNS = frozenset({"Amount", "Retainage", "Units", "Pay_Rate", "JTD_Cost"})


def is_odbc(target: Target) -> bool:
    """A target is an ODBC connection string (``DRIVER=...``) or a SQLite file path."""
    return isinstance(target, str) and "DRIVER=" in target.upper()


def odbc_string(target: Target) -> str:
    """The ODBC connection string the connector reads the stand-in with."""
    return str(target) if is_odbc(target) else f"DRIVER={{SQLite3}};Database={target}"


def _sqlite(target: Target) -> bool:
    return not is_odbc(target) or "SQLITE" in str(target).upper()


def _open(target: Target) -> Any:
    """A DB-API connection: sqlite3 for a file (fast seeding), pyodbc for a connection string."""
    if is_odbc(target):
        return pyodbc.connect(str(target), autocommit=False)
    return sqlite3.connect(Path(target))


def create_sage300_db(target: Target, style: Style = "module") -> Target:
    """Create the Timberline tables in a SQLite file or over ODBC (replacing none that exist)."""
    sqlite = _sqlite(target)
    db = _open(target)
    try:
        for logical, typed in TABLES.items():
            types = {
                c: ("NUMERIC(14,2)" if c in _MONEY_COLUMNS and not sqlite else t) for c, t in typed
            }
            for table, columns in table_parts(logical, style):
                body = ", ".join(f'"{c}" {types[c]}' for c in columns)
                db.execute(f'CREATE TABLE IF NOT EXISTS "{table}" ({body})')
                # Timberline files are keyed on these; the import run looks them up.
                keys = [c for c in ("Job", "Customer", "Employee") if c in columns][:1]
                if keys:
                    db.execute(
                        f'CREATE INDEX IF NOT EXISTS "ix_{table}" ON "{table}" ("{keys[0]}")'
                    )
        db.commit()
    finally:
        db.close()
    return target if is_odbc(target) else Path(target)


def insert_rows(
    target: Target, logical: tuple[str, str, str], rows: list[dict[str, Any]], style: Style
) -> None:
    """Insert rows (by column name) into a logical table, splitting them across parts."""
    if not rows:
        return
    sqlite = _sqlite(target) and not is_odbc(target)
    db = _open(target)
    try:
        cursor = db.cursor()
        for table, columns in table_parts(logical, style):
            marks = ", ".join("?" for _ in columns)
            names = ", ".join(f'"{c}"' for c in columns)
            cursor.executemany(
                f'INSERT INTO "{table}" ({names}) VALUES ({marks})',
                [tuple(_sql(r.get(c), sqlite) for c in columns) for r in rows],
            )
        db.commit()
    finally:
        db.close()


def _sql(value: Any, sqlite: bool) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f") if sqlite else value
    if sqlite and isinstance(value, date):
        return value.isoformat()
    return value


def _stamp(moment: datetime | None, default: datetime | None = None) -> tuple[str, str]:
    # Rows without a change time share the seed's start, so they are one "change".
    at = (moment or default or datetime.now(UTC)).astimezone(UTC)
    return at.date().isoformat(), at.strftime("%H:%M:%S")


def _rows(frames: dict[str, pl.DataFrame], entity: str) -> list[dict[str, Any]]:
    raw = frames.get(entity)
    if raw is None or raw.height == 0:
        return []
    return conform(entity, raw, source=f"seed {entity}")[0].to_dicts()


def seed_from_canonical(
    target: Target, frames: dict[str, pl.DataFrame], *, style: Style = "module"
) -> dict[str, dict[str, str]]:
    """Create the tables and load canonical frames; return canonical id -> Sage key maps.

    ``target`` is a SQLite file path, or an ODBC connection string of another
    database (the tests also build the stand-in in PostgreSQL, read through
    psqlODBC, to prove the reader does not depend on one driver's habits).

    Sage 300 CRE keys are text, so customer, job and employee ids are kept as they
    are; invoices become ``<Customer>/<Invoice>``.
    """
    seeded_at = datetime.now(UTC).replace(microsecond=0)
    path = create_sage300_db(target, style)
    ins = insert_rows
    customers = _rows(frames, "customer")
    ins(
        path,
        ("ARM", "MASTER", "CUSTOMER"),
        [
            {
                "Customer": c["customer_id"],
                "Name": c["name"],
                "Address_1": c["address1"],
                "Address_2": c["address2"],
                "City": c["city"],
                "State": c["state"],
                "ZIP_Code": c["postal_code"],
                "Telephone": c["phone"],
                "Email": c["email"],
                "Status": (c["status"] or "active").capitalize(),
                **dict(
                    zip(
                        ("date_stamp", "time_stamp"),
                        _stamp(c["updated_at"], seeded_at),
                        strict=True,
                    )
                ),
            }
            for c in customers
        ],
        style,
    )
    jobs = _rows(frames, "job")
    status = {"open": "In progress", "pending": "Unstarted", "closed": "Closed"}
    ins(
        path,
        ("JCM", "MASTER", "JOB"),
        [
            {
                "Job": j["job_number"] or j["job_id"],
                "Description": j["name"],
                "Customer": j["customer_id"],
                "Status": status.get(j["status"] or "open", "In progress"),
                "Address_1": j["address1"],
                "City": j["city"],
                "State": j["state"],
                "ZIP_Code": j["postal_code"],
                "JTD_Cost": "0.00",
                **dict(
                    zip(
                        ("date_stamp", "time_stamp"),
                        _stamp(j["updated_at"], seeded_at),
                        strict=True,
                    )
                ),
            }
            for j in jobs
        ],
        style,
    )
    job_of = {j["job_id"]: j["job_number"] or j["job_id"] for j in jobs}
    codes = _rows(frames, "cost_code")
    ins(
        path,
        ("JCM", "MASTER", "STANDARD_COST_CODE"),
        [{"Cost_Code": c["cost_code"], "Description": c["description"]} for c in codes],
        style,
    )
    ins(
        path,
        ("JCM", "MASTER", "COST_CODE"),
        [
            {"Job": job, "Extra": "", "Cost_Code": c["cost_code"], "Description": c["description"]}
            for job in job_of.values()
            for c in codes
        ],
        style,
    )
    ins(
        path,
        ("PRM", "MASTER", "EMPLOYEE"),
        [
            {
                "Employee": e["employee_id"],
                "First_Name": e["first_name"],
                "Last_Name": e["last_name"],
                "Status": (e["status"] or "active").capitalize(),
                "Pay_Rate": e["pay_rate"],
                **dict(
                    zip(
                        ("date_stamp", "time_stamp"),
                        _stamp(e["updated_at"], seeded_at),
                        strict=True,
                    )
                ),
            }
            for e in _rows(frames, "employee")
        ],
        style,
    )
    invoice_map = _seed_ar(path, frames, job_of, style, seeded_at)
    _seed_time(path, frames, job_of, style, seeded_at)
    return {
        "customer": {c["customer_id"]: c["customer_id"] for c in customers},
        "job": job_of,
        "invoice": invoice_map,
    }


def _seed_ar(
    path: Target,
    frames: dict[str, pl.DataFrame],
    job_of: dict[str, str],
    style: Style,
    seeded_at: datetime,
) -> dict[str, str]:
    invoices = _rows(frames, "invoice")
    art: list[dict[str, Any]] = []
    ara: list[dict[str, Any]] = []
    out: dict[str, str] = {}
    zero = Decimal("0.00")
    for inv in invoices:
        date_stamp, time_stamp = _stamp(inv["updated_at"], seeded_at)
        base = {
            "Customer": inv["customer_id"],
            "Job": job_of.get(inv["job_id"] or ""),
            "Invoice": inv["invoice_number"],
            "Transaction_Type": "Invoice",
            "Accounting_Date": inv["invoice_date"],
            "date_stamp": date_stamp,
            "time_stamp": time_stamp,
            "Retainage": "0.00",
        }
        tax = inv["tax"] or zero
        art.append({**base, "Amount_Type": "Amount", "Amount": (inv["total"] or zero) - tax})
        if tax:
            art.append({**base, "Amount_Type": "Sales tax", "Amount": tax})
        ara.append(
            {
                "Customer": inv["customer_id"],
                "Invoice": inv["invoice_number"],
                "Invoice_Date": inv["invoice_date"],
                "Due_Date": inv["due_date"],
            }
        )
        out[inv["invoice_id"]] = f"{inv['customer_id']}/{inv['invoice_number']}"
    by_id = {inv["invoice_id"]: inv for inv in invoices}
    payments = {p["payment_id"]: p for p in _rows(frames, "payment")}
    for app in _rows(frames, "payment_application"):
        pay, paid = payments.get(app["payment_id"]), by_id.get(app["invoice_id"])
        if pay is None or paid is None:
            continue
        inv = paid
        date_stamp, time_stamp = _stamp(pay["updated_at"], seeded_at)
        art.append(
            {
                "Customer": inv["customer_id"],
                "Job": job_of.get(inv["job_id"] or ""),
                "Invoice": inv["invoice_number"],
                "Transaction_Type": "Cash receipt",
                "Amount_Type": "Amount",
                "Amount": app["amount"],
                "Cash_Receipt": pay["reference"],
                "Deposit_Date": pay["payment_date"],
                "Accounting_Date": pay["payment_date"],
                "date_stamp": date_stamp,
                "time_stamp": time_stamp,
            }
        )
    insert_rows(path, ("ART", "CURRENT", "TRANSACTION"), art, style)
    insert_rows(path, ("ARA", "ACTIVITY", "ACTIVITY"), ara, style)
    return out


PAY_IDS = {"regular_hours": "REG", "overtime_hours": "OT", "doubletime_hours": "DT"}


def _seed_time(
    path: Target,
    frames: dict[str, pl.DataFrame],
    job_of: dict[str, str],
    style: Style,
    seeded_at: datetime,
) -> None:
    rows: list[dict[str, Any]] = []
    for t in _rows(frames, "time_entry"):
        date_stamp, time_stamp = _stamp(t["updated_at"], seeded_at)
        for column, pay_id in PAY_IDS.items():
            if t[column]:
                rows.append(
                    {
                        "Job": job_of.get(t["job_id"] or "", t["job_number"]),
                        "Extra": "",
                        "Cost_Code": t["cost_code"],
                        "Category": "L",
                        "Transaction_Type": "PR cost",
                        "Date": t["work_date"],
                        "Accounting_Date": t["work_date"],
                        "Employee": t["employee_id"],
                        "Pay_ID": pay_id,
                        "Units": t[column],
                        "Description": t["external_ref"] or "",
                        "date_stamp": date_stamp,
                        "time_stamp": time_stamp,
                    }
                )
    insert_rows(path, ("JCT", "CURRENT", "TRANSACTION"), rows, style)


@dataclass
class ImportReport:
    """What an import run did: lines loaded into job cost and lines rejected, with reasons."""

    imported: int = 0
    rejected: list[str] = field(default_factory=list)


def detect_style(target: Target) -> Style:
    """Which naming style a stand-in was built with."""
    if is_odbc(target):
        with pyodbc.connect(str(target)) as odbc:
            found = odbc.cursor().tables(table="ARM_MASTER__CUSTOMER").fetchone()
    else:
        db = sqlite3.connect(Path(target))
        found = db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ARM_MASTER__CUSTOMER'"
        ).fetchone()
        db.close()
    return "module" if found else "kind"


def run_import(
    target: Target,
    import_file: str | Path,
    settings: Sage300Settings,
    *,
    style: Style | None = None,
) -> ImportReport:
    """Load a PR Import Time file into job cost as the payroll clerk's import run would.

    Lines must match the Time Entry view's column order. Lines naming an
    employee, job or job cost code that does not exist are rejected, and the
    file is renamed ``*.imported`` so it cannot run twice.
    """
    file = Path(import_file)
    style = style or detect_style(target)
    report = ImportReport()
    db = _open(target)

    def exists(logical: tuple[str, str, str], where: str, params: tuple[str, ...]) -> bool:
        table = table_parts(logical, style)[0][0]
        sql = f'SELECT 1 FROM "{table}" WHERE {where} LIMIT 1'
        return db.cursor().execute(sql, params).fetchone() is not None

    rows: list[dict[str, Any]] = []
    stamp_date, stamp_time = _stamp(None)
    with file.open(newline="", encoding="cp1252") as handle:
        for n, values in enumerate(csv.reader(handle), start=1):
            line = dict(zip(settings.time_view, values, strict=False))
            problems = [
                f"employee {line['Employee']} not found"
                if not exists(("PRM", "MASTER", "EMPLOYEE"), '"Employee" = ?', (line["Employee"],))
                else "",
                f"job {line['Job']} not found"
                if not exists(("JCM", "MASTER", "JOB"), '"Job" = ?', (line["Job"],))
                else "",
                f"cost code {line['Cost_Code']} not set up on job {line['Job']}"
                if not exists(
                    ("JCM", "MASTER", "COST_CODE"),
                    '"Job" = ? AND "Cost_Code" = ? AND COALESCE("Extra", \'\') = ?',
                    (line["Job"], line["Cost_Code"], line.get("Extra", "")),
                )
                else "",
            ]
            if any(problems):
                report.rejected.append(f"line {n}: " + "; ".join(p for p in problems if p))
                continue
            work = datetime.strptime(line["Date"], settings.date_format).date()
            rows.append(
                {
                    "Job": line["Job"],
                    "Extra": line.get("Extra", ""),
                    "Cost_Code": line["Cost_Code"],
                    "Category": line.get("Category", "L"),
                    "Transaction_Type": "PR cost",
                    "Date": work,
                    "Accounting_Date": work,
                    "Employee": line["Employee"],
                    "Pay_ID": line["Pay_ID"],
                    "Units": line["Units"],
                    "Description": line.get("Description", ""),
                    "date_stamp": stamp_date,
                    "time_stamp": stamp_time,
                }
            )
    db.close()
    insert_rows(target, ("JCT", "CURRENT", "TRANSACTION"), rows, style)
    report.imported = len(rows)
    file.replace(file.with_suffix(".imported"))
    return report


def import_waiting_files(
    target: Target, drop_folder: str | Path, settings: Sage300Settings
) -> list[ImportReport]:
    """Run every finished ``PRTIME_*.txt`` in the drop folder, oldest first."""
    return [run_import(target, f, settings) for f in sorted(Path(drop_folder).glob("PRTIME_*.txt"))]

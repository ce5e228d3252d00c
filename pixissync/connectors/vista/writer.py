"""Writes to Vista's master tables: customers (``bARCM``), contracts and jobs (``bJCCM``/``bJCJM``).

These are tables Vista lets integrations insert into directly (AR invoices and
timecards are different: see :mod:`.batch_writes`). Every record carries our
reference in ``udPixisRef`` so a later read can find it.

Each function runs inside the caller's transaction and checks what Vista would
reject (lengths, missing parents) first, raising
:class:`~pixissync.errors.PermanentError` that names the field.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pixissync.connectors.base import Change
from pixissync.connectors.vista import audit
from pixissync.connectors.vista.config import VistaSettings
from pixissync.connectors.vista.tables import (
    bARCM,
    bJCCM,
    bJCJM,
)
from pixissync.errors import PermanentError

CENT = Decimal("0.01")
CUSTOMER_FIELDS = {
    "name": ("Name", 60),
    "address1": ("BillAddress", 60),
    "address2": ("BillAddress2", 60),
    "city": ("BillCity", 30),
    "state": ("BillState", 4),
    "postal_code": ("BillZip", 12),
    "phone": ("Phone", 20),
    "email": ("EMail", 60),
}
JOB_FIELDS = {
    "name": ("Description", 60),
    "address1": ("MailAddress", 60),
    "city": ("MailCity", 30),
    "state": ("MailState", 4),
    "postal_code": ("MailZip", 12),
}
_JOB_STATUS = {"pending": 0, "open": 1, "active": 1, "soft_closed": 2, "closed": 3}


def text_field(change: Change, fld: str, column: str, width: int) -> str | None:
    value = change.values.get(fld)
    if value is None:
        return None
    text = str(value).strip()
    if len(text) > width:
        raise PermanentError(
            f"{change.entity} {change.reference}: field {fld!r} is {len(text)} characters; "
            f"Vista's {column} holds {width}"
        )
    return text or None


def _mapped(change: Change, fields: dict[str, tuple[str, int]]) -> dict[str, Any]:
    return {
        column: text_field(change, fld, column, width)
        for fld, (column, width) in fields.items()
        if fld in change.values
    }


def _audit(
    conn: Connection,
    s: VistaSettings,
    table: str,
    key_string: str,
    co: int,
    rec_type: str,
    fields: dict[str, Any] | None = None,
) -> None:
    """Record a master-table add (``A``) or change (``C``) where the site audits writes."""
    if s.audit_writes:
        audit.record_audit(
            conn,
            table=table,
            key_string=key_string,
            co=co,
            rec_type=rec_type,
            user=s.login,
            zone=s.zone,
            fields=fields,
        )


def _sort_name(conn: Connection, s: VistaSettings, name: str) -> str:
    """A unique SortName (Vista requires one per customer group): upper-case letters/digits."""
    base = re.sub(r"[^A-Z0-9]", "", name.upper())[:15] or "CUSTOMER"
    taken = set(
        conn.execute(
            sa.select(bARCM.c.SortName).where(
                bARCM.c.CustGroup == s.cust_group, bARCM.c.SortName.like(base[:11] + "%")
            )
        ).scalars()
    )
    candidate, n = base, 1
    while candidate in taken:
        suffix = str(n)
        candidate, n = base[: 15 - len(suffix)] + suffix, n + 1
    return candidate


def create_customer(conn: Connection, s: VistaSettings, change: Change) -> str:
    """Insert a ``bARCM`` customer numbered after the highest one; return its number."""
    columns = _mapped(change, CUSTOMER_FIELDS)
    name = columns.get("Name")
    if not name:
        raise PermanentError(f"customer {change.reference}: field 'name' is required by Vista")
    last = conn.execute(
        sa.select(sa.func.max(bARCM.c.Customer)).where(bARCM.c.CustGroup == s.cust_group)
    ).scalar_one_or_none()
    number = int(last or 0) + 1
    status = "I" if str(change.values.get("status") or "").lower() == "inactive" else "A"
    conn.execute(
        sa.insert(bARCM).values(
            CustGroup=s.cust_group,
            Customer=number,
            SortName=_sort_name(conn, s, name),
            Status=status,
            udPixisRef=change.reference,
            **columns,
        )
    )
    _audit(conn, s, "bARCM", audit.customer_key(s.cust_group, number), s.cust_group, "A")
    return str(number)


def update_customer(conn: Connection, s: VistaSettings, change: Change) -> str:
    """Update the mapped columns of an existing ``bARCM`` customer."""
    number = int_key(change, change.target_id, "target_id")
    columns = _mapped(change, CUSTOMER_FIELDS)
    if "status" in change.values:
        columns["Status"] = "I" if str(change.values["status"]).lower() == "inactive" else "A"
    found = conn.execute(
        sa.select(bARCM.c.KeyID).where(
            bARCM.c.CustGroup == s.cust_group, bARCM.c.Customer == number
        )
    ).first()
    if found is None:
        raise PermanentError(f"customer {number} does not exist in bARCM")
    if columns:
        conn.execute(
            sa.update(bARCM)
            .where(bARCM.c.CustGroup == s.cust_group, bARCM.c.Customer == number)
            .values(**columns)
        )
        _audit(
            conn,
            s,
            "bARCM",
            audit.customer_key(s.cust_group, number),
            s.cust_group,
            "C",
            fields=columns,
        )
    return str(number)


def int_key(change: Change, value: object, fld: str) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise PermanentError(
            f"{change.entity} {change.reference}: field {fld!r} must be a Vista number, "
            f"got {value!r}"
        ) from None


def customer_parent(conn: Connection, s: VistaSettings, change: Change) -> int:
    raw = change.parents.get("customer_id")
    if raw is None:
        raise PermanentError(
            f"{change.entity} {change.reference}: field 'customer_id' has no Vista customer "
            "(create the customer first)"
        )
    number = int_key(change, raw, "customer_id")
    found = conn.execute(
        sa.select(bARCM.c.Customer).where(
            bARCM.c.CustGroup == s.cust_group, bARCM.c.Customer == number
        )
    ).first()
    if found is None:
        raise PermanentError(
            f"{change.entity} {change.reference}: field 'customer_id': customer {number} "
            "does not exist in bARCM"
        )
    return number


def create_job(conn: Connection, s: VistaSettings, change: Change) -> str:
    """Insert the contract (``bJCCM``, same number as the job) and the job (``bJCJM``)."""
    job = text_field(change, "job_number", "Job", 10) or text_field(change, "job_id", "Job", 10)
    if not job:
        raise PermanentError(f"job {change.reference}: field 'job_number' is required by Vista")
    customer = customer_parent(conn, s, change)
    columns = _mapped(change, JOB_FIELDS)
    status = _JOB_STATUS.get(str(change.values.get("status") or "open").lower(), 1)
    exists = conn.execute(
        sa.select(bJCJM.c.udPixisRef).where(bJCJM.c.JCCo == s.co, bJCJM.c.Job == job)
    ).first()
    if exists is not None:
        raise PermanentError(
            f"job {change.reference}: field 'job_number': job {job!r} already exists in bJCJM"
            + (f" (carrying {exists[0]})" if exists[0] else "")
        )
    contract = conn.execute(
        sa.select(bJCCM.c.Customer).where(bJCCM.c.JCCo == s.co, bJCCM.c.Contract == job)
    ).first()
    if contract is None:
        conn.execute(
            sa.insert(bJCCM).values(
                JCCo=s.co,
                Contract=job,
                Description=columns.get("Description"),
                CustGroup=s.cust_group,
                Customer=customer,
                ContractStatus=status if status in (0, 1, 2, 3) else 1,
                ContractAmt=Decimal("0.00"),
                udPixisRef=change.reference,
            )
        )
    elif contract[0] != customer:
        raise PermanentError(
            f"job {change.reference}: contract {job!r} exists for customer {contract[0]}, "
            f"not {customer}"
        )
    conn.execute(
        sa.insert(bJCJM).values(
            JCCo=s.co,
            Job=job,
            Contract=job,
            JobStatus=status,
            PhaseGroup=s.phase_group,
            udPixisRef=change.reference,
            **columns,
        )
    )
    _audit(conn, s, "bJCJM", audit.job_key(s.co, job), s.co, "A")
    return job


def update_job(conn: Connection, s: VistaSettings, change: Change) -> str:
    """Update the mapped columns of an existing ``bJCJM`` job."""
    job = str(change.target_id or "")
    columns = _mapped(change, JOB_FIELDS)
    if "status" in change.values:
        columns["JobStatus"] = _JOB_STATUS.get(str(change.values["status"]).lower(), 1)
    found = conn.execute(
        sa.select(bJCJM.c.KeyID).where(bJCJM.c.JCCo == s.co, bJCJM.c.Job == job)
    ).first()
    if found is None:
        raise PermanentError(f"job {job!r} does not exist in bJCJM")
    if columns:
        conn.execute(
            sa.update(bJCJM).where(bJCJM.c.JCCo == s.co, bJCJM.c.Job == job).values(**columns)
        )
        _audit(conn, s, "bJCJM", audit.job_key(s.co, job), s.co, "C", fields=columns)
    return job

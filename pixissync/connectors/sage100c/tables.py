"""How canonical entities map to Sage 100 Contractor tables and codes.

Mapping decisions:

* ids are ``recnum`` as a string (payments: ``"<clnnum>:<chknum>"``, see
  :mod:`pixissync.connectors.sage100c.schema`); a job's ``job_number`` is its
  ``recnum`` too, because Sage's job number *is* the record number.
* a job's ``customer_id`` is ``actrec.clnnum``; an invoice's ``job_id`` is
  ``acrinv.jobnum`` and its customer comes through the job.
* invoice ``subtotal`` = ``invttl - slstax``; ``balance`` = ``invbal``. Pulled
  invoices also carry ``posted`` (``lgrrec`` is set) so pre-flight checks can see
  which ones only a credit memo can change.
* time entries are ``dlypyr`` lines grouped by ``recnum``; ``paytyp`` 1/2/3 give
  regular / overtime / double-time hours; ``approved`` is true (it is payroll).
* cost codes are ``numeric(12,3)`` in Sage and strings with three decimals here
  (``23.100``).
* status codes below; codes marked [I] are inferred, and any unknown code comes
  through as ``"code <n>"`` instead of failing the pull.
"""

from __future__ import annotations

from typing import Final

from pixissync.errors import PermanentError

CUSTOMER_STATUS: Final = {1: "active", 2: "inactive"}
JOB_STATUS: Final = {
    1: "bid", 2: "refused", 3: "contract", 4: "current", 5: "complete", 6: "closed",
}  # fmt: skip
INVOICE_STATUS: Final = {1: "open", 2: "review", 3: "dispute", 4: "paid", 5: "void"}  # 4, 5: [I]
EMPLOYEE_STATUS: Final = {
    1: "active", 2: "on_leave", 3: "quit", 4: "laid_off", 5: "terminated",
}  # [I]  # fmt: skip
PAY_TYPES: Final = {1: "regular_hours", 2: "overtime_hours", 3: "doubletime_hours"}


def status_code(codes: dict[int, str], word: str | None, field: str) -> int | None:
    """The Sage code for a canonical status word (``"code 7"`` round-trips)."""
    if word is None or word == "":
        return None
    text = str(word).strip().lower()
    for code, name in codes.items():
        if name == text:
            return code
    if text.startswith("code ") and text[5:].isdigit():
        return int(text[5:])
    known = ", ".join(codes.values())
    raise PermanentError(f"{field}: Sage has no status {word!r} (known: {known})")


# canonical column -> Sage column, for the values a push may carry.
CUSTOMER_COLUMNS: Final = {
    "name": "clnnme", "address1": "addrs1", "address2": "addrs2", "city": "ctynme",
    "state": "state_", "postal_code": "zipcde", "phone": "phnnum", "email": "e_mail",
    "status": "status",
}  # fmt: skip
JOB_COLUMNS: Final = {
    "name": "jobnme", "customer_id": "clnnum", "address1": "addrs1", "city": "ctynme",
    "state": "state_", "postal_code": "zipcde", "status": "status",
}  # fmt: skip
INVOICE_COLUMNS: Final = {
    "invoice_number": "invnum", "job_id": "jobnum", "invoice_date": "invdte",
    "due_date": "duedte", "tax": "slstax", "total": "invttl", "balance": "invbal",
    "status": "status",
}  # fmt: skip
INVOICE_LINE_COLUMNS: Final = {
    "line_no": "linnum", "description": "dscrpt", "quantity": "linqty", "unit_price": "linprc",
    "amount": "extprc", "cost_code": "cstcde", "gl_account": "lgract",
}  # fmt: skip
TIME_COLUMNS: Final = {
    "employee_id": "empnum", "job_id": "jobnum", "cost_code": "cstcde", "work_date": "dtewrk",
}  # fmt: skip

# entity -> (table, canonical -> Sage columns, status codes)
WRITABLE: Final = {
    "customer": ("reccln", CUSTOMER_COLUMNS, CUSTOMER_STATUS),
    "job": ("actrec", JOB_COLUMNS, JOB_STATUS),
    "invoice": ("acrinv", INVOICE_COLUMNS, INVOICE_STATUS),
    "time_entry": ("dlypyr", TIME_COLUMNS, {}),
}

# MBXML object names per entity: <{obj}AddNextRq>, <{obj}AddRq>, <{obj}ModRq> [I beyond Client/Job]
MBXML_OBJECT: Final = {
    "customer": "Client", "job": "Job", "invoice": "ARInvoice", "time_entry": "DailyPayroll",
}  # fmt: skip
MBXML_TABLE: Final = {obj: WRITABLE[entity][0] for entity, obj in MBXML_OBJECT.items()}

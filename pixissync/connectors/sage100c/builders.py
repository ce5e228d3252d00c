"""Builders for the MBXML requests PixisSync sends, one function per request kind.

Issue 6 names five: client add/modify, job add, AR invoice, cash receipt and
daily payroll. Each builder takes Sage's own column names (``clnnme``,
``jobnum``...), checks what Sage would refuse without a round trip (a missing
required field, hours on an unknown pay type, a receipt whose applications do
not add up) and returns a :class:`~.mbxml.Request`; :func:`.mbxml.build_request_set`
wraps requests in the documented envelope and :func:`.mbxml.check_request_set`
checks a finished document.

Request and object names beyond ``ClientAddNextRq``/``ClientModRq``/
``JobAddNextRq`` (seen in the reference) are our inference [I]; they are the
names :mod:`.tables` gives the writer, so both change together.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Final

from pixissync.connectors.sage100c.mbxml import Request
from pixissync.connectors.sage100c.tables import MBXML_OBJECT, PAY_TYPES
from pixissync.errors import PermanentError

CASH_RECEIPT: Final = "CashReceipt"  # [I] object name; Sage's ARCR import is the fallback
_CENT: Final = Decimal("0.01")


def _require(kind: str, fields: Mapping[str, Any], *names: str) -> None:
    missing = [name for name in names if fields.get(name) in (None, "")]
    if missing:
        raise PermanentError(f"{kind}: Sage needs {', '.join(missing)}")


def _money(kind: str, field: str, value: Any) -> Decimal:
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        raise PermanentError(f"{kind} {field}: {value!r} is not an amount") from None
    if not amount.is_finite() or amount != amount.quantize(_CENT):
        raise PermanentError(f"{kind} {field}: {value!r} is not an amount in cents")
    return amount


def _stamped(fields: Mapping[str, Any], reference: str, reference_field: str) -> dict[str, Any]:
    if not reference:
        raise PermanentError("a record we create must carry our reference")
    return {**fields, reference_field: reference}


def client_add(
    fields: Mapping[str, Any], reference: str, *, reference_field: str = "usrdf1"
) -> Request:
    """``ClientAddNextRq``: a new customer (``reccln``) with the next record number."""
    _require("client", fields, "clnnme")
    obj = MBXML_OBJECT["customer"]
    return Request(f"{obj}AddNextRq", obj, _stamped(fields, reference, reference_field))


def client_mod(recnum: int, fields: Mapping[str, Any]) -> Request:
    """``ClientModRq``: change the given fields of customer ``recnum`` (None clears one)."""
    if not fields:
        raise PermanentError(f"client {recnum}: nothing to change")
    obj = MBXML_OBJECT["customer"]
    return Request(f"{obj}ModRq", obj, dict(fields), object_id=recnum)


def job_add(
    fields: Mapping[str, Any],
    reference: str,
    *,
    recnum: int | None = None,
    reference_field: str = "usrdf1",
) -> Request:
    """``JobAddRq`` with the job number given, else ``JobAddNextRq`` (Sage numbers it)."""
    _require("job", fields, "jobnme", "clnnum")
    obj = MBXML_OBJECT["job"]
    values = _stamped(fields, reference, reference_field)
    if recnum is not None:
        return Request(f"{obj}AddRq", obj, {"recnum": recnum, **values})
    return Request(f"{obj}AddNextRq", obj, values)


def ar_invoice_add(
    fields: Mapping[str, Any],
    lines: Sequence[Mapping[str, Any]],
    reference: str,
    *,
    reference_field: str = "usrdf1",
) -> Request:
    """``ARInvoiceAddNextRq``: an open AR invoice on a job, with its lines.

    ``invttl`` defaults to the lines' ``extprc`` plus ``slstax``.
    """
    _require("AR invoice", fields, "invnum", "invdte", "jobnum")
    rows: list[dict[str, Any]] = []
    for n, line in enumerate(lines, start=1):
        _require(f"AR invoice line {n}", line, "extprc")
        rows.append({"linnum": n, **line, "extprc": _money("line", "extprc", line["extprc"])})
    values = _stamped(fields, reference, reference_field)
    if values.get("invttl") is None:
        tax = _money("AR invoice", "slstax", values.get("slstax") or 0)
        values["invttl"] = sum((row["extprc"] for row in rows), tax)
    obj = MBXML_OBJECT["invoice"]
    return Request(f"{obj}AddNextRq", obj, values, rows)


def cash_receipt_add(
    clnnum: int,
    chknum: str,
    chkdte: date,
    applications: Sequence[tuple[int, Decimal]],
    reference: str,
    *,
    reference_field: str = "usrdf1",
) -> Request:
    """``CashReceiptAddNextRq``: one check from a client applied to its invoices.

    Args:
        clnnum: the client's record number.
        chknum: the check (or ACH/card) number.
        chkdte: the deposit date.
        applications: (invoice record number, amount applied) pairs; one line each.
        reference: our source reference, kept in ``reference_field``.
    """
    if not chknum:
        raise PermanentError("cash receipt: Sage needs chknum (the check number)")
    if not applications:
        raise PermanentError(f"cash receipt {chknum}: apply it to at least one invoice")
    lines: list[dict[str, Any]] = []
    for n, (invoice, amount) in enumerate(applications, start=1):
        paid = _money(f"cash receipt {chknum} line {n}", "amount", amount)
        if paid <= 0:
            raise PermanentError(f"cash receipt {chknum} line {n}: amount must be positive")
        lines.append({"linnum": n, "recnum": invoice, "amount": paid})
    values = {
        "clnnum": clnnum,
        "chknum": chknum,
        "chkdte": chkdte,
        # Exact: the receipt's amount is the sum of what it pays, never a float total.
        "amount": sum((line["amount"] for line in lines), Decimal("0.00")),
    }
    return Request(
        f"{CASH_RECEIPT}AddNextRq",
        CASH_RECEIPT,
        _stamped(values, reference, reference_field),
        lines,
    )


def daily_payroll_add(
    fields: Mapping[str, Any],
    hours: Mapping[str, Decimal],
    reference: str,
    *,
    reference_field: str = "usrdf1",
) -> Request:
    """``DailyPayrollAddNextRq``: one employee's day on a job, a line per pay type.

    Args:
        fields: ``empnum``, ``dtewrk``, ``jobnum`` (required), ``cstcde``, ``phsnum``...
        hours: canonical hour column (``regular_hours``, ``overtime_hours``,
            ``doubletime_hours``) -> hours; zero hours make no line.
    """
    _require("daily payroll", fields, "empnum", "dtewrk", "jobnum")
    pay_type = {canonical: code for code, canonical in PAY_TYPES.items()}
    unknown = sorted(set(hours) - set(pay_type))
    if unknown:
        raise PermanentError(f"daily payroll: unknown hour columns {unknown}")
    lines = [
        {"paytyp": pay_type[canonical], "hrswrk": Decimal(str(amount))}
        for canonical, amount in sorted(hours.items(), key=lambda item: pay_type[item[0]])
        if Decimal(str(amount)) != 0
    ]
    if not lines:
        raise PermanentError("daily payroll: no hours to enter")
    obj = MBXML_OBJECT["time_entry"]
    return Request(f"{obj}AddNextRq", obj, _stamped(fields, reference, reference_field), lines)

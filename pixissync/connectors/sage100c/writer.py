"""Turn a :class:`Change` into Sage 100 Contractor XML API requests and submit them.

The writer checks what Sage would refuse before it sends anything (field widths,
edits to posted invoices) so the error names our field and Sage's column;
whatever the API still refuses comes back as a PermanentError carrying Sage's
own message. Database trouble (a lock, a dropped connection) is a
TransientError: apply retries it.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError, OperationalError, TimeoutError
from sqlalchemy.types import String

from pixissync.connectors.base import Change, PushResult
from pixissync.connectors.sage100c import schema as s
from pixissync.connectors.sage100c.mbxml import (
    Request,
    build_request_set,
    parse_response,
)
from pixissync.connectors.sage100c.tables import (
    INVOICE_LINE_COLUMNS,
    MBXML_OBJECT,
    PAY_TYPES,
    WRITABLE,
    status_code,
)
from pixissync.errors import PermanentError, TransientError


class Submitter(Protocol):
    """Sends one MBXML request set and returns the MBXML response (sandbox or real API)."""

    def submit(self, xml: str) -> str: ...


def field_limits() -> dict[str, dict[str, int]]:
    """Entity -> canonical field -> the longest text Sage holds (for pre-flight checks)."""
    limits: dict[str, dict[str, int]] = {}
    for entity, (table_name, columns, _) in WRITABLE.items():
        table = s.TABLES[table_name]
        for canonical, column in columns.items():
            kind = table.c[column].type
            if isinstance(kind, String) and kind.length:
                limits.setdefault(entity, {})[canonical] = kind.length
    limits["invoice_line"] = {"description": 50}
    return limits


def _limit(entity: str, field: str, table: str, column: str, value: Any) -> None:
    kind = s.TABLES[table].c[column].type
    if isinstance(value, str) and isinstance(kind, String) and kind.length:  # noqa: SIM102
        if len(value) > kind.length:
            raise PermanentError(
                f"{entity} field {field!r} is {len(value)} characters; "
                f"Sage {table}.{column} holds at most {kind.length}"
            )


def _number(entity: str, field: str, value: Any) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        raise PermanentError(
            f"{entity} field {field!r}: {value!r} is not a Sage record number"
        ) from None


def _decimal(entity: str, field: str, value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        raise PermanentError(f"{entity} field {field!r}: {value!r} is not a number") from None


class Sage100cWriter:
    """Builds MBXML for changes and applies them through a submitter."""

    def __init__(
        self,
        engine: Engine,
        submitter: Submitter,
        *,
        reference_field: str = "usrdf1",
        company: str = "",
        user: str = "pixissync",
    ) -> None:
        self.engine = engine
        self.submitter = submitter
        self.reference_field = reference_field
        self.company = company
        self.user = user

    # -- public ---------------------------------------------------------------------

    def request_for(self, change: Change) -> Request:
        """The MBXML request that makes ``change`` (validated; nothing is sent)."""
        if change.entity not in WRITABLE:
            raise PermanentError(f"sage100c cannot write {change.entity} records")
        table, columns, codes = WRITABLE[change.entity]
        values = dict(change.values)
        values.update({k: v for k, v in change.parents.items() if k in columns})
        fields: dict[str, Any] = {}
        for canonical, column in columns.items():
            if canonical not in values:
                continue
            value = values[canonical]
            if canonical == "status":
                value = status_code(codes, value, f"{change.entity} field 'status'")
            elif canonical in ("customer_id", "job_id", "employee_id") and value not in (None, ""):
                value = _number(change.entity, canonical, value)
            elif canonical == "cost_code":
                value = _decimal(change.entity, canonical, value)
            _limit(change.entity, canonical, table, column, value)
            fields[column] = value
        obj = MBXML_OBJECT[change.entity]
        lines: list[dict[str, Any]] = []
        if change.entity == "invoice":
            self._invoice_fields(change, values, fields)
            lines = self._invoice_lines(values.get("lines"))
        elif change.entity == "time_entry":
            lines = self._payroll_lines(change, values, fields)
        if change.action == "update":
            if not change.target_id:
                raise PermanentError(f"an update of {change.entity} needs the Sage record number")
            target = _number(change.entity, "target_id", change.target_id)
            if change.entity == "invoice":
                self._refuse_posted(target)
            return Request(f"{obj}ModRq", obj, fields, lines, object_id=target)
        fields[self.reference_field] = change.reference
        name = f"{obj}AddNextRq"
        if change.entity == "job" and str(values.get("job_number") or "").isdigit():
            number = int(str(values["job_number"]))
            if not self._exists(s.actrec, number):
                fields = {"recnum": number, **fields}  # keep the number the field crew knows
                name = f"{obj}AddRq"
        return Request(name, obj, fields, lines)

    def push(self, change: Change) -> PushResult:
        """Submit one change; returns the Sage record number as the target id."""
        request = self.request_for(change)
        xml = build_request_set(
            [request], message_set_id=change.idempotency_key, company=self.company, user=self.user
        )
        try:
            response = self.submitter.submit(xml)
        except (OperationalError, TimeoutError) as exc:
            raise TransientError(
                "Sage database busy or unreachable",
                system_message=str(exc.orig if isinstance(exc, DBAPIError) else exc),
            ) from exc
        except DBAPIError as exc:
            raise PermanentError(
                "Sage database refused the write", system_message=str(exc.orig)
            ) from exc
        result = parse_response(response)[0]
        if not result.ok or result.object_id is None:
            raise PermanentError(
                f"Sage refused {request.name} for {change.entity} {change.reference}",
                system_message=result.message,
            )
        return PushResult(
            str(result.object_id), created=change.action == "create", message=result.message
        )

    # -- helpers --------------------------------------------------------------------

    def _exists(self, table: Any, recnum: int) -> bool:
        with self.engine.connect() as conn:
            found = conn.execute(select(table.c.recnum).where(table.c.recnum == recnum).limit(1))
            return found.first() is not None

    def _refuse_posted(self, recnum: int) -> None:
        t = s.acrinv
        with self.engine.connect() as conn:
            row = conn.execute(select(t.c.invnum, t.c.lgrrec).where(t.c.recnum == recnum)).first()
        if row is not None and row.lgrrec is not None:
            raise PermanentError(
                f"invoice {row.invnum} (Sage record {recnum}) is posted to the ledger; "
                "it cannot be edited — enter a credit memo in Sage instead"
            )

    def _invoice_fields(
        self, change: Change, values: Mapping[str, Any], fields: dict[str, Any]
    ) -> None:
        if change.action == "create" and "invttl" not in fields:
            given = _decimal("invoice", "subtotal", values.get("subtotal"))
            subtotal = (
                given
                if given is not None
                else sum(
                    (_decimal("invoice_line", "amount", line.get("amount")) or Decimal(0))
                    for line in values.get("lines") or []
                )
            )
            fields["invttl"] = subtotal + (
                _decimal("invoice", "tax", values.get("tax")) or Decimal(0)
            )
        if change.action == "create" and "jobnum" not in fields:
            raise PermanentError("invoice needs a job (job_id) to be entered in Sage")

    def _invoice_lines(self, lines: Any) -> list[dict[str, Any]]:
        out = []
        for n, line in enumerate(lines or [], start=1):
            row: dict[str, Any] = {}
            for canonical, column in INVOICE_LINE_COLUMNS.items():
                value = line.get(canonical)
                if canonical == "gl_account" and value not in (None, ""):
                    account, _, sub = str(value).partition(".")
                    row["lgract"] = _number("invoice_line", "gl_account", account)
                    if sub:
                        row["subact"] = _number("invoice_line", "gl_account", sub)
                    continue
                if canonical == "cost_code":
                    value = _decimal("invoice_line", canonical, value)
                _limit("invoice_line", f"line {n} {canonical}", "arivln", column, value)
                row[column] = value
            row["linnum"] = row.get("linnum") or n
            out.append(row)
        return out

    def _payroll_lines(
        self, change: Change, values: Mapping[str, Any], fields: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if "jobnum" not in fields and values.get("job_number") not in (None, ""):
            fields["jobnum"] = _number("time_entry", "job_number", values["job_number"])
        if change.action == "update" and not any(k in values for k in PAY_TYPES.values()):
            return []
        hours: dict[int, Decimal] = {}
        if change.action == "update":
            hours = self._current_hours(_number("time_entry", "target_id", change.target_id))
        for paytyp, canonical in PAY_TYPES.items():
            if canonical in values:
                hours[paytyp] = _decimal("time_entry", canonical, values[canonical]) or Decimal(0)
        return [
            {"paytyp": paytyp, "hrswrk": amount}
            for paytyp, amount in sorted(hours.items())
            if amount != 0
        ]

    def _current_hours(self, recnum: int) -> dict[int, Decimal]:
        t = s.dlypyr
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.c.paytyp, t.c.hrswrk).where(t.c.recnum == recnum)).all()
        out: dict[int, Decimal] = {}
        for paytyp, amount in rows:
            out[paytyp] = out.get(paytyp, Decimal(0)) + amount
        return out

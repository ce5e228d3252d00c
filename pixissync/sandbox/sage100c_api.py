"""The sandbox stand-in for the Sage 100 Contractor XML API: applies MBXML to the tables.

:meth:`SandboxSubmitter.submit` takes the same XML a Windows submitter would
pass to ``submitXML`` and answers with an MBXML response. It behaves like the
real API where it matters to us:

* one message set is one transaction; with ``stopOnError`` the first failing
  request rolls the whole set back: earlier requests are reported as rolled
  back, later ones as not processed (the real API may keep earlier requests;
  we are stricter). ``continueOnError`` keeps the requests that worked;
* ``...AddNextRq`` takes the next record number (``max(recnum) + 1``) inside
  the transaction; ``...AddRq`` uses the number given and refuses a taken one;
* widths, numbers, dates and references are checked the way Sage's forms do:
  a too-long value, an unknown client/job/employee/cost code, a date in a
  locked period or an edit to a posted invoice fails the request with a message.

Database errors (locks, dropped connections) are not turned into responses:
they propagate, as a transport failure would, and the connector classifies them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Connection, Engine, Table, delete, func, insert, select, update
from sqlalchemy.types import Date, DateTime, Integer, String

from pixissync.connectors.sage100c import schema as s
from pixissync.connectors.sage100c.mbxml import (
    Request,
    Result,
    build_response,
    parse_request_set,
)
from pixissync.connectors.sage100c.schema import Exact
from pixissync.connectors.sage100c.tables import MBXML_TABLE

NOT_PROCESSED = 3200
FAILED = 3100
ROLLED_BACK = 3300
_LINE_TABLE = {"ARInvoice": s.arivln}
_PAY_FACTOR = {1: Decimal(1), 2: Decimal("1.5"), 3: Decimal(2)}


class RequestFailed(Exception):
    """A request Sage would refuse; the message is what the user would see."""


def _convert(table: Table, column: str, text: str | None) -> Any:
    if column not in table.c or column.startswith("_"):
        raise RequestFailed(f"{table.name} has no field {column!r}")
    if text is None or text == "":
        return None
    kind = table.c[column].type
    try:
        if isinstance(kind, Exact):
            value = Decimal(text)
            digits = len(value.quantize(Decimal(1).scaleb(-kind.scale)).as_tuple().digits)
            if not value.is_finite() or digits > kind.precision:
                raise InvalidOperation
            return value
        if isinstance(kind, Integer):
            return int(text)
        if isinstance(kind, DateTime):
            return datetime.fromisoformat(text)
        if isinstance(kind, Date):
            return date.fromisoformat(text[:10])
    except (ValueError, InvalidOperation):
        raise RequestFailed(f"{column}: {text!r} is not a valid {kind}") from None
    if isinstance(kind, String) and kind.length is not None and len(text) > kind.length:
        raise RequestFailed(
            f"{column}: the value is {len(text)} characters; the field holds {kind.length}"
        )
    return text


def _row(table: Table, values: dict[str, str | None]) -> dict[str, Any]:
    return {column: _convert(table, column, text) for column, text in values.items()}


class SandboxSubmitter:
    """Applies MBXML request sets to a sandbox database with the Sage table layout."""

    def __init__(self, engine: Engine, user: str = "pixissync") -> None:
        self.engine = engine
        self.user = user

    def submit(self, xml: str) -> str:
        """Apply one message set in one transaction and return the MBXML response."""
        try:
            set_id, on_error, user, requests = parse_request_set(xml)
        except (ValueError, SyntaxError) as exc:
            return build_response("", [Result("", "MBXMLMsgsRq", FAILED, f"bad request: {exc}")])
        results: list[Result] = []
        with self.engine.connect() as conn:
            transaction = conn.begin()
            failed = False
            for request_id, request in requests:
                if failed:
                    results.append(Result(request_id, request.name, NOT_PROCESSED, "not processed"))
                    continue
                savepoint = conn.begin_nested() if on_error == "continueOnError" else None
                try:
                    recnum = self._apply(conn, request, user or self.user)
                    if savepoint is not None:
                        savepoint.commit()
                    results.append(Result(request_id, request.name, 0, "OK", recnum))
                except RequestFailed as exc:
                    if savepoint is not None:
                        savepoint.rollback()
                    results.append(Result(request_id, request.name, FAILED, str(exc)))
                    failed = on_error != "continueOnError"
            if failed:
                transaction.rollback()
                results = [
                    Result(r.request_id, r.name, ROLLED_BACK, "rolled back: a request failed")
                    if r.ok
                    else r
                    for r in results
                ]
            else:
                transaction.commit()
        return build_response(set_id, results)

    # -- one request -----------------------------------------------------------------

    def _apply(self, conn: Connection, request: Request, user: str) -> int:
        table = s.TABLES.get(MBXML_TABLE.get(request.obj, ""))
        if table is None:
            raise RequestFailed(f"unknown object {request.obj!r}")
        now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        values = _row(table, request.fields)
        self._check_references(conn, table, values)
        if request.action in ("AddNext", "Add"):
            return self._add(conn, table, request, values, now, user)
        if request.action == "Mod":
            return self._modify(conn, table, request, values, now, user)
        raise RequestFailed(f"unsupported request {request.name}")

    def _add(
        self,
        conn: Connection,
        table: Table,
        request: Request,
        values: dict[str, Any],
        now: datetime,
        user: str,
    ) -> int:
        if request.action == "Add":
            recnum = values.get("recnum")
            if recnum is None:
                raise RequestFailed(f"{request.name} needs a recnum (use {request.obj}AddNextRq)")
            if self._exists(conn, table, recnum):
                raise RequestFailed(f"record {recnum} already exists in {table.name}")
        else:
            recnum = (conn.execute(select(func.max(table.c.recnum))).scalar() or 0) + 1
        audit = {"insdte": now, "insusr": user, "upddte": now, "updusr": user}
        values = {**values, "recnum": recnum, **audit}
        if table is s.reccln and not values.get("shtnme"):
            name = str(values.get("clnnme") or "")
            values["shtnme"] = "".join(ch for ch in name.upper() if ch.isalnum())[:10]
        if table is s.acrinv:
            self._prepare_invoice(conn, values)
        if table is s.dlypyr:
            self._insert_payroll(conn, values, request.lines, audit)
            return int(recnum)
        key = conn.execute(insert(table).values(values)).inserted_primary_key
        if table is s.acrinv and key is not None:
            self._insert_lines(conn, int(recnum), int(key[0]), request.lines, audit)
        return int(recnum)

    def _modify(
        self,
        conn: Connection,
        table: Table,
        request: Request,
        values: dict[str, Any],
        now: datetime,
        user: str,
    ) -> int:
        recnum = request.object_id
        if recnum is None or not self._exists(conn, table, recnum):
            raise RequestFailed(f"no record {recnum} in {table.name}")
        if table is s.acrinv:
            posted = conn.execute(
                select(table.c.lgrrec, table.c.invnum).where(table.c.recnum == recnum)
            ).one()
            if posted.lgrrec is not None:
                raise RequestFailed(
                    f"invoice {posted.invnum} is posted (ledger record {posted.lgrrec}); "
                    "enter a credit memo instead of changing it"
                )
            if "invdte" in values:
                self._open_period(conn, values["invdte"])
        audit = {"upddte": now, "updusr": user}
        if table is s.dlypyr:
            current = conn.execute(
                select(
                    table.c.empnum, table.c.jobnum, table.c.cstcde, table.c.dtewrk, table.c.usrdf1
                )
                .where(table.c.recnum == recnum)
                .limit(1)
            ).one()
            merged = {**current._asdict(), **values, "recnum": recnum}
            conn.execute(delete(table).where(table.c.recnum == recnum))
            first = {"insdte": now, "insusr": user, **audit}
            self._insert_payroll(conn, merged, request.lines, first)
            return recnum
        if values:
            conn.execute(update(table).where(table.c.recnum == recnum).values(**values, **audit))
        if request.lines and table is s.acrinv:
            idnum = conn.execute(
                select(table.c._idnum).where(table.c.recnum == recnum)
            ).scalar_one()
            conn.execute(delete(s.arivln).where(s.arivln.c.recnum == recnum))
            self._insert_lines(
                conn, recnum, idnum, request.lines, {"insdte": now, "insusr": user, **audit}
            )
        return recnum

    # -- rules Sage enforces -----------------------------------------------------------

    @staticmethod
    def _exists(conn: Connection, table: Table, recnum: Any) -> bool:
        found = conn.execute(select(table.c.recnum).where(table.c.recnum == recnum).limit(1))
        return found.first() is not None

    def _check_references(self, conn: Connection, table: Table, values: dict[str, Any]) -> None:
        checks = (
            ("clnnum", s.reccln, "client"),
            ("jobnum", s.actrec, "job"),
            ("empnum", s.employ, "employee"),
            ("cstcde", s.cstcde, "cost code"),
        )
        for column, parent, what in checks:
            value = values.get(column)
            if column in table.c and value is not None and not self._exists(conn, parent, value):
                raise RequestFailed(f"{column}: {what} {value} does not exist")

    @staticmethod
    def _open_period(conn: Connection, when: date | None) -> None:
        if when is None:
            return
        t = s.lckprd
        locked = conn.execute(
            select(t.c.locked).where(t.c.postyr == when.year, t.c.actper == when.month)
        ).scalar()
        if locked:
            raise RequestFailed(f"period {when.year}-{when.month:02d} is locked; posting refused")

    def _prepare_invoice(self, conn: Connection, values: dict[str, Any]) -> None:
        when = values.get("invdte")
        if when is None:
            raise RequestFailed("invdte: an invoice needs a date")
        self._open_period(conn, when)
        total = values.get("invttl") or Decimal("0.00")
        values.setdefault("status", 1)
        values["actper"], values["postyr"] = when.month, when.year
        values.setdefault("invttl", total)
        if values.get("invbal") is None:
            values["invbal"] = total
        if values.get("amtpad") is None:
            values["amtpad"] = Decimal("0.00")
        values["lgrrec"] = None  # a new invoice is not posted until the ledger runs

    def _insert_lines(
        self,
        conn: Connection,
        recnum: int,
        idnum: int,
        lines: list[dict[str, Any]],
        audit: dict[str, Any],
    ) -> None:
        rows = []
        for n, line in enumerate(lines, start=1):
            row = _row(s.arivln, line)
            if row.get("cstcde") is not None and not self._exists(conn, s.cstcde, row["cstcde"]):
                raise RequestFailed(f"line {n} cstcde: cost code {row['cstcde']} does not exist")
            rows.append(
                {
                    **row,
                    "recnum": recnum,
                    "_idref": idnum,
                    "linnum": row.get("linnum") or n,
                    **audit,
                }
            )
        if rows:
            conn.execute(insert(s.arivln), rows)

    def _insert_payroll(
        self,
        conn: Connection,
        values: dict[str, Any],
        lines: list[dict[str, Any]],
        audit: dict[str, Any],
    ) -> None:
        self._open_period(conn, values.get("dtewrk"))
        if values.get("empnum") is None or values.get("dtewrk") is None:
            raise RequestFailed("daily payroll needs empnum and dtewrk")
        rate = conn.execute(
            select(s.employ.c.payrt1).where(s.employ.c.recnum == values["empnum"])
        ).scalar()
        rows = []
        for n, line in enumerate(lines, start=1):
            row = _row(s.dlypyr, line)
            paytyp = row.get("paytyp")
            if paytyp not in _PAY_FACTOR:
                raise RequestFailed(f"line {n} paytyp: {paytyp} is not 1, 2 or 3")
            if row.get("payrte") is None and rate is not None:
                row["payrte"] = (Decimal(rate) * _PAY_FACTOR[paytyp]).quantize(Decimal("0.0001"))
            rows.append({**values, **row, "linnum": n, **audit})
        if not rows:
            raise RequestFailed("daily payroll needs at least one line with hours")
        conn.execute(insert(s.dlypyr), rows)

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

import functools
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Select,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
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
        line_table = s.arivln if table is s.acrinv else table
        lines = [_row(line_table, line) for line in request.lines]
        if request.action in ("AddNext", "Add"):
            return self._add(conn, table, request, values, lines, now, user)
        if request.action == "Mod":
            return self._modify(conn, table, request, values, lines, now, user)
        raise RequestFailed(f"unsupported request {request.name}")

    def _add(
        self,
        conn: Connection,
        table: Table,
        request: Request,
        values: dict[str, Any],
        lines: list[dict[str, Any]],
        now: datetime,
        user: str,
    ) -> int:
        if table is s.acrinv and values.get("invdte") is None:
            raise RequestFailed("invdte: an invoice needs a date")
        if table is s.dlypyr and (values.get("empnum") is None or values.get("dtewrk") is None):
            raise RequestFailed("daily payroll needs empnum and dtewrk")
        found = self._lookups(conn, table, values, lines)
        if request.action == "Add":
            recnum = values.get("recnum")
            if recnum is None:
                raise RequestFailed(f"{request.name} needs a recnum (use {request.obj}AddNextRq)")
            if self._exists(conn, table, recnum):
                raise RequestFailed(f"record {recnum} already exists in {table.name}")
        else:
            recnum = (conn.execute(_max_recnum(table.name)).scalar() or 0) + 1
        audit = {"insdte": now, "insusr": user, "upddte": now, "updusr": user}
        values = {**values, "recnum": recnum, **audit}
        if table is s.reccln and not values.get("shtnme"):
            name = str(values.get("clnnme") or "")
            values["shtnme"] = "".join(ch for ch in name.upper() if ch.isalnum())[:10]
        if table is s.acrinv:
            _prepare_invoice(values)
        if table is s.dlypyr:
            _insert_payroll(conn, values, lines, audit, found.get("payrt1"))
            return int(recnum)
        key = conn.execute(insert(table), values).inserted_primary_key
        if table is s.acrinv and key is not None:
            _insert_lines(conn, int(recnum), int(key[0]), lines, audit)
        return int(recnum)

    def _modify(
        self,
        conn: Connection,
        table: Table,
        request: Request,
        values: dict[str, Any],
        lines: list[dict[str, Any]],
        now: datetime,
        user: str,
    ) -> int:
        recnum = request.object_id
        if recnum is None or not self._exists(conn, table, recnum):
            raise RequestFailed(f"no record {recnum} in {table.name}")
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
            found = self._lookups(conn, table, merged, lines)
            if not lines:  # keep the hours; only the header changes
                lines = [
                    {"paytyp": row.paytyp, "hrswrk": row.hrswrk, "payrte": row.payrte}
                    for row in conn.execute(
                        select(table.c.paytyp, table.c.hrswrk, table.c.payrte)
                        .where(table.c.recnum == recnum)
                        .order_by(table.c.linnum)
                    )
                ]
            conn.execute(delete(table).where(table.c.recnum == recnum))
            first = {"insdte": now, "insusr": user, **audit}
            _insert_payroll(conn, merged, lines, first, found.get("payrt1"))
            return recnum
        if table is s.acrinv:
            posted = conn.execute(
                select(table.c.lgrrec, table.c.invnum, table.c._idnum, table.c.amtpad).where(
                    table.c.recnum == recnum
                )
            ).one()
            if posted.lgrrec is not None:
                raise RequestFailed(
                    f"invoice {posted.invnum} is posted (ledger record {posted.lgrrec}); "
                    "enter a credit memo instead of changing it"
                )
            if values.get("invttl") is not None and "invbal" not in values:
                # The balance follows the total: what is still owed after payments.
                values["invbal"] = values["invttl"] - (posted.amtpad or Decimal("0.00"))
            if values.get("invdte") is not None:
                values["actper"], values["postyr"] = values["invdte"].month, values["invdte"].year
        self._lookups(conn, table, values, lines)
        if values:
            conn.execute(update(table).where(table.c.recnum == recnum).values(**values, **audit))
        if lines and table is s.acrinv:
            conn.execute(delete(s.arivln).where(s.arivln.c.recnum == recnum))
            first = {"insdte": now, "insusr": user, **audit}
            _insert_lines(conn, recnum, posted._idnum, lines, first)
        return recnum

    # -- rules Sage enforces -----------------------------------------------------------

    @staticmethod
    def _exists(conn: Connection, table: Table, recnum: Any) -> bool:
        return conn.execute(_find_recnum(table.name), {"recnum": recnum}).first() is not None

    @staticmethod
    def _lookups(
        conn: Connection, table: Table, values: dict[str, Any], lines: list[dict[str, Any]]
    ) -> dict[str, Any]:
        """Check in one round trip what a record refers to and whether its period is open.

        Returns what the record needs from elsewhere (an employee's pay rate).
        """
        params: dict[str, Any] = {}
        for column, _, _ in _REFERENCES:
            if column in table.c and values.get(column) is not None:
                params[column] = values[column]
        for n, line in enumerate(lines, start=1):
            if table is s.acrinv and line.get("cstcde") is not None:
                params[f"line{n}"] = line["cstcde"]
        when = values.get(_DATED.get(table.name, ""))
        if isinstance(when, date):
            params["year"], params["month"] = when.year, when.month
        if table is s.dlypyr and values.get("empnum") is not None:
            params["employee"] = values["empnum"]
        if not params:
            return {}
        # One cached statement per shape: only the parameters change from row to row.
        query = _lookup_query(tuple(params))
        found: dict[str, Any] = conn.execute(query, params).one()._asdict()
        for column, _, what in _REFERENCES:
            if column in params and found[column] is None:
                raise RequestFailed(f"{column}: {what} {values[column]} does not exist")
        for n, line in enumerate(lines, start=1):
            if f"line{n}" in params and found[f"line{n}"] is None:
                raise RequestFailed(f"line {n} cstcde: cost code {line['cstcde']} does not exist")
        if found.get("locked") and isinstance(when, date):
            raise RequestFailed(f"period {when.year}-{when.month:02d} is locked; posting refused")
        return found


_REFERENCES = (
    ("clnnum", s.reccln, "client"),
    ("jobnum", s.actrec, "job"),
    ("empnum", s.employ, "employee"),
    ("cstcde", s.cstcde, "cost code"),
)
_DATED = {"acrinv": "invdte", "dlypyr": "dtewrk"}


def _probe(column: Any, *where: Any) -> Any:
    return select(column).where(*where).limit(1).scalar_subquery()


@functools.lru_cache(maxsize=64)
def _max_recnum(table: str) -> Select[Any]:
    return select(func.max(s.TABLES[table].c.recnum))


@functools.lru_cache(maxsize=64)
def _find_recnum(table: str) -> Select[Any]:
    t = s.TABLES[table]
    return select(t.c.recnum).where(t.c.recnum == bindparam("recnum")).limit(1)


@functools.lru_cache(maxsize=256)
def _lookup_query(names: tuple[str, ...]) -> Select[Any]:
    """The lookups of :meth:`SandboxSubmitter._lookups` for one set of parameter names."""
    parents = {column: parent for column, parent, _ in _REFERENCES}
    columns = []
    for name in names:
        if name in parents:
            key = parents[name].c.recnum
            columns.append(_probe(key, key == bindparam(name)).label(name))
        elif name.startswith("line"):
            key = s.cstcde.c.recnum
            columns.append(_probe(key, key == bindparam(name)).label(name))
        elif name == "year":
            t = s.lckprd
            locked = _probe(
                t.c.locked, t.c.postyr == bindparam("year"), t.c.actper == bindparam("month")
            )
            columns.append(locked.label("locked"))
        elif name == "employee":
            e = s.employ
            columns.append(_probe(e.c.payrt1, e.c.recnum == bindparam("employee")).label("payrt1"))
    return select(*columns)


def _prepare_invoice(values: dict[str, Any]) -> None:
    when: date = values["invdte"]
    total = values.get("invttl") or Decimal("0.00")
    values.setdefault("status", 1)
    values["actper"], values["postyr"] = when.month, when.year
    values["invttl"] = total
    if values.get("invbal") is None:
        values["invbal"] = total
    if values.get("amtpad") is None:
        values["amtpad"] = Decimal("0.00")
    values["lgrrec"] = None  # a new invoice is not posted until the ledger runs


def _insert_lines(
    conn: Connection, recnum: int, idnum: int, lines: list[dict[str, Any]], audit: dict[str, Any]
) -> None:
    rows = [
        {**line, "recnum": recnum, "_idref": idnum, "linnum": line.get("linnum") or n, **audit}
        for n, line in enumerate(lines, start=1)
    ]
    if rows:
        conn.execute(insert(s.arivln), rows)


def _insert_payroll(
    conn: Connection,
    values: dict[str, Any],
    lines: list[dict[str, Any]],
    audit: dict[str, Any],
    rate: Decimal | None,
) -> None:
    rows = []
    for n, line in enumerate(lines, start=1):
        paytyp = line.get("paytyp")
        if paytyp not in _PAY_FACTOR:
            raise RequestFailed(f"line {n} paytyp: {paytyp} is not 1, 2 or 3")
        row = dict(line)
        if row.get("payrte") is None and rate is not None:
            row["payrte"] = (Decimal(rate) * _PAY_FACTOR[paytyp]).quantize(Decimal("0.0001"))
        rows.append({**values, **row, "linnum": n, **audit})
    if not rows:
        raise RequestFailed("daily payroll needs at least one line with hours")
    conn.execute(insert(s.dlypyr), rows)

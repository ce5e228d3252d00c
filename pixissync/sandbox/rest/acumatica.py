"""Acumatica stand-in: the contract-based REST API, endpoint ``Default/24.200.001``.

Follows the reference facts: ``POST /entity/auth/login`` sets session cookies
and ``POST /entity/auth/logout`` ends the session (sessions can be expired on
demand, answering 401 like an idle-out); entities at
``/entity/Default/24.200.001/{Entity}`` with every value wrapped as
``{"value": ...}`` and ``id``/``rowNumber``/``note``/``custom``/``files``;
``$filter`` (``eq``/``ne``/``gt``/``ge``/``lt``/``le`` joined by ``and``, with
``'text'``, ``datetimeoffset'...'`` and numbers), ``$top``/``$skip``,
``$expand`` for detail collections and nested contacts; ``PUT`` creates or
updates by key — ``If-None-Match: *`` insert-only and ``If-Match: *``
update-only, 412 otherwise; validation answers 422 with a per-field ``error``;
throttling answers 429 with ``Retry-After`` past a per-minute limit.

Keys a client leaves out are numbered by the stand-in, as a tenant with
auto-numbering does (``C000001``, ``000001``, a GUID for time entries).
"""

from __future__ import annotations

import base64
import re
import secrets
import time
import uuid
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import polars as pl

from pixissync.sandbox.rest.acumatica_seed import seed_records
from pixissync.sandbox.rest.acumatica_swagger import swagger
from pixissync.sandbox.rest.base import Reply, Request, StandIn, utc_now

ENDPOINT = "/entity/Default/24.200.001"
_EMPTY_EDMX = (
    b'<?xml version="1.0" encoding="utf-8"?>'
    b'<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">'
    b'<edmx:DataServices><Schema Namespace="Default" xmlns="http://docs.oasis-open.org/odata/ns/edm">'
    b'<EntityContainer Name="Default"/></Schema></edmx:DataServices></edmx:Edmx>'
)


@dataclass(frozen=True)
class EntityDef:
    """What the stand-in knows of one entity: keys, numbering, rules, children."""

    keys: tuple[str, ...]
    number: str  # format for an auto-numbered last key ("" = GUID)
    required: tuple[str, ...] = ()
    lengths: dict[str, int] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    children: tuple[str, ...] = ()


ENTITIES: dict[str, EntityDef] = {
    "Customer": EntityDef(
        ("CustomerID",),
        "C{:06d}",
        ("CustomerName",),
        {"CustomerID": 30, "CustomerName": 255},
        defaults={"Status": "Active", "CustomerClass": "DEFAULT"},
    ),
    "Project": EntityDef(
        ("ProjectID",),
        "P{:06d}",
        ("Customer", "Description"),
        {"ProjectID": 30, "Description": 255},
        {"Customer": "Customer"},
        {"Status": "Active"},
    ),
    "Invoice": EntityDef(
        ("Type", "ReferenceNbr"),
        "{:06d}",
        ("Customer", "Date"),
        {"ReferenceNbr": 15, "CustomerOrder": 40},
        {"Customer": "Customer", "Project": "Project"},
        {"Type": "Invoice", "Status": "Balanced", "Hold": False},
        ("Details",),
    ),
    "Payment": EntityDef(
        ("Type", "ReferenceNbr"),
        "{:06d}",
        ("CustomerID", "PaymentAmount", "ApplicationDate"),
        {"ReferenceNbr": 15, "ExternalRef": 40},
        {"CustomerID": "Customer"},
        {"Type": "Payment", "Status": "Open", "Hold": False},
        ("DocumentsToApply",),
    ),
    "TimeEntry": EntityDef(
        ("TimeEntryID",),
        "",
        ("Employee", "Date", "TimeSpent"),
        {"ExternalRefNbr": 40},
        {"ProjectID": "Project"},
        {"ApprovalStatus": "Pending approval", "Billable": False},
    ),
    "CostCode": EntityDef(("CostCodeID",), "", ("CostCodeID",), {"CostCodeID": 30}),
}

_CLAUSE = re.compile(
    r"^\s*(?P<field>\w+)\s+(?P<op>eq|ne|gt|ge|lt|le)\s+"
    r"(?P<value>datetimeoffset'[^']*'|datetime'[^']*'|'(?:[^']|'')*'|-?\d+(?:\.\d+)?|true|false|null)\s*$"
)


def wrap(value: Any) -> Any:
    """Acumatica's shape: scalars as ``{"value": v}``, objects and lists recursively."""
    if isinstance(value, dict):
        return {
            k: (v if k in ("id", "rowNumber", "custom", "files", "error") else wrap(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [wrap(v) for v in value]
    if isinstance(value, datetime):
        return {"value": value.astimezone(UTC).isoformat()}
    if isinstance(value, date):
        return {"value": f"{value.isoformat()}T00:00:00+00:00"}
    return {"value": value}


def unwrap(value: Any) -> Any:
    """The inverse of :func:`wrap` for request bodies."""
    if isinstance(value, dict):
        if "value" in value and set(value) <= {"value", "error"}:
            return value["value"]
        return {k: unwrap(v) for k, v in value.items() if k not in ("custom", "files", "note")}
    if isinstance(value, list):
        return [unwrap(v) for v in value]
    return value


def _literal(token: str) -> Any:
    if token.startswith(("datetimeoffset'", "datetime'")):
        stamp = datetime.fromisoformat(token.split("'", 1)[1].rstrip("'").replace("Z", "+00:00"))
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    if token.startswith("'"):
        return token[1:-1].replace("''", "'")
    if token in ("true", "false"):
        return token == "true"
    if token == "null":
        return None
    return Decimal(token)


def _compare(left: Any, op: str, right: Any) -> bool:
    if isinstance(right, datetime) and isinstance(left, str):
        left = datetime.fromisoformat(left)
    if isinstance(right, Decimal) and left is not None:
        left = Decimal(str(left))
    if op == "eq":
        return bool(left == right)
    if op == "ne":
        return bool(left != right)
    if left is None or right is None:
        return False
    result: bool = {
        "gt": left > right,
        "ge": left >= right,
        "lt": left < right,
        "le": left <= right,
    }[op]
    return result


class AcumaticaStandIn(StandIn):
    """A loopback Acumatica tenant.

    Args:
        frames: canonical frames to seed the ERP side from (any subset).
        name, password, tenant: the login accepted at ``/entity/auth/login``.
        requests_per_minute: throttle limit (``None`` = unlimited).
    """

    system = "acumatica"

    def __init__(
        self,
        frames: Mapping[str, pl.DataFrame] | None = None,
        *,
        name: str = "admin",
        password: str = "sandbox-password",
        tenant: str = "Company",
        requests_per_minute: int | None = None,
    ) -> None:
        super().__init__()
        self.credentials = (name, password, tenant)
        self.requests_per_minute = requests_per_minute
        self.sessions: set[str] = set()
        self.tokens: set[str] = set()
        self.clients = {"pixis-client": "sandbox-secret"}
        self.logins = 0
        self.logouts = 0
        self.records: dict[str, list[dict[str, Any]]] = {e: [] for e in ENTITIES}
        self._counters: dict[str, int] = dict.fromkeys(ENTITIES, 0)
        self._recent: deque[float] = deque()
        self.route("POST", "/entity/auth/login", self._login)
        self.route("POST", "/entity/auth/logout", self._logout)
        self.route("POST", "/identity/connect/token", self._token)
        self.route("GET", "/entity", self._endpoints)
        self.route("GET", f"{ENDPOINT}/swagger.json", lambda req: Reply(200, swagger()))
        self.route("GET", r"/t/(?P<tenant>[^/]+)/api/odata/gi/\$metadata", self._gi_metadata)
        names = "|".join(ENTITIES)
        self.route("GET", f"{ENDPOINT}/(?P<entity>{names})", self._list)
        self.route("GET", f"{ENDPOINT}/(?P<entity>{names})/(?P<key>[^/]+(?:/[^/]+)*)", self._get)
        self.route("PUT", f"{ENDPOINT}/(?P<entity>{names})", self._put)
        if frames:
            for entity, records in seed_records(frames).items():
                for record in records:
                    self._insert(entity, record)

    # state ---------------------------------------------------------------------
    def _insert(self, entity: str, record: dict[str, Any]) -> dict[str, Any]:
        definition = ENTITIES[entity]
        stored = {**definition.defaults, **record}
        last = definition.keys[-1]
        if not stored.get(last):
            self._counters[entity] += 1
            stored[last] = (
                definition.number.format(self._counters[entity])
                if definition.number
                else str(uuid.uuid4())
            )
        stored["id"] = str(uuid.uuid4())
        stored.setdefault("LastModifiedDateTime", utc_now())
        self.records[entity].append(stored)
        return stored

    def lookup(self, entity: str, **keys: Any) -> dict[str, Any] | None:
        """The record whose fields equal ``keys`` (first match)."""
        for record in self.records[entity]:
            if all(record.get(k) == v for k, v in keys.items()):
                return record
        return None

    def touch(self, entity: str, record: dict[str, Any], **changes: Any) -> None:
        """Change a record as a user would, stamping ``LastModifiedDateTime``."""
        with self.lock:
            record.update(changes)
            record["LastModifiedDateTime"] = utc_now()

    def expire_sessions(self) -> None:
        """Every session idles out now (the next call answers 401)."""
        with self.lock:
            self.sessions.clear()
            self.tokens.clear()

    # auth ----------------------------------------------------------------------
    def _login(self, req: Request) -> Reply:
        body = req.body if isinstance(req.body, dict) else {}
        name, password, tenant = self.credentials
        if body.get("name") != name or body.get("password") != password:
            return Reply(401, {"message": "Invalid credentials. Please try again."})
        if body.get("tenant") not in (None, tenant):
            return Reply(401, {"message": f"Tenant {body.get('tenant')!r} does not exist."})
        token = secrets.token_hex(16)
        self.sessions.add(token)
        self.logins += 1
        return Reply(
            204,
            cookies=[
                f".ASPXAUTH={token}; path=/; HttpOnly",
                f"ASP.NET_SessionId={secrets.token_hex(12)}; path=/; HttpOnly",
                "Locale=Culture=en-US&TimeZone=GMTM0500A; path=/",
            ],
        )

    def _token(self, req: Request) -> Reply:
        """OAuth2 resource-owner password grant of a connected application."""
        form = req.body if isinstance(req.body, dict) else {}
        if self.clients.get(str(form.get("client_id"))) != form.get("client_secret"):
            return Reply(400, {"error": "invalid_client"})
        if form.get("grant_type") != "password":
            return Reply(400, {"error": "unsupported_grant_type"})
        name, password, _ = self.credentials
        if form.get("username") != name or form.get("password") != password:
            return Reply(
                400, {"error": "invalid_grant", "error_description": "Invalid credentials."}
            )
        if "api" not in str(form.get("scope") or "").split():
            return Reply(400, {"error": "invalid_scope"})
        token = secrets.token_hex(16)
        self.tokens.add(token)
        self.logins += 1
        return Reply(200, {"access_token": token, "expires_in": 3600, "token_type": "Bearer"})

    def _gi_metadata(self, req: Request) -> Reply:
        """The OData description of generic inquiries (Basic auth): none are published."""
        name, password, tenant = self.credentials
        expected = "Basic " + base64.b64encode(f"{name}:{password}".encode()).decode()
        if req.header("Authorization") != expected or req.match["tenant"] != tenant:
            return Reply(401, {"message": "Authorization has been denied for this request."})
        return Reply(200, raw=_EMPTY_EDMX, content_type="application/xml")

    def _logout(self, req: Request) -> Reply:
        token = _cookie(req, ".ASPXAUTH")
        if token in self.sessions:
            self.sessions.discard(token)
            self.logouts += 1
        return Reply(204)

    def _gate(self, req: Request) -> Reply | None:
        bearer = (req.header("Authorization") or "").removeprefix("Bearer ")
        if _cookie(req, ".ASPXAUTH") not in self.sessions and bearer not in self.tokens:
            return Reply(401, {"message": "You are not logged in."})
        if self.requests_per_minute is not None:
            now = time.monotonic()
            while self._recent and now - self._recent[0] > 60:
                self._recent.popleft()
            if len(self._recent) >= self.requests_per_minute:
                wait = max(int(60 - (now - self._recent[0])) + 1, 1)
                return Reply(
                    429,
                    {"message": "API request limit exceeded for the license."},
                    {"Retry-After": str(wait)},
                )
            self._recent.append(now)
        return None

    # reading -------------------------------------------------------------------
    def _endpoints(self, req: Request) -> Reply:
        return Reply(
            200,
            {
                "version": {"acumaticaBuildVersion": "24.200.0001"},
                "endpoints": [{"name": "Default", "version": "24.200.001", "href": ENDPOINT}],
            },
        )

    def _list(self, req: Request) -> Reply:
        refused = self._gate(req)
        if refused:
            return refused
        entity = req.match["entity"]
        try:
            clauses = self._parse_filter(req.query.get("$filter", ""))
            top = int(req.query["$top"]) if req.query.get("$top") else None
            skip = int(req.query.get("$skip") or 0)
        except ValueError as exc:
            return Reply(400, {"message": "The request is invalid.", "exceptionMessage": str(exc)})
        rows = [
            r
            for r in self.records[entity]
            if all(_compare(_field(r, f), op, v) for f, op, v in clauses)
        ]
        rows = rows[skip : skip + top if top is not None else None]
        expand = _expand(req.query.get("$expand", ""))
        return Reply(200, [self._shape(entity, r, expand, n) for n, r in enumerate(rows, 1)])

    def _get(self, req: Request) -> Reply:
        refused = self._gate(req)
        if refused:
            return refused
        entity = req.match["entity"]
        parts = req.match["key"].split("/")
        definition = ENTITIES[entity]
        for record in self.records[entity]:
            if (
                record["id"] == parts[0]
                or [str(record.get(k)) for k in definition.keys][-len(parts) :] == parts
            ):
                expand = _expand(req.query.get("$expand", ""))
                return Reply(200, self._shape(entity, record, expand, 1))
        return Reply(404, {"message": f"No entity satisfies the condition: {req.match['key']}"})

    def _parse_filter(self, text: str) -> list[tuple[str, str, Any]]:
        """Comparisons joined by ``and`` (parentheses allowed); ``or`` is refused."""
        # Drop grouping parentheses outside quoted literals: with ``and`` only they
        # do not change the meaning (clients such as easy-acumatica always add them).
        plain, quoted = [], False
        for char in text:
            if char == "'":
                quoted = not quoted
            if quoted or char not in "()":
                plain.append(char)
        text = "".join(plain).strip()
        if not text:
            return []
        out = []
        for clause in _split_and(text):
            m = _CLAUSE.match(clause)
            if m is None:
                raise ValueError(f"unsupported $filter clause: {clause!r}")
            out.append((m["field"], m["op"], _literal(m["value"])))
        return out

    def _shape(self, entity: str, record: dict[str, Any], expand: set[str], row: int) -> Any:
        visible = {
            k: v
            for k, v in record.items()
            if not isinstance(v, list | dict) or k in expand or k == "custom"
        }
        shaped = wrap(visible)
        shaped.update({"rowNumber": row, "note": {"value": ""}, "custom": {}, "files": []})
        return shaped

    # writing -------------------------------------------------------------------
    def _put(self, req: Request) -> Reply:
        refused = self._gate(req)
        if refused:
            return refused
        entity = req.match["entity"]
        definition = ENTITIES[entity]
        if not isinstance(req.body, dict):
            return Reply(400, {"message": "The request body must be a JSON object."})
        values = unwrap(req.body)
        existing = None
        if values.get("id"):
            existing = self.lookup(entity, id=values["id"])
        elif all(values.get(k) for k in definition.keys if k not in definition.defaults):
            keyed = {k: values.get(k, definition.defaults.get(k)) for k in definition.keys}
            existing = self.lookup(entity, **keyed)
        if req.header("If-None-Match") == "*" and existing is not None:
            return Reply(
                412, {"message": f"{entity} {_keys(definition, existing)} already exists."}
            )
        if req.header("If-Match") == "*" and existing is None:
            return Reply(412, {"message": f"{entity} to update was not found."})
        merged = {**(existing or definition.defaults), **values}
        errors = self._validate(entity, merged)
        if errors:
            body = wrap(values)
            for name, message in errors.items():
                body.setdefault(name, {"value": values.get(name)})["error"] = message
            verb = "Updating" if existing else "Inserting"
            body["error"] = f"{verb} '{entity}' record raised at least one error."
            return Reply(422, body)
        if entity == "Invoice" and "Details" in values:
            amount = sum(
                (Decimal(str(d.get("Amount") or 0)) for d in values["Details"]), Decimal(0)
            )
            values.setdefault("Amount", amount)
            values.setdefault("Balance", amount)
            values.setdefault("DetailTotal", amount)
        values["LastModifiedDateTime"] = utc_now()
        if existing is not None:
            existing.update({k: v for k, v in values.items() if k != "id"})
            stored = existing
        else:
            stored = self._insert(entity, values)
        return Reply(
            200, self._shape(entity, stored, set(definition.children) | {"MainContact"}, 1)
        )

    def _validate(self, entity: str, record: dict[str, Any]) -> dict[str, str]:
        definition = ENTITIES[entity]
        errors: dict[str, str] = {}
        for name in definition.required:
            if record.get(name) in (None, ""):
                errors[name] = f"'{name}' cannot be empty."
        for name, limit in definition.lengths.items():
            value = record.get(name)
            if isinstance(value, str) and len(value) > limit:
                errors[name] = f"'{name}' is too long: at most {limit} characters."
        for name, target in definition.refs.items():
            value = record.get(name)
            key = ENTITIES[target].keys[-1]
            if value not in (None, "") and self.lookup(target, **{key: value}) is None:
                errors[name] = f"'{name}' cannot be found in the system."
        if entity == "Payment":
            for doc in record.get("DocumentsToApply") or []:
                if self.lookup("Invoice", ReferenceNbr=doc.get("ReferenceNbr")) is None:
                    errors["DocumentsToApply"] = (
                        f"Invoice {doc.get('ReferenceNbr')!r} cannot be found in the system."
                    )
        return errors


def _field(record: dict[str, Any], name: str) -> Any:
    return record.get(name)


def _split_and(text: str) -> list[str]:
    """Split on `` and `` outside quoted literals."""
    parts, current, quoted, i = [], "", False, 0
    while i < len(text):
        if text[i] == "'":
            quoted = not quoted
        if not quoted and text[i : i + 5].lower() == " and ":
            parts.append(current)
            current, i = "", i + 5
            continue
        if not quoted and text[i : i + 4].lower() == " or ":
            raise ValueError("$filter with 'or' is not supported by the stand-in")
        current += text[i]
        i += 1
    return [*parts, current]


def _keys(definition: EntityDef, record: dict[str, Any]) -> str:
    return "/".join(str(record.get(k)) for k in definition.keys)


def _expand(text: str) -> set[str]:
    return {part.strip().split("/")[0] for part in text.split(",") if part.strip()}


def _cookie(req: Request, name: str) -> str | None:
    for part in (req.header("Cookie") or "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None

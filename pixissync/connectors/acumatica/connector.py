"""Acumatica (contract-based REST API, endpoint ``Default/24.200.001``): pull and push.

Reading: Customer (with ``MainContact/Address``), Project, Invoice with
``Details``, Payment with ``DocumentsToApply``, TimeEntry and CostCode, every
value unwrapped from ``{"value": ...}``; ``$top``/``$skip`` paging; incremental
pulls filter ``LastModifiedDateTime gt datetimeoffset'...'``.

Writing exactly once: every create is a ``PUT`` with ``If-None-Match: *``
(insert-only: the server refuses to overwrite a record with the same key) and
carries our reference in a field we can ``$filter`` on; before creating we
look for that reference and return the record found instead. The fields are
``ExternalRefNbr`` (Project, TimeEntry), ``CustomerOrder`` (Invoice) and
``ExternalRef`` (Payment, and Customer — on a real tenant Customer has no such
standard field, so point ``reference_fields["Customer"]`` at the attribute or
custom field your tenant uses) [I]. Updates use ``If-Match: *`` (update-only).
A ``422`` answer's per-field ``error`` properties become the proposal's error.
Keys left out on create are numbered by the tenant (auto-numbering); a
project's ``ProjectID`` is the job number.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

import httpx

from pixissync.connectors.acumatica.shapes import (
    ENDPOINT,
    ENTITY_MAP,
    REFERENCE_FIELDS,
    day,
    field_errors,
    hhmm_to_hours,
    unwrap,
    wrap,
)
from pixissync.connectors.acumatica.writes import change_body
from pixissync.connectors.base import Change, PushResult
from pixissync.connectors.http.auth import AcumaticaCookieAuth, OAuth2ClientCredentials
from pixissync.connectors.http.base import RestConnector
from pixissync.connectors.http.client import RestClient, RetryPolicy, system_message
from pixissync.connectors.http.paging import TopSkipPaginator
from pixissync.errors import AmbiguousReferenceError, PermanentError

Row = dict[str, Any]


class AcumaticaConnector(RestConnector):
    """An Acumatica tenant over the contract-based REST API.

    Args:
        base_url: the site URL (``https://<host>/<instance>`` or a stand-in's URL).
        username, password, tenant, branch: the API user's login (sent as
            Acumatica's ``name``; the keyword is ``username`` because ``name`` is the
            connector registry's own argument).
        client_id, client_secret: a connected application; when given, sign in with
            OAuth2 (``/identity/connect/token``, password grant, scope ``api``)
            instead of the cookie session.
        reference_fields: override where our reference is kept, per Acumatica entity.
        page_size: ``$top`` per page.
        timeout, retry, transport, sleep: passed to :class:`RestClient`.
    """

    name: ClassVar[str] = "acumatica"
    pulls: ClassVar[frozenset[str]] = frozenset(ENTITY_MAP)
    pushes: ClassVar[frozenset[str]] = frozenset(
        {"customer", "job", "invoice", "payment", "time_entry"}
    )

    def __init__(
        self,
        base_url: str,
        *,
        username: str,
        password: str,
        tenant: str | None = None,
        branch: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        reference_fields: Mapping[str, str] | None = None,
        page_size: int = 500,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        root = base_url.rstrip("/")
        self.auth: AcumaticaCookieAuth | OAuth2ClientCredentials
        if client_id:
            # A connected application: OAuth2 resource-owner grant, no cookie session.
            self.auth = OAuth2ClientCredentials(
                f"{root}/identity/connect/token",
                client_id=client_id,
                client_secret=client_secret,
                username=username,
                password=password,
                scope="api",
                system="acumatica",
            )
        else:
            self.auth = AcumaticaCookieAuth(
                f"{root}/entity/auth/login",
                f"{root}/entity/auth/logout",
                username,
                password,
                tenant=tenant,
                branch=branch,
            )
        self.reference_fields = {**REFERENCE_FIELDS, **(reference_fields or {})}
        self.page_size = page_size
        super().__init__(
            RestClient(
                "acumatica",
                root,
                auth=self.auth,
                timeout=timeout,
                retry=retry,
                transport=transport,
                sleep=sleep,
            )
        )

    # reading -------------------------------------------------------------------
    def records(
        self, entity: str, since: datetime | None, expand: str = "", filter: str = ""
    ) -> Iterator[Row]:
        """Every record of an Acumatica entity, unwrapped."""
        clauses = [filter] if filter else []
        if since is not None:
            clauses.append(f"LastModifiedDateTime gt datetimeoffset'{since.isoformat()}'")
        params = {"$filter": " and ".join(clauses) or None, "$expand": expand or None}
        for record in TopSkipPaginator(
            self.client, f"{ENDPOINT}/{entity}", params=params, page_size=self.page_size
        ):
            yield unwrap(record)

    def _pull_customer(self, since: datetime | None) -> Iterator[Row]:
        for c in self.records("Customer", since, "MainContact/Address"):
            contact = c.get("MainContact") or {}
            address = contact.get("Address") or {}
            yield {
                "customer_id": c.get("CustomerID"),
                "name": c.get("CustomerName"),
                "address1": address.get("AddressLine1"),
                "address2": address.get("AddressLine2"),
                "city": address.get("City"),
                "state": address.get("State"),
                "postal_code": address.get("PostalCode"),
                "phone": contact.get("Phone1"),
                "email": contact.get("Email"),
                "status": str(c.get("Status") or "").lower() or None,
                "external_ref": c.get(self.reference_fields["Customer"]),
                "updated_at": c.get("LastModifiedDateTime"),
            }

    def _pull_job(self, since: datetime | None) -> Iterator[Row]:
        for p in self.records("Project", since):
            yield {
                "job_id": p.get("ProjectID"),
                "job_number": p.get("ProjectID"),
                "name": p.get("Description"),
                "customer_id": p.get("Customer"),
                "status": str(p.get("Status") or "").lower() or None,
                "external_ref": p.get(self.reference_fields["Project"]),
                "updated_at": p.get("LastModifiedDateTime"),
            }

    def _pull_invoice(self, since: datetime | None) -> Iterator[Row]:
        for inv in self.records("Invoice", since, filter="Type eq 'Invoice'"):
            yield {
                "invoice_id": inv.get("ReferenceNbr"),
                "invoice_number": inv.get("ReferenceNbr"),
                "customer_id": inv.get("Customer"),
                "job_id": inv.get("Project"),
                "invoice_date": day(inv.get("Date")),
                "due_date": day(inv.get("DueDate")),
                "subtotal": inv.get("DetailTotal"),
                "tax": inv.get("TaxTotal"),
                "total": inv.get("Amount"),
                "balance": inv.get("Balance"),
                "status": str(inv.get("Status") or "").lower() or None,
                "external_ref": inv.get(self.reference_fields["Invoice"]),
                "updated_at": inv.get("LastModifiedDateTime"),
            }

    def _pull_invoice_line(self, since: datetime | None) -> Iterator[Row]:
        for inv in self.records("Invoice", since, "Details", filter="Type eq 'Invoice'"):
            for n, d in enumerate(inv.get("Details") or [], start=1):
                yield {
                    "invoice_id": inv.get("ReferenceNbr"),
                    "line_no": d.get("LineNbr") or n,
                    "description": d.get("TransactionDescription"),
                    "quantity": d.get("Qty"),
                    "unit_price": d.get("UnitPrice"),
                    "amount": d.get("Amount"),
                    "cost_code": d.get("CostCode"),
                    "gl_account": d.get("Account"),
                }

    def _pull_payment(self, since: datetime | None) -> Iterator[Row]:
        for p in self.records("Payment", since):
            yield {
                "payment_id": p.get("ReferenceNbr"),
                "customer_id": p.get("CustomerID"),
                "payment_date": day(p.get("ApplicationDate")),
                "amount": p.get("PaymentAmount"),
                "reference": p.get("PaymentRef"),
                "method": str(p.get("PaymentMethod") or "").lower() or None,
                "external_ref": p.get(self.reference_fields["Payment"]),
                "updated_at": p.get("LastModifiedDateTime"),
            }

    def _pull_payment_application(self, since: datetime | None) -> Iterator[Row]:
        for p in self.records("Payment", since, "DocumentsToApply"):
            for doc in p.get("DocumentsToApply") or []:
                yield {
                    "payment_id": p.get("ReferenceNbr"),
                    "invoice_id": doc.get("ReferenceNbr"),
                    "amount": doc.get("AmountPaid"),
                }

    def _pull_time_entry(self, since: datetime | None) -> Iterator[Row]:
        for t in self.records("TimeEntry", since):
            yield {
                "entry_id": t.get("TimeEntryID"),
                "employee_id": t.get("Employee"),
                "job_id": t.get("ProjectID"),
                "job_number": t.get("ProjectID"),
                "cost_code": t.get("CostCode"),
                "work_date": day(t.get("Date")),
                "regular_hours": hhmm_to_hours(t.get("TimeSpent")),
                "overtime_hours": hhmm_to_hours(t.get("Overtime")) or Decimal(0),
                "doubletime_hours": Decimal(0),
                "approved": t.get("ApprovalStatus") == "Approved",
                "external_ref": t.get(self.reference_fields["TimeEntry"]),
                "updated_at": t.get("LastModifiedDateTime"),
            }

    def _pull_cost_code(self, since: datetime | None) -> Iterator[Row]:
        for c in self.records("CostCode", since):
            yield {
                "cost_code": c.get("CostCodeID"),
                "description": c.get("Description"),
                "updated_at": c.get("LastModifiedDateTime"),
            }

    # writing -------------------------------------------------------------------
    def find(self, entity: str, reference: str) -> str | None:
        """The key of the record carrying ``reference``; raises if several do."""
        target, key, _ = ENTITY_MAP[entity]
        ref_field = self.reference_fields[target]
        quoted = reference.replace("'", "''")
        found = [
            str(r.get(key)) for r in self.records(target, None, filter=f"{ref_field} eq '{quoted}'")
        ]
        if len(found) > 1:
            raise AmbiguousReferenceError(
                f"acumatica: {target} records {', '.join(found)} all carry reference {reference}"
            )
        return found[0] if found else None

    def push(self, change: Change) -> PushResult:
        """Create (insert-only, looked up first) or update (update-only) one record."""
        if change.entity not in self.pushes:
            raise PermanentError(
                f"acumatica cannot write {change.entity}; it takes {', '.join(sorted(self.pushes))}"
            )
        target, key, _ = ENTITY_MAP[change.entity]
        body = change_body(change)
        if change.action == "create":
            body[self.reference_fields[target]] = change.reference

            def create() -> str:
                return self._put(target, key, body, {"If-None-Match": "*"}, change)

            return self.create_once(change.entity, change.reference, create)
        if change.entity not in ("customer", "job") or not change.target_id:
            raise PermanentError(
                f"acumatica: {change.entity} updates are not written (posted documents "
                "are changed in Acumatica itself)"
            )
        body[key] = change.target_id
        target_id = self._put(target, key, body, {"If-Match": "*"}, change)
        return PushResult(target_id, created=False)

    def _put(
        self,
        target: str,
        key: str,
        body: Mapping[str, Any],
        headers: Mapping[str, str],
        change: Change,
    ) -> str:
        response = self.client.request(
            "PUT",
            f"{ENDPOINT}/{target}",
            json=wrap(body),
            headers=headers,
            accept=(412, 422),
            # An insert lets the tenant number the key: resending could insert twice.
            idempotent="If-None-Match" not in headers,
        )
        if response.status_code == 422:
            errors = field_errors(response.json()) or [system_message(response)]
            raise PermanentError(
                f"acumatica: {target} {change.reference} was refused",
                system_message="; ".join(errors),
            )
        if response.status_code == 412:
            raise PermanentError(
                f"acumatica: {target} {change.action} refused by precondition",
                system_message=system_message(response),
            )
        return str(unwrap(response.json()).get(key))

    # health ----------------------------------------------------------------------
    def _probe(self) -> None:
        self.client.get_json(f"{ENDPOINT}/Customer", params={"$top": 1})

    def close(self) -> None:
        """Log out (Acumatica counts API sessions against the licence), then close."""
        if isinstance(self.auth, AcumaticaCookieAuth):
            self.auth.logout(self.client.http)
        super().close()

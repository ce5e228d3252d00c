"""BuildOps: pull customers, properties (job sites), jobs and invoices; AR status back.

Auth: ``POST /v1/auth/token`` with client id, secret and tenant id, then a
Bearer token plus a ``tenantId`` header on every call; the token is renewed a
minute before ``expires_in`` runs out and on 401. Lists answer
``{items, totalCount}`` with ``page``/``limit``; incremental pulls pass
``updatedAfter`` (ISO 8601, UTC).

Mapping: customer → customer (its billing address, else its first address);
a *property* is a job site, as a ServiceTrade location is: a job's address comes
from its ``customerPropertyId``; invoice → invoice and ``invoiceItems`` →
``invoice_line``. BuildOps' public API documentation is gated, so field names
follow public connectors and are read tolerantly [I].

Write-back: an invoice's status (``Paid`` when its balance reaches zero) with
``PUT /v1/invoices/{id}`` carrying the ``version`` just read; a 409 (someone
changed it meanwhile) re-reads and tries again, then gives up as transient.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar

import httpx

from pixissync.connectors.base import Change, PushResult
from pixissync.connectors.http.auth import BuildOpsAuth
from pixissync.connectors.http.base import RestConnector
from pixissync.connectors.http.client import RestClient, RetryPolicy
from pixissync.connectors.http.paging import PageTotalCountPaginator, dig
from pixissync.errors import PermanentError, TransientError

Row = dict[str, Any]


def _address(record: Row) -> Row:
    items = dig(record, "addresses.items") or []
    for item in items:
        if item.get("addressType") == "billingAddress":
            return dict(item)
    return dict(items[0]) if items else dict(record.get("address") or {})


def _day(value: Any) -> str | None:
    return str(value)[:10] if value else None


class BuildOpsConnector(RestConnector):
    """The BuildOps public API.

    Args:
        base_url: ``https://public-api.live.buildops.com`` or a stand-in's URL.
        client_id, client_secret, tenant_id: the API credentials.
        page_size: ``limit`` per page.
        timeout, retry, transport, sleep: passed to :class:`RestClient`.
    """

    name: ClassVar[str] = "buildops"
    pulls: ClassVar[frozenset[str]] = frozenset({"customer", "job", "invoice", "invoice_line"})
    pushes: ClassVar[frozenset[str]] = frozenset({"invoice"})

    def __init__(
        self,
        base_url: str = "https://public-api.live.buildops.com",
        *,
        client_id: str,
        client_secret: str,
        tenant_id: str,
        page_size: int = 500,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        root = base_url.rstrip("/")
        self.page_size = page_size
        super().__init__(
            RestClient(
                "buildops",
                root,
                auth=BuildOpsAuth(f"{root}/v1/auth/token", client_id, client_secret, tenant_id),
                timeout=timeout,
                retry=retry,
                transport=transport,
                sleep=sleep,
            )
        )

    def records(self, resource: str, since: datetime | None) -> Iterator[Row]:
        """Every record of ``/v1/{resource}``."""
        params = {"updatedAfter": since.astimezone(UTC).isoformat()} if since else {}
        yield from PageTotalCountPaginator(
            self.client,
            f"/v1/{resource}",
            params=params,
            records_path="items",
            page_size=self.page_size,
        )

    def _pull_customer(self, since: datetime | None) -> Iterator[Row]:
        for c in self.records("customers", since):
            address = _address(c)
            status = c.get("status") or ("active" if c.get("isActive", True) else "inactive")
            yield {
                "customer_id": c.get("id"),
                "name": c.get("name"),
                "address1": address.get("addressLine1"),
                "address2": address.get("addressLine2"),
                "city": address.get("city"),
                "state": address.get("state"),
                "postal_code": address.get("zipcode"),
                "phone": c.get("phonePrimary"),
                "email": c.get("email"),
                "status": str(status).lower(),
                "updated_at": dig(c, "audit.lastUpdatedDateTime"),
            }

    def _pull_job(self, since: datetime | None) -> Iterator[Row]:
        # Job sites rarely change but any job may point at any of them: read them all.
        sites = {p["id"]: p for p in self.records("properties", None)}
        for j in self.records("jobs", since):
            site = sites.get(j.get("customerPropertyId")) or {}
            address = _address(site)
            yield {
                "job_id": j.get("id"),
                "job_number": j.get("jobNumber"),
                "name": j.get("customerProvidedName") or j.get("name"),
                "customer_id": j.get("customerId"),
                "address1": address.get("addressLine1"),
                "city": address.get("city"),
                "state": address.get("state"),
                "postal_code": address.get("zipcode"),
                "status": j.get("status"),
                "updated_at": dig(j, "audit.lastUpdatedDateTime"),
            }

    def _pull_invoice(self, since: datetime | None) -> Iterator[Row]:
        for inv in self.records("invoices", since):
            yield {
                "invoice_id": inv.get("id"),
                "invoice_number": inv.get("invoiceNumber"),
                "customer_id": inv.get("customerId"),
                "job_id": inv.get("jobId"),
                "invoice_date": _day(inv.get("issuedDate")),
                "due_date": _day(inv.get("dueDate")),
                "subtotal": inv.get("subtotal"),
                "tax": inv.get("taxAmount"),
                "total": inv.get("totalAmount"),
                "balance": inv.get("balance"),
                "status": str(inv.get("status") or "").lower() or None,
                "updated_at": dig(inv, "audit.lastUpdatedDateTime"),
            }

    def _pull_invoice_line(self, since: datetime | None) -> Iterator[Row]:
        for inv in self.records("invoices", since):
            for n, item in enumerate(dig(inv, "invoiceItems.items") or [], start=1):
                yield {
                    "invoice_id": inv.get("id"),
                    "line_no": item.get("lineNumber") or n,
                    "description": item.get("description"),
                    "quantity": item.get("quantity"),
                    "unit_price": item.get("unitPrice"),
                    "amount": item.get("amount"),
                    "cost_code": item.get("costCode"),
                    "gl_account": item.get("ledgerAccount"),
                }

    def find(self, entity: str, reference: str) -> str | None:
        """We never create records in BuildOps, so none carries our reference."""
        return None

    def push(self, change: Change) -> PushResult:
        """Write an invoice's AR status back, with optimistic locking on ``version``."""
        if change.entity != "invoice" or change.action != "update" or not change.target_id:
            raise PermanentError(
                f"buildops takes invoice status updates only, not {change.action} {change.entity}"
            )
        status = change.values.get("status")
        balance = change.values.get("balance")
        if status is None and balance is not None and Decimal(str(balance)) == 0:
            status = "Paid"
        if status is None:
            raise PermanentError(
                f"buildops: invoice {change.target_id}: only status (or a zero balance) "
                "can be written back"
            )
        url = f"/v1/invoices/{change.target_id}"
        for _ in range(3):
            current = self.client.get_json(url)
            if current.get("status") == status:
                return PushResult(change.target_id, created=False, message="already so")
            response = self.client.request(
                "PUT", url, json={"status": status, "version": current["version"]}, accept=(409,)
            )
            if response.status_code != 409:
                return PushResult(change.target_id, created=False, message=f"status {status}")
        raise TransientError(
            f"buildops: invoice {change.target_id} kept changing under us (version conflict)"
        )

    def _probe(self) -> None:
        self.client.get_json("/v1/customers", params={"page": 1, "limit": 1})

"""ServiceTrade: pull companies, locations, jobs, invoices, payments and clock events.

Mapping decisions (ServiceTrade → canonical):

* **company → customer.** The company is who is billed; its own address,
  phone and email are the customer's.
* **location → job site.** A location is a service address of a company; it
  is not a customer. A job's ``address1/city/state/postal_code`` come from the
  job's location, so the ERP job carries the site address.
* **job → job**, pulled with ``status=all`` (the API shows only scheduled jobs
  otherwise); ``number`` is the ``job_number``.
* **invoice → invoice** and its ``items`` → ``invoice_line`` numbered 1..n in
  the order ServiceTrade returns them. ``balance`` is read when the API sends
  it, else 0 for a paid invoice and the total otherwise [I].
* **payment → payment** + ``payment_application`` (one per invoice paid).
* **clock event → time_entry**: hours = (clockOut − clockIn) as exact
  hundredths, all regular (ServiceTrade does not classify overtime), dated by
  the UTC day of clock-in.

Incremental pulls pass ``updatedAfter`` in Unix seconds. Writes: AR status
write-back with ``PUT /invoice/{id}`` (``status=paid``), and payments with
``POST /payment`` carrying our reference in ``externalId`` (looked up first;
the payment resource's exact fields are not in the public description [I]).
Auth: OAuth2 client credentials (or refresh token) when given, else the
legacy session login (``POST /api/auth`` → ``PHPSESSID``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

import httpx

from pixissync.connectors.base import Change, PushResult
from pixissync.connectors.http.auth import OAuth2ClientCredentials, ServiceTradeSessionAuth
from pixissync.connectors.http.base import RestConnector, from_unix, to_unix
from pixissync.connectors.http.client import RestClient, RetryPolicy
from pixissync.connectors.http.paging import PageNumberPaginator, dig
from pixissync.errors import AmbiguousReferenceError, ConfigError, PermanentError

Row = dict[str, Any]
_HUNDREDTH = Decimal("0.01")


def _date(value: Any) -> str | None:
    stamp = from_unix(value)
    return stamp.date().isoformat() if stamp else None


def _id(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


class ServiceTradeConnector(RestConnector):
    """The ServiceTrade REST API.

    Args:
        base_url: ``https://api.servicetrade.com`` or a stand-in's URL.
        username, password: legacy session login.
        client_id, client_secret, refresh_token: OAuth2 (preferred when given).
        page_size: records per page (the API caps jobs/invoices at 2000).
        timeout, retry, transport, sleep: passed to :class:`RestClient`.
    """

    name: ClassVar[str] = "servicetrade"
    pulls: ClassVar[frozenset[str]] = frozenset(
        {
            "customer",
            "job",
            "invoice",
            "invoice_line",
            "payment",
            "payment_application",
            "time_entry",
        }
    )
    pushes: ClassVar[frozenset[str]] = frozenset({"invoice", "payment"})

    def __init__(
        self,
        base_url: str = "https://api.servicetrade.com",
        *,
        username: str | None = None,
        password: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        refresh_token: str | None = None,
        page_size: int = 500,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        root = base_url.rstrip("/")
        auth: httpx.Auth
        if client_id or refresh_token:
            auth = OAuth2ClientCredentials(
                f"{root}/api/oauth2/token",
                client_id=client_id,
                client_secret=client_secret,
                refresh_token=refresh_token,
                system="servicetrade",
            )
        elif username and password:
            auth = ServiceTradeSessionAuth(f"{root}/api/auth", username, password)
        else:
            raise ConfigError(
                "servicetrade needs client_id/client_secret (OAuth2) or username/password"
            )
        self.auth = auth
        self.page_size = page_size
        super().__init__(
            RestClient(
                "servicetrade",
                root,
                auth=auth,
                timeout=timeout,
                retry=retry,
                transport=transport,
                sleep=sleep,
            )
        )

    # reading -----------------------------------------------------------------
    def records(
        self, resource: str, key: str, since: datetime | None, **params: Any
    ) -> Iterator[Row]:
        """Every record of a list resource (``/api/job`` → ``data.jobs``)."""
        if since is not None:
            params["updatedAfter"] = to_unix(since)
        yield from PageNumberPaginator(
            self.client,
            f"/api/{resource}",
            params=params,
            records_path=f"data.{key}",
            page_size=self.page_size,
        )

    def _pull_customer(self, since: datetime | None) -> Iterator[Row]:
        for c in self.records("company", "companies", since):
            address = c.get("address") or {}
            yield {
                "customer_id": _id(c["id"]),
                "name": c.get("name"),
                "address1": address.get("street"),
                "address2": address.get("street2"),
                "city": address.get("city"),
                "state": address.get("state"),
                "postal_code": address.get("postalCode"),
                "phone": c.get("phoneNumber"),
                "email": c.get("email"),
                "status": c.get("status"),
                "updated_at": from_unix(c.get("updated")),
            }

    def _pull_job(self, since: datetime | None) -> Iterator[Row]:
        for j in self.records("job", "jobs", since, status="all"):
            address = dig(j, "location.address") or {}
            yield {
                "job_id": _id(j["id"]),
                "job_number": _id(j.get("number")),
                "name": j.get("name"),
                "customer_id": _id(dig(j, "customer.id") or j.get("customerId")),
                "address1": address.get("street"),
                "city": address.get("city"),
                "state": address.get("state"),
                "postal_code": address.get("postalCode"),
                "status": j.get("status"),
                "updated_at": from_unix(j.get("updated")),
            }

    def _pull_invoice(self, since: datetime | None) -> Iterator[Row]:
        for inv in self.records("invoice", "invoices", since):
            total = inv.get("totalPrice")
            balance = inv.get("balance")
            if balance is None and total is not None:
                balance = Decimal(0) if inv.get("status") == "paid" else total
            yield {
                "invoice_id": _id(inv["id"]),
                "invoice_number": _id(inv.get("invoiceNumber")),
                "customer_id": _id(dig(inv, "customer.id")),
                "job_id": _id(dig(inv, "job.id")),
                "invoice_date": _date(inv.get("transactionDate")),
                "due_date": _date(inv.get("dueDate")),
                "subtotal": inv.get("subtotal"),
                "tax": inv.get("totalTax"),
                "total": total,
                "balance": balance,
                "status": inv.get("status"),
                "updated_at": from_unix(inv.get("updated")),
            }

    def _pull_invoice_line(self, since: datetime | None) -> Iterator[Row]:
        for inv in self.records("invoice", "invoices", since):
            for line_no, item in enumerate(inv.get("items") or [], start=1):
                yield {
                    "invoice_id": _id(inv["id"]),
                    "line_no": line_no,
                    "description": item.get("description"),
                    "quantity": item.get("quantity"),
                    "unit_price": item.get("price"),
                    "amount": item.get("totalPrice"),
                    "cost_code": dig(item, "serviceLine.code"),
                    "gl_account": item.get("glAccount"),
                }

    def _pull_payment(self, since: datetime | None) -> Iterator[Row]:
        for p in self.records("payment", "payments", since):
            yield {
                "payment_id": _id(p["id"]),
                "customer_id": _id(dig(p, "customer.id")),
                "payment_date": _date(p.get("paymentDate")),
                "amount": p.get("amount"),
                "reference": p.get("referenceNumber"),
                "method": p.get("method"),
                "external_ref": p.get("externalId"),
                "updated_at": from_unix(p.get("updated")),
            }

    def _pull_payment_application(self, since: datetime | None) -> Iterator[Row]:
        for p in self.records("payment", "payments", since):
            applications = p.get("applications") or [
                {"invoiceId": dig(p, "invoice.id"), "amount": p.get("amount")}
            ]
            for app in applications:
                if app.get("invoiceId") is not None:
                    yield {
                        "payment_id": _id(p["id"]),
                        "invoice_id": _id(app["invoiceId"]),
                        "amount": app.get("amount"),
                    }

    def _pull_time_entry(self, since: datetime | None) -> Iterator[Row]:
        for e in self.records("clock", "clockEvents", since):
            start, end = e.get("clockIn"), e.get("clockOut")
            hours = None
            if start is not None and end is not None:
                hours = (Decimal(int(end) - int(start)) / 3600).quantize(_HUNDREDTH)
            yield {
                "entry_id": _id(e["id"]),
                "employee_id": _id(dig(e, "user.id")),
                "job_id": _id(dig(e, "job.id")),
                "job_number": _id(dig(e, "job.number")),
                "work_date": _date(start),
                "regular_hours": hours,
                "overtime_hours": Decimal(0),
                "doubletime_hours": Decimal(0),
                "updated_at": from_unix(e.get("updated")),
            }

    # writing -----------------------------------------------------------------
    def find(self, entity: str, reference: str) -> str | None:
        """The id of the payment carrying ``reference`` in ``externalId``."""
        if entity != "payment":
            return None
        body = self.client.get_json("/api/payment", params={"externalId": reference})
        found = [p for p in dig(body, "data.payments") or [] if p.get("externalId") == reference]
        if len(found) > 1:
            ids = ", ".join(str(p["id"]) for p in found)
            raise AmbiguousReferenceError(
                f"servicetrade: payments {ids} all carry reference {reference}"
            )
        return str(found[0]["id"]) if found else None

    def push(self, change: Change) -> PushResult:
        """Write an invoice AR status (update) or record a payment (create)."""
        if change.entity == "invoice" and change.action == "update":
            return self._push_invoice_status(change)
        if change.entity == "payment" and change.action == "create":
            return self._push_payment(change)
        raise PermanentError(
            f"servicetrade cannot {change.action} {change.entity}: it takes invoice status "
            "updates and payment creates"
        )

    def _push_invoice_status(self, change: Change) -> PushResult:
        if not change.target_id:
            raise PermanentError(
                f"servicetrade: invoice update {change.reference} has no target id"
            )
        status = change.values.get("status")
        balance = change.values.get("balance")
        if status is None and balance is not None and Decimal(str(balance)) == 0:
            status = "paid"
        if status is None:
            raise PermanentError(
                f"servicetrade: invoice {change.target_id}: only status (or a zero balance) "
                "can be written back"
            )
        # Setting a status is idempotent: the same PUT twice leaves one state.
        self.client.request("PUT", f"/api/invoice/{change.target_id}", json={"status": status})
        return PushResult(change.target_id, created=False, message=f"status set to {status}")

    def _push_payment(self, change: Change) -> PushResult:
        values = change.values
        invoice_id = change.parents.get("invoice_id") or values.get("invoice_id")
        if not invoice_id:
            raise PermanentError(f"servicetrade: payment {change.reference} names no invoice")
        paid_on = values.get("payment_date")
        body = {
            "invoiceId": int(invoice_id),
            "amount": format(Decimal(str(values["amount"])), "f"),
            "paymentDate": to_unix(datetime.fromisoformat(str(paid_on))) if paid_on else None,
            "referenceNumber": values.get("reference"),
            "method": values.get("method"),
            "externalId": change.reference,
        }

        def create() -> str:
            response = self.client.request("POST", "/api/payment", json=body)
            return str(response.json()["data"]["id"])

        return self.create_once("payment", change.reference, create)

    # health --------------------------------------------------------------------
    def _probe(self) -> None:
        self.client.get_json("/api/company", params={"limit": 1, "page": 1})

    def close(self) -> None:
        """End the session (legacy login) and close the connection pool."""
        if isinstance(self.auth, ServiceTradeSessionAuth):
            self.auth.logout(self.client.http)
        super().close()

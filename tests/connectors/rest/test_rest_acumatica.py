"""Acumatica connector against its loopback stand-in."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from easy_acumatica import AcumaticaClient
from easy_acumatica.odata import F, QueryOptions
from rest_seed import FAST

from pixissync.connectors.acumatica import AcumaticaConnector
from pixissync.connectors.base import Change
from pixissync.connectors.http.client import RetryPolicy
from pixissync.errors import PermanentError
from pixissync.sandbox.rest.acumatica import AcumaticaStandIn


def connect(standin: AcumaticaStandIn, **kwargs: object) -> AcumaticaConnector:
    settings: dict[str, object] = {"retry": FAST, "page_size": 2, **kwargs}
    return AcumaticaConnector(
        standin.url, username="admin", password="sandbox-password", tenant="Company", **settings
    )  # type: ignore[arg-type]


def customer_change(ref: str = "pxs:servicetrade:customer:9001") -> Change:
    return Change(
        "customer",
        "create",
        ref,
        "k-" + ref,
        {
            "name": "Falls Lake Marina",
            "address1": "1 Dock Rd",
            "city": "Wake Forest",
            "state": "NC",
            "postal_code": "27587",
            "email": "office@fallslake.example",
        },
    )


def test_full_pull_matches_the_seed(
    acumatica: AcumaticaStandIn, frames: dict[str, pl.DataFrame]
) -> None:
    conn = connect(acumatica)
    customers = conn.pull("customer").sort("customer_id")
    for column in ("customer_id", "name", "address1", "postal_code", "email", "phone"):
        assert customers[column].to_list() == frames["customer"][column].to_list(), column
    jobs = conn.pull("job").sort("job_id")
    assert jobs["job_id"].to_list() == frames["job"]["job_number"].to_list()
    assert jobs["customer_id"].to_list() == frames["job"]["customer_id"].to_list()
    invoices = conn.pull("invoice").sort("invoice_id")
    assert invoices["invoice_id"].to_list() == frames["invoice"]["invoice_number"].to_list()
    assert invoices["total"].to_list() == frames["invoice"]["total"].to_list()
    assert invoices["invoice_date"].to_list() == frames["invoice"]["invoice_date"].to_list()
    lines = conn.pull("invoice_line").sort("invoice_id", "line_no")
    assert lines["amount"].to_list() == frames["invoice_line"]["amount"].to_list()
    payments = conn.pull("payment").sort("payment_id")
    assert payments["amount"].to_list() == frames["payment"]["amount"].to_list()
    applied = conn.pull("payment_application").sort("payment_id")
    assert applied["invoice_id"].to_list() == ["INV-5000", "INV-5001"]
    entries = conn.pull("time_entry").sort("entry_id")
    assert entries["regular_hours"].to_list() == frames["time_entry"]["regular_hours"].to_list()
    assert conn.pull("cost_code")["cost_code"].sort().to_list() == ["01-100", "02-200"]
    assert all(frame.height == 0 for frame in conn.quarantine.values())
    conn.close()
    assert acumatica.logouts == 1 and acumatica.sessions == set()


def test_incremental_pull_filters_on_last_modified(acumatica: AcumaticaStandIn) -> None:
    conn = connect(acumatica)
    since = datetime(2026, 1, 1, tzinfo=UTC)
    assert conn.pull("invoice", since).height == 0
    record = acumatica.lookup("Invoice", ReferenceNbr="INV-5002")
    assert record is not None
    acumatica.touch("Invoice", record, Balance=Decimal("0.00"), Status="Closed")
    changed = conn.pull("invoice", since)
    assert changed["invoice_id"].to_list() == ["INV-5002"]
    assert changed["balance"].to_list() == [Decimal("0.00")]
    conn.close()


def test_create_is_insert_only_and_happens_once(acumatica: AcumaticaStandIn) -> None:
    conn = connect(acumatica)
    change = customer_change()
    acumatica.faults.add("drop_after")  # the PUT is done, its answer lost
    first = conn.push(change)
    again = conn.push(change)
    assert first.target_id == again.target_id and not again.created
    mine = [r for r in acumatica.records["Customer"] if r.get("ExternalRef") == change.reference]
    assert len(mine) == 1 and mine[0]["MainContact"]["Address"]["City"] == "Wake Forest"
    assert conn.find("customer", change.reference) == first.target_id
    conn.close()


def test_insert_only_refuses_to_overwrite_an_existing_project(acumatica: AcumaticaStandIn) -> None:
    conn = connect(acumatica)
    change = Change(
        "job",
        "create",
        "pxs:servicetrade:job:77",
        "k",
        {"job_number": "J-1000", "name": "Clash"},
        parents={"customer_id": "100"},
    )
    with pytest.raises(PermanentError, match="already exists"):
        conn.push(change)
    assert acumatica.lookup("Project", ProjectID="J-1000")["Description"] == "PM visit 0"  # type: ignore[index]
    conn.close()


def test_field_errors_become_the_proposal_error(acumatica: AcumaticaStandIn) -> None:
    conn = connect(acumatica)
    change = Change(
        "invoice",
        "create",
        "pxs:servicetrade:invoice:1",
        "k",
        {"invoice_date": date(2025, 4, 1), "lines": []},
        parents={"customer_id": "NOPE"},
    )
    with pytest.raises(PermanentError, match="Customer: 'Customer' cannot be found") as info:
        conn.push(change)
    assert not info.value.retriable
    conn.close()


def test_invoice_payment_and_time_entry_creates(acumatica: AcumaticaStandIn) -> None:
    conn = connect(acumatica)
    invoice = conn.push(
        Change(
            "invoice",
            "create",
            "pxs:servicetrade:invoice:777",
            "k1",
            {
                "invoice_date": date(2025, 4, 1),
                "due_date": date(2025, 5, 1),
                "lines": [
                    {"description": "Labor", "quantity": Decimal("2"), "amount": Decimal("150.10")},
                    {"description": "Parts", "quantity": Decimal("1"), "amount": Decimal("49.95")},
                ],
            },
            parents={"customer_id": "101", "job_id": "J-1001"},
        )
    )
    record = acumatica.lookup("Invoice", ReferenceNbr=invoice.target_id)
    assert record is not None and record["Amount"] == Decimal("200.05")
    assert record["CustomerOrder"] == "pxs:servicetrade:invoice:777"
    payment = conn.push(
        Change(
            "payment",
            "create",
            "pxs:sage:payment:5",
            "k2",
            {
                "amount": Decimal("200.05"),
                "payment_date": date(2025, 4, 9),
                "reference": "CHK 12",
                "method": "check",
                "applications": [{"invoice_id": invoice.target_id, "amount": Decimal("200.05")}],
            },
            parents={"customer_id": "101"},
        )
    )
    assert payment.created
    entry = conn.push(
        Change(
            "time_entry",
            "create",
            "pxs:rhumbix:time_entry:9",
            "k3",
            {
                "employee_id": "E7",
                "work_date": date(2025, 4, 2),
                "regular_hours": Decimal("7.33"),
                "overtime_hours": Decimal("1.50"),
                "cost_code": "01-100",
            },
            parents={"job_id": "J-1002"},
        )
    )
    pulled = conn.pull("time_entry").filter(pl.col("entry_id") == entry.target_id)
    assert pulled["regular_hours"].to_list() == [Decimal("7.33")]
    assert pulled["overtime_hours"].to_list() == [Decimal("1.50")]
    assert pulled["external_ref"].to_list() == ["pxs:rhumbix:time_entry:9"]
    conn.close()


def test_update_only_touches_existing_records(acumatica: AcumaticaStandIn) -> None:
    conn = connect(acumatica)
    update = Change("customer", "update", "r", "k", {"name": "Acme Mechanical Inc"}, "100")
    assert conn.push(update).target_id == "100"
    assert acumatica.lookup("Customer", CustomerID="100")["CustomerName"] == "Acme Mechanical Inc"  # type: ignore[index]
    with pytest.raises(PermanentError, match="not found"):
        conn.push(Change("customer", "update", "r", "k", {"name": "Ghost"}, "C999999"))
    conn.close()


def test_throttling_honours_retry_after_and_expired_sessions_log_in_again(
    acumatica: AcumaticaStandIn,
) -> None:
    waits: list[float] = []
    conn = connect(acumatica, retry=RetryPolicy(attempts=5, max_delay=60), sleep=waits.append)
    acumatica.faults.retry_after = "7"
    acumatica.faults.add("429", "429")
    assert conn.pull("cost_code").height == 2
    assert waits == [7.0, 7.0]
    acumatica.expire_sessions()
    assert conn.pull("cost_code").height == 2
    assert acumatica.logins == 2
    conn.close()


def test_bad_password_is_reported_plainly(acumatica: AcumaticaStandIn) -> None:
    conn = AcumaticaConnector(acumatica.url, username="admin", password="nope", retry=FAST)
    [result] = conn.check()
    assert not result.ok and "Invalid credentials" in result.detail
    conn.close()


def test_oauth2_connected_application_signs_in_and_renews_on_401(
    acumatica: AcumaticaStandIn,
) -> None:
    conn = connect(acumatica, client_id="pixis-client", client_secret="sandbox-secret")
    assert conn.pull("cost_code").height == 2
    assert acumatica.sessions == set() and len(acumatica.tokens) == 1
    acumatica.expire_sessions()
    assert conn.pull("cost_code").height == 2
    assert acumatica.logins == 2
    conn.close()
    wrong = connect(acumatica, client_id="pixis-client", client_secret="nope")
    [result] = wrong.check()
    assert not result.ok and "invalid_client" in result.detail
    wrong.close()


def test_the_easy_acumatica_client_works_unchanged_against_the_stand_in(
    acumatica: AcumaticaStandIn, tmp_path: Path
) -> None:
    client = AcumaticaClient(
        base_url=acumatica.url,
        username="admin",
        password="sandbox-password",
        tenant="Company",
        auto_load_env=False,
        cache_dir=tmp_path,
    )
    # It built its services from our swagger.json and reads through them.
    assert len(client.customer.get_list()) == 5
    found = client.customer.get_list(options=QueryOptions(filter=F.CustomerName == "Cary Dental"))
    assert [c["CustomerID"]["value"] for c in found] == ["102"]
    acumatica.expire_sessions()  # idle logout: it signs in again by itself
    created = client.customer.put_entity(client.models.Customer(CustomerName="Via easy-acumatica"))
    assert created["CustomerID"]["value"] == "C000001"
    assert acumatica.lookup("Customer", CustomerName="Via easy-acumatica") is not None
    client.logout()
    assert acumatica.sessions == set()
    client.close()

"""ServiceTrade connector against its loopback stand-in (and the official SDK)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import polars as pl
import pytest
import servicetrade as servicetrade_sdk
from rest_seed import FAST

from pixissync.connectors.base import Change
from pixissync.connectors.servicetrade import ServiceTradeConnector
from pixissync.errors import ConfigError, PermanentError
from pixissync.sandbox.rest.servicetrade import ServiceTradeStandIn


def connect(standin: ServiceTradeStandIn, *, oauth: bool = False) -> ServiceTradeConnector:
    if oauth:
        return ServiceTradeConnector(
            standin.url, client_id="pixis-client", client_secret="sandbox-secret", retry=FAST
        )
    return ServiceTradeConnector(
        standin.url, username="pixis", password="sandbox-password", retry=FAST, page_size=2
    )


def test_full_pull_matches_the_seed(
    servicetrade: ServiceTradeStandIn, frames: dict[str, pl.DataFrame]
) -> None:
    conn = connect(servicetrade)
    customers = conn.pull("customer").sort("customer_id")
    assert customers["name"].to_list() == frames["customer"]["name"].to_list()
    assert customers["address1"].to_list() == frames["customer"]["address1"].to_list()
    jobs = conn.pull("job").sort("job_id")
    # All six jobs, not only the scheduled ones the API shows by default.
    assert jobs["job_id"].to_list() == frames["job"]["job_id"].to_list()
    assert jobs["address1"].to_list() == frames["job"]["address1"].to_list()
    assert jobs["customer_id"].to_list() == frames["job"]["customer_id"].to_list()
    invoices = conn.pull("invoice").sort("invoice_id")
    assert invoices["total"].to_list() == frames["invoice"]["total"].to_list()
    assert invoices["invoice_date"].to_list() == frames["invoice"]["invoice_date"].to_list()
    assert invoices.schema["total"] == pl.Decimal(12, 2)
    lines = conn.pull("invoice_line").sort("invoice_id", "line_no")
    assert lines["amount"].to_list() == frames["invoice_line"]["amount"].to_list()
    assert lines["unit_price"].to_list() == frames["invoice_line"]["unit_price"].to_list()
    payments = conn.pull("payment").sort("payment_id")
    assert payments["amount"].to_list() == [Decimal("107.35"), Decimal("50.00")]
    applied = conn.pull("payment_application").sort("payment_id")
    assert applied["invoice_id"].to_list() == ["300", "301"]
    entries = conn.pull("time_entry").sort("entry_id")
    assert entries["regular_hours"].to_list() == frames["time_entry"]["regular_hours"].to_list()
    assert entries["work_date"].to_list()[0] == date(2025, 3, 1)
    conn.close()
    assert servicetrade.sessions == set(), "close() must end the session"


def test_the_api_hides_unscheduled_jobs_without_status_all(
    servicetrade: ServiceTradeStandIn,
) -> None:
    conn = connect(servicetrade)
    body = conn.client.get_json("/api/job")
    assert {j["status"] for j in body["data"]["jobs"]} == {"scheduled"}
    assert conn.pull("job").height == 6
    conn.close()


def test_incremental_pull_returns_only_changed_records(servicetrade: ServiceTradeStandIn) -> None:
    conn = connect(servicetrade)
    since = datetime(2026, 1, 1, tzinfo=UTC)
    assert conn.pull("customer", since).height == 0
    servicetrade.touch("company", 102, name="Cary Dental Group")
    servicetrade.touch("invoice", 303, status="sent")
    changed = conn.pull("customer", since)
    assert changed["name"].to_list() == ["Cary Dental Group"]
    assert conn.pull("invoice", since)["invoice_id"].to_list() == ["303"]
    conn.close()


def test_invoice_status_write_back_is_idempotent(servicetrade: ServiceTradeStandIn) -> None:
    conn = connect(servicetrade, oauth=True)
    change = Change("invoice", "update", "pxs:sage:invoice:9", "k1", {"balance": "0.00"}, "300")
    for _ in range(2):
        result = conn.push(change)
        assert result.target_id == "300" and not result.created
    record = servicetrade.records["invoice"][300]
    assert record["status"] == "paid" and record["balance"] == Decimal("0.00")
    conn.close()


def test_payment_create_happens_once_even_when_the_answer_is_lost(
    servicetrade: ServiceTradeStandIn,
) -> None:
    conn = connect(servicetrade)
    change = Change(
        "payment",
        "create",
        "pxs:sage100c:payment:77",
        "k2",
        {"amount": "12.34", "payment_date": "2025-04-01", "reference": "CHK 9", "method": "check"},
        parents={"invoice_id": "302"},
    )
    servicetrade.faults.add("drop_after")  # the POST is done, its answer never arrives
    first = conn.push(change)
    second = conn.push(change)
    assert first.target_id == second.target_id
    mine = [
        p for p in servicetrade.records["payment"].values() if p["externalId"] == change.reference
    ]
    assert len(mine) == 1 and mine[0]["amount"] == Decimal("12.34")
    assert conn.find("payment", change.reference) == first.target_id
    conn.close()


def test_throttling_server_errors_and_drops_are_retried(servicetrade: ServiceTradeStandIn) -> None:
    conn = connect(servicetrade)
    servicetrade.faults.add("429", "503", "drop", "500")
    assert conn.pull("customer").height == 5
    assert conn.client.retries == 4
    conn.close()


def test_a_rejected_write_is_permanent_with_the_systems_message(
    servicetrade: ServiceTradeStandIn,
) -> None:
    conn = connect(servicetrade)
    change = Change("invoice", "update", "r", "k", {"status": "settled"}, "301")
    with pytest.raises(PermanentError, match="status must be one of") as info:
        conn.push(change)
    assert not info.value.retriable
    with pytest.raises(PermanentError, match="cannot create customer"):
        conn.push(Change("customer", "create", "r", "k", {"name": "x"}))
    conn.close()


@pytest.mark.parametrize("oauth", [False, True])
def test_an_expired_session_logs_in_again(servicetrade: ServiceTradeStandIn, oauth: bool) -> None:
    conn = connect(servicetrade, oauth=oauth)
    conn.pull("customer")
    servicetrade.expire_sessions()
    assert conn.pull("customer").height == 5
    assert servicetrade.logins == 2
    conn.close()


def test_bad_credentials_are_permanent_and_check_says_so(
    servicetrade: ServiceTradeStandIn,
) -> None:
    conn = ServiceTradeConnector(servicetrade.url, username="pixis", password="wrong", retry=FAST)
    [result] = conn.check()
    assert not result.ok and "Invalid username or password" in result.detail
    conn.close()
    good = connect(servicetrade)
    assert good.check()[0].ok
    good.close()
    with pytest.raises(ConfigError):
        ServiceTradeConnector(servicetrade.url)


def test_the_official_sdk_works_unchanged_against_the_stand_in(
    servicetrade: ServiceTradeStandIn,
) -> None:
    client = servicetrade_sdk.ServicetradeClient(
        base_url=servicetrade.url, client_id="pixis-client", client_secret="sandbox-secret"
    )
    jobs = list(servicetrade_sdk.Paginator(client, "/job", "jobs", params={"status": "all"}))
    assert len(jobs) == 6
    invoice = client.put("/invoice/301", {"status": "paid"})
    assert invoice["status"] == "paid"
    servicetrade.expire_sessions()  # the SDK logs in again on 401, as it does in production
    assert client.get("/company/100")["name"] == "Acme Mechanical"
    client.logout()
    # The SDK has no close(); its requests sessions are closed so no socket leaks.
    client._session.close()
    client._auth_session.close()


def test_connection_refused_is_transient() -> None:
    conn = ServiceTradeConnector(
        "http://127.0.0.1:9", username="u", password="p", retry=FAST, timeout=2
    )
    [result] = conn.check()
    assert not result.ok and "connection failed" in result.detail
    assert result.detail.startswith("servicetrade:")
    conn.close()

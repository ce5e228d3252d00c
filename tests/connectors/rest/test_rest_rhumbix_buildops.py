"""Rhumbix and BuildOps connectors against their loopback stand-ins."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import polars as pl
import pytest
from rest_seed import FAST

from pixissync.connectors.base import Change
from pixissync.connectors.buildops import BuildOpsConnector
from pixissync.connectors.rhumbix import RhumbixConnector
from pixissync.errors import PermanentError
from pixissync.sandbox.rest.buildops import BuildOpsStandIn
from pixissync.sandbox.rest.rhumbix import RhumbixStandIn

SINCE = datetime(2026, 1, 1, tzinfo=UTC)


def rhumbix_conn(standin: RhumbixStandIn, key: str = "sandbox-key") -> RhumbixConnector:
    return RhumbixConnector(standin.url, api_key=key, page_size=3, retry=FAST)


def buildops_conn(standin: BuildOpsStandIn) -> BuildOpsConnector:
    return BuildOpsConnector(
        standin.url,
        client_id="pixis",
        client_secret="sandbox-secret",
        tenant_id="tenant-1",
        page_size=2,
        retry=FAST,
    )


def test_rhumbix_pull_matches_the_seed_with_exact_hours(
    rhumbix: RhumbixStandIn, frames: dict[str, pl.DataFrame]
) -> None:
    conn = rhumbix_conn(rhumbix)
    entries = conn.pull("time_entry").sort("entry_id")
    seed = frames["time_entry"]
    assert entries["entry_id"].to_list() == seed["entry_id"].to_list()
    # 7.33 h is 440 minutes in Rhumbix and 7.33 h again here, exactly.
    assert entries["regular_hours"].to_list() == seed["regular_hours"].to_list()
    assert entries.schema["regular_hours"] == pl.Decimal(7, 2)
    assert entries["job_number"].to_list() == seed["job_number"].to_list()
    assert entries["approved"].to_list() == [True] * 4
    assert conn.pull("job").height == 6
    employees = conn.pull("employee").sort("employee_id")
    assert employees["status"].to_list() == ["active", "inactive"]
    assert conn.pull("cost_code").height == 2
    conn.close()


def test_rhumbix_incremental_pull_and_deleted_entries(rhumbix: RhumbixStandIn) -> None:
    conn = rhumbix_conn(rhumbix)
    assert conn.pull("time_entry", SINCE).height == 0
    first, second = rhumbix.records["timekeeping_entries"][:2]
    rhumbix.touch("timekeeping_entries", first, standard_time_minutes=465)
    rhumbix.delete_entry(second["id"])
    changed = conn.pull("time_entry", SINCE)
    assert changed["entry_id"].to_list() == [first["id"]]
    assert changed["regular_hours"].to_list() == [Decimal("7.75")]
    assert conn.deleted["entry_id"].to_list() == [second["id"]]
    # A full pull leaves the deleted entry out of the time entries.
    assert second["id"] not in conn.pull("time_entry")["entry_id"].to_list()
    conn.close()


def test_rhumbix_wrong_key_and_writes_are_permanent(rhumbix: RhumbixStandIn) -> None:
    conn = rhumbix_conn(rhumbix, key="wrong")
    with pytest.raises(PermanentError, match="Invalid API key"):
        conn.pull("cost_code")
    with pytest.raises(PermanentError, match="read-only"):
        conn.push(Change("time_entry", "create", "r", "k", {}))
    conn.close()


def test_buildops_pull_matches_the_seed(
    buildops: BuildOpsStandIn, frames: dict[str, pl.DataFrame]
) -> None:
    conn = buildops_conn(buildops)
    customers = conn.pull("customer")
    assert sorted(customers["name"].to_list()) == sorted(frames["customer"]["name"].to_list())
    acme = customers.filter(pl.col("customer_id") == buildops.id_for("customer", "100"))
    assert acme["address1"].to_list() == ["0 Main St"]
    jobs = conn.pull("job")
    assert jobs.height == 6
    # The job's address is its property's (the job site).
    site = jobs.filter(pl.col("job_id") == buildops.id_for("job", "203"))
    assert site["address1"].to_list() == ["13 Site Rd"]
    invoices = conn.pull("invoice")
    assert sorted(invoices["total"].to_list()) == sorted(frames["invoice"]["total"].to_list())
    assert conn.pull("invoice_line").height == frames["invoice_line"].height
    conn.close()


def test_buildops_incremental_pull_and_token_renewal(buildops: BuildOpsStandIn) -> None:
    conn = buildops_conn(buildops)
    assert conn.pull("customer", SINCE).height == 0
    cid = buildops.id_for("customer", "103")
    buildops.touch("customers", cid, name="Durham Labs LLC")
    buildops.expire_sessions()
    changed = conn.pull("customer", SINCE)
    assert changed["name"].to_list() == ["Durham Labs LLC"]
    assert buildops.logins == 2
    conn.close()


def test_buildops_status_write_back_uses_the_current_version(buildops: BuildOpsStandIn) -> None:
    conn = buildops_conn(buildops)
    iid = buildops.id_for("invoice", "302")
    buildops.touch("invoices", iid, memo="edited in BuildOps")  # version moves to 2
    change = Change("invoice", "update", "pxs:sage:invoice:1", "k", {"balance": "0.00"}, iid)
    assert conn.push(change).target_id == iid
    assert buildops.records["invoices"][iid]["status"] == "Paid"
    version = buildops.records["invoices"][iid]["version"]
    conn.push(change)  # idempotent: nothing to change, no new version
    assert buildops.records["invoices"][iid]["version"] == version == 3
    with pytest.raises(PermanentError, match="status must be one of"):
        conn.push(Change("invoice", "update", "r", "k", {"status": "Settled"}, iid))
    conn.close()

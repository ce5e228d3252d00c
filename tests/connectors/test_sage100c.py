"""The Sage 100 Contractor connector in sandbox mode, on SQLite and on PostgreSQL."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from contract import ConnectorContract
from sqlalchemy import func, select, update

from pixissync.connectors import create
from pixissync.connectors.base import Change, source_reference
from pixissync.connectors.sage100c import schema as s
from pixissync.connectors.sage100c.connector import Sage100cConnector
from pixissync.connectors.sage100c.mbxml import (
    Request,
    build_request_set,
    parse_request_set,
    parse_response,
)
from pixissync.errors import AmbiguousReferenceError, ConfigError, PermanentError, TransientError
from pixissync.sandbox.sage100c_api import SandboxSubmitter
from pixissync.sandbox.sage100c_db import build_sage100c_db
from pixissync.sandbox.sample_company import generate, write

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "data" / "samples"


@pytest.fixture(scope="module")
def small_samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("small")
    write(generate(seed=7, scale=0.05), out)
    return out


@pytest.fixture(scope="module")
def small_db(small_samples: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sandbox database of the small company, built once and copied per test."""
    path = tmp_path_factory.mktemp("db") / "template.db"
    build_sage100c_db(path, small_samples).dispose()
    return path


@pytest.fixture
def sage(small_db: Path, tmp_path: Path) -> Iterator[Sage100cConnector]:
    path = tmp_path / "sage.db"
    shutil.copy(small_db, path)
    connector = Sage100cConnector(str(path))
    yield connector
    connector.close()


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sage100cConnector]:
    """The committed sample company, read-only."""
    path = tmp_path_factory.mktemp("full") / "sage.db"
    build_sage100c_db(path, SAMPLES).dispose()
    connector = Sage100cConnector(str(path))
    yield connector
    connector.close()


def _sage_change(entity: str) -> Change | None:
    ref = source_reference("files", entity, f"contract-{entity}")
    line = {
        "line_no": 1,
        "description": "Service call",
        "quantity": Decimal("2"),
        "unit_price": Decimal("125.00"),
        "amount": Decimal("250.00"),
        "cost_code": "23.800",
        "gl_account": "4000",
    }
    changes = {
        "customer": Change(
            "customer", "create", ref, "k-c", {"name": "Contract Test Customer", "status": "active"}
        ),
        "job": Change(
            "job",
            "create",
            ref,
            "k-j",
            {"job_number": "99001", "name": "Contract job", "status": "current"},
            parents={"customer_id": "1"},
        ),
        "invoice": Change(
            "invoice",
            "create",
            ref,
            "k-i",
            {
                "invoice_number": "ST-99001",
                "invoice_date": date(2026, 10, 30),
                "due_date": date(2026, 11, 29),
                "tax": Decimal("18.13"),
                "lines": [line],
            },
            parents={"job_id": "21001"},
        ),
        "time_entry": Change(
            "time_entry",
            "create",
            ref,
            "k-t",
            {
                "employee_id": "101",
                "cost_code": "23.800",
                "work_date": date(2026, 10, 30),
                "regular_hours": Decimal("8.00"),
                "overtime_hours": Decimal("1.50"),
                "doubletime_hours": Decimal("0.00"),
            },
            parents={"job_id": "21001"},
        ),
    }
    return changes.get(entity)


class TestSage100cSqliteContract(ConnectorContract):
    @pytest.fixture
    def connector(self, sage: Sage100cConnector) -> Sage100cConnector:
        return sage

    def create_change(self, entity: str) -> Change | None:
        return _sage_change(entity)


@pytest.mark.postgres
class TestSage100cPostgresContract(ConnectorContract):
    @pytest.fixture
    def connector(self, pg_url: str, small_samples: Path) -> Iterator[Sage100cConnector]:
        build_sage100c_db(pg_url, small_samples).dispose()
        connector = Sage100cConnector(pg_url)
        yield connector
        connector.close()

    def create_change(self, entity: str) -> Change | None:
        return _sage_change(entity)


# -- mapping on the committed sample company ------------------------------------------


def _csv(table: str) -> list[dict[str, str]]:
    with (SAMPLES / "sage100c" / f"{table}.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_counts_pulled_equal_the_tables(full: Sage100cConnector) -> None:
    assert full.pull("customer").height == len(_csv("reccln"))
    assert full.pull("job").height == len(_csv("actrec"))
    assert full.pull("invoice").height == len(_csv("acrinv"))
    assert full.pull("invoice_line").height == len(_csv("arivln"))
    assert full.pull("payment_application").height == len(_csv("acrpmt"))
    assert full.pull("time_entry").height == len({r["recnum"] for r in _csv("dlypyr")})
    assert full.pull("employee").height == len(_csv("employ"))
    assert full.pull("cost_code").height == len(_csv("cstcde"))
    assert all(frame.height == 0 for frame in full.quarantine.values())


def test_a_known_customer_comes_through_exactly(full: Sage100cConnector) -> None:
    source = next(r for r in _csv("reccln") if r["recnum"] == "2")
    row = full.pull("customer").filter(pl.col("customer_id") == "2").row(0, named=True)
    assert row["name"] == source["clnnme"] == "Jessup & Kessler Development Group"
    assert (row["address1"], row["city"], row["state"], row["postal_code"]) == (
        source["addrs1"],
        source["ctynme"],
        source["state_"],
        source["zipcde"],
    )
    assert (row["phone"], row["email"], row["status"]) == (
        source["phnnum"],
        source["e_mail"],
        "active",
    )
    assert row["updated_at"].isoformat() == source["upddte"].replace(" ", "T") + "+00:00"


def test_invoice_money_and_customer_via_job(full: Sage100cConnector) -> None:
    source = next(r for r in _csv("acrinv") if r["recnum"] == "2")
    job = next(r for r in _csv("actrec") if r["recnum"] == source["jobnum"])
    row = full.pull("invoice").filter(pl.col("invoice_id") == "2").row(0, named=True)
    assert row["invoice_number"] == source["invnum"]
    assert row["total"] == Decimal(source["invttl"])
    assert row["tax"] == Decimal(source["slstax"])
    assert row["subtotal"] == Decimal(source["invttl"]) - Decimal(source["slstax"])
    assert (row["job_id"], row["customer_id"]) == (source["jobnum"], job["clnnum"])


def test_posted_open_invoices_read_as_posted(full: Sage100cConnector) -> None:
    posted_open = [r for r in _csv("acrinv") if r["lgrrec"] and r["status"] == "1"]
    statuses = full.pull("invoice")["status"]
    assert (statuses == "posted").sum() == len(posted_open) > 0
    assert full.closed_periods() == [(2026, month) for month in range(1, 8)]


def test_time_entry_hours_by_pay_type(full: Sage100cConnector) -> None:
    lines = _csv("dlypyr")
    overtime = next(r for r in lines if r["paytyp"] == "2")
    mine = [r for r in lines if r["recnum"] == overtime["recnum"]]
    row = (
        full.pull("time_entry").filter(pl.col("entry_id") == overtime["recnum"]).row(0, named=True)
    )
    hours = {int(r["paytyp"]): Decimal(r["hrswrk"]) for r in mine}
    assert row["regular_hours"] == hours.get(1, Decimal(0))
    assert row["overtime_hours"] == hours[2]
    assert (row["employee_id"], row["cost_code"]) == (overtime["empnum"], overtime["cstcde"])


def test_payments_only_in_the_erp_are_pulled(full: Sage100cConnector) -> None:
    import json

    manifest = json.loads((SAMPLES / "manifest.json").read_text())
    planted = [i for i in manifest["items"] if i["kind"] == "payment_only_in_erp"]
    payments = full.pull("payment")
    for item in planted:
        row = payments.filter(pl.col("payment_id") == item["erp_id"])
        assert row["amount"].to_list() == [Decimal(item["amount"])], item["erp_id"]


# -- what Sage refuses -------------------------------------------------------------------


def test_a_value_longer_than_the_field_is_refused_naming_it(sage: Sage100cConnector) -> None:
    change = Change("customer", "create", "pxs:files:customer:long", "k", {"name": "N" * 60})
    with pytest.raises(
        PermanentError, match=r"'name' is 60 characters; Sage reccln\.clnnme holds at most 50"
    ):
        sage.push(change)
    assert sage.find("customer", change.reference) is None


def test_a_posted_invoice_cannot_be_edited(sage: Sage100cConnector) -> None:
    posted = sage.pull("invoice").filter(pl.col("status") == "posted")["invoice_id"][0]
    change = Change(
        "invoice",
        "update",
        "pxs:files:invoice:x",
        "k",
        {"total": Decimal("1.00")},
        target_id=posted,
    )
    with pytest.raises(PermanentError, match=r"posted.*credit memo"):
        sage.push(change)
    # The sandbox API refuses it too, whoever sends the XML.
    xml = build_request_set(
        [Request("ARInvoiceModRq", "ARInvoice", {"invttl": "1.00"}, object_id=int(posted))],
        message_set_id="m1",
    )
    result = parse_response(SandboxSubmitter(sage.engine).submit(xml))[0]
    assert not result.ok and "posted" in result.message
    after = sage.pull("invoice").filter(pl.col("invoice_id") == posted)["total"][0]
    assert after != Decimal("1.00")


def test_an_invoice_in_a_locked_period_is_refused(sage: Sage100cConnector) -> None:
    change = _sage_change("invoice")
    assert change is not None
    july = Change(
        "invoice",
        "create",
        change.reference,
        "k",
        {**change.values, "invoice_date": date(2026, 7, 15)},
        parents=change.parents,
    )
    with pytest.raises(PermanentError, match="2026-07 is locked"):
        sage.push(july)


def test_time_for_an_unknown_employee_is_refused(sage: Sage100cConnector) -> None:
    change = _sage_change("time_entry")
    assert change is not None
    stranger = Change(
        "time_entry",
        "create",
        change.reference,
        "k",
        {**change.values, "employee_id": "9999"},
        parents=change.parents,
    )
    with pytest.raises(PermanentError, match="employee 9999 does not exist"):
        sage.push(stranger)


def test_stop_on_error_rolls_the_whole_request_set_back(sage: Sage100cConnector) -> None:
    good = Request("ClientAddNextRq", "Client", {"clnnme": "First Ok", "usrdf1": "pxs:a"})
    bad = Request("ClientAddNextRq", "Client", {"clnnme": "X" * 51})
    later = Request("ClientAddNextRq", "Client", {"clnnme": "Never", "usrdf1": "pxs:c"})
    response = SandboxSubmitter(sage.engine).submit(
        build_request_set([good, bad, later], message_set_id="m2")
    )
    results = parse_response(response)
    assert [r.message for r in results] == [
        "rolled back: a request failed",
        "clnnme: the value is 51 characters; the field holds 50",
        "not processed",
    ]
    assert not any(r.ok for r in results)
    assert sage.find("customer", "pxs:a") is None
    assert sage.find("customer", "pxs:c") is None


def test_continue_on_error_keeps_the_requests_that_worked(sage: Sage100cConnector) -> None:
    good = Request("ClientAddNextRq", "Client", {"clnnme": "Kept", "usrdf1": "pxs:k"})
    bad = Request("JobAddNextRq", "Job", {"jobnme": "Orphan", "clnnum": "99999"})
    xml = build_request_set([bad, good], message_set_id="m3", on_error="continueOnError")
    results = parse_response(SandboxSubmitter(sage.engine).submit(xml))
    assert [r.ok for r in results] == [False, True]
    assert "client 99999 does not exist" in results[0].message
    assert sage.find("customer", "pxs:k") == str(results[1].object_id)


def test_job_keeps_the_field_job_number_when_free(sage: Sage100cConnector) -> None:
    change = _sage_change("job")
    assert change is not None
    assert sage.push(change).target_id == "99001"
    row = sage.pull("job").filter(pl.col("job_id") == "99001").row(0, named=True)
    assert (row["customer_id"], row["status"], row["external_ref"]) == (
        "1",
        "current",
        change.reference,
    )


def test_customer_update_changes_only_given_fields(sage: Sage100cConnector) -> None:
    before = sage.pull("customer").filter(pl.col("customer_id") == "3").row(0, named=True)
    change = Change(
        "customer", "update", "pxs:files:customer:3", "k", {"city": "Matthews"}, target_id="3"
    )
    assert sage.push(change).created is False
    after = sage.pull("customer").filter(pl.col("customer_id") == "3").row(0, named=True)
    assert after["city"] == "Matthews"
    assert {k: v for k, v in after.items() if k not in ("city", "updated_at")} == {
        k: v for k, v in before.items() if k not in ("city", "updated_at")
    }


def test_two_records_with_one_reference_are_ambiguous(sage: Sage100cConnector) -> None:
    change = _sage_change("customer")
    assert change is not None
    sage.push(change)
    with sage.engine.begin() as conn:
        conn.execute(update(s.reccln).where(s.reccln.c.recnum == 2).values(usrdf1=change.reference))
    with pytest.raises(AmbiguousReferenceError):
        sage.find("customer", change.reference)


def test_new_record_numbers_follow_the_highest(sage: Sage100cConnector) -> None:
    with sage.engine.connect() as conn:
        top = conn.execute(select(func.max(s.dlypyr.c.recnum))).scalar_one()
    change = _sage_change("time_entry")
    assert change is not None
    assert sage.push(change).target_id == str(top + 1)


def test_the_xml_is_an_mbxml_request_set(sage: Sage100cConnector) -> None:
    change = _sage_change("customer")
    assert change is not None
    xml = build_request_set([sage.writer.request_for(change)], message_set_id="abc", user="me")
    assert xml.startswith('<api:MBXML xmlns:api="http://sage100contractor.com/api">')
    assert '<MBXMLMsgsRq messageSetID="abc" onError="stopOnError">' in xml
    assert '<ClientAddNextRq requestID="1"><Client><clnnme>Contract Test Customer</clnnme>' in xml
    set_id, on_error, user, requests = parse_request_set(xml)
    assert (set_id, on_error, user) == ("abc", "stopOnError", "me")
    assert requests[0][1].fields["usrdf1"] == change.reference


# -- configuration and transport errors ---------------------------------------------------


def test_registered_and_modes_checked(small_db: Path) -> None:
    connector = create("sage100c", url=str(small_db), mode="sandbox")
    assert isinstance(connector, Sage100cConnector)
    connector.close()
    with pytest.raises(ConfigError, match="mode 'live' is unknown"):
        Sage100cConnector(str(small_db), mode="live")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="'host' is required"):
        Sage100cConnector(mode="production", company="Acme", login="pixissync")
    with pytest.raises(ConfigError, match="usrdf9"):
        Sage100cConnector(str(small_db), reference_field="usrdf9")


def test_an_unreachable_server_is_transient_and_reported() -> None:
    connector = Sage100cConnector("postgresql+psycopg://postgres@127.0.0.1:1/none")
    with pytest.raises(TransientError):
        connector.pull("customer")
    results = connector.check()
    assert [r.ok for r in results] == [False]
    connector.close()


def test_an_open_invoice_update_moves_total_balance_and_period(sage: Sage100cConnector) -> None:
    invoices = sage.pull("invoice")
    open_one = invoices.filter(
        (pl.col("status") == "open") & (pl.col("balance") == pl.col("total"))
    )
    target = open_one.row(0, named=True)
    change = Change(
        "invoice",
        "update",
        "pxs:files:invoice:u",
        "k",
        {"total": target["total"] + Decimal("100.00"), "invoice_date": date(2026, 10, 1)},
        target_id=target["invoice_id"],
    )
    sage.push(change)
    after = (
        sage.pull("invoice").filter(pl.col("invoice_id") == target["invoice_id"]).row(0, named=True)
    )
    assert after["total"] == after["balance"] == target["total"] + Decimal("100.00")
    assert after["invoice_date"] == date(2026, 10, 1)
    with sage.engine.connect() as conn:
        period = conn.execute(
            select(s.acrinv.c.postyr, s.acrinv.c.actper).where(
                s.acrinv.c.recnum == int(target["invoice_id"])
            )
        ).one()
    assert tuple(period) == (2026, 10)


def test_a_time_update_changes_only_the_hours_given(sage: Sage100cConnector) -> None:
    entries = sage.pull("time_entry")
    entry = entries.filter(pl.col("overtime_hours") > 0).row(0, named=True)
    change = Change(
        "time_entry",
        "update",
        "pxs:files:time_entry:u",
        "k",
        {"regular_hours": Decimal("6.25")},
        target_id=entry["entry_id"],
    )
    assert sage.push(change).target_id == entry["entry_id"]
    after = (
        sage.pull("time_entry").filter(pl.col("entry_id") == entry["entry_id"]).row(0, named=True)
    )
    assert after["regular_hours"] == Decimal("6.25")
    assert after["overtime_hours"] == entry["overtime_hours"]
    assert (after["employee_id"], after["job_id"], after["work_date"]) == (
        entry["employee_id"],
        entry["job_id"],
        entry["work_date"],
    )

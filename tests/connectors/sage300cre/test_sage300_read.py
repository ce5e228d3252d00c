"""Reading Sage 300 CRE over a real ODBC driver, in both table-naming styles."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from pixissync.connectors.sage300cre.config import Sage300Settings
from pixissync.connectors.sage300cre.connector import Sage300Connector, sage300_connector
from pixissync.errors import ConfigError, PermanentError, TransientError
from pixissync.model import ENTITIES
from pixissync.snapshot import Snapshot


def test_every_entity_reads_in_canonical_columns(sage: Sage300Connector) -> None:
    for entity in sorted(sage.pulls):
        frame = sage.pull(entity)
        assert frame.schema == pl.Schema(ENTITIES[entity].columns), entity
        assert frame.height > 0, entity


def test_split_job_table_is_joined_back(sage: Sage300Connector, style: str) -> None:
    jobs = sage.pull("job").sort("job_id")
    assert jobs.select("job_id", "name", "customer_id", "status").rows() == [
        ("J-100", "Rooftop units", "101", "open"),
        ("J-200", "Boiler retrofit", "102", "open"),
        ("J-300", "Chair plumbing", "103", "closed"),
    ]
    resolved = sage.source.resolve(("JCM", "MASTER", "JOB"))
    expected = (
        ["JCM_MASTER__JOB"] if style == "module" else ["MASTER_JCM_JOB_1", "MASTER_JCM_JOB_2"]
    )
    assert resolved == expected


def test_money_and_hours_read_exactly(sage: Sage300Connector) -> None:
    invoice = sage.pull("invoice").filter(invoice_number="1001").row(0, named=True)
    assert (invoice["invoice_id"], invoice["job_id"]) == ("101/1001", "J-100")
    assert (invoice["subtotal"], invoice["tax"], invoice["total"], invoice["balance"]) == (
        Decimal("100.00"),
        Decimal("8.00"),
        Decimal("108.00"),
        Decimal("58.00"),
    )
    assert str(invoice["due_date"]) == "2024-04-04"
    payment = sage.pull("payment").row(0, named=True)
    assert (payment["customer_id"], payment["amount"], payment["reference"]) == (
        "101",
        Decimal("50.00"),
        "555",
    )
    assert sage.pull("payment_application").select("invoice_id", "amount").rows() == [
        ("101/1001", Decimal("50.00"))
    ]
    time = sage.pull("time_entry").sort("employee_id")
    assert time.select("employee_id", "job_id", "regular_hours", "overtime_hours").rows() == [
        ("7", "J-100", Decimal("8.00"), Decimal("2.00")),
        ("8", "J-200", Decimal("6.50"), Decimal("0.00")),
    ]


def test_incremental_read_uses_the_date_and_time_stamps(sage: Sage300Connector) -> None:
    since = datetime(2024, 3, 2, 9, 30, tzinfo=UTC)
    assert sage.pull("customer", since=since)["customer_id"].to_list() == ["103"]
    assert sage.pull("job", since=datetime(2024, 3, 4, tzinfo=UTC)).height == 0


def test_connection_string_is_timberline_data_and_never_shows_the_password() -> None:
    settings = Sage300Settings(data_folder=r"\\SAGE\Data\ABC", uid="odbc", pwd="s3cret!")
    text = settings.odbc_string()
    assert text.startswith(r"DRIVER={Timberline Data};DBQ=\\SAGE\Data\ABC;UID=odbc;PWD=s3cret!;")
    for part in (
        "DatabaseType=1",
        "StandardMode=1",
        "DictionaryMode=0",
        "ShortenNames=0",
        "MaxColSupport=1536",
        "CODEPAGE=1252",
        "KeepFilesOpen=0",
    ):
        assert part in text
    assert "s3cret" not in settings.redacted() and "s3cret" not in repr(settings)
    broken = sage300_connector(data_folder=r"\\SAGE\Data\ABC", uid="odbc", pwd="s3cret!")
    with pytest.raises(PermanentError) as caught:
        broken.pull("customer")
    assert "s3cret" not in str(caught.value) and "Timberline Data" in str(caught.value)
    assert not broken.check()[0].ok


def test_a_missing_table_says_which_and_how_to_fix_it(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite"
    sqlite3.connect(empty).close()
    sage = sage300_connector(sandbox=str(empty))
    with pytest.raises(
        ConfigError, match="Table or view not found: ARM_MASTER__CUSTOMER or MASTER_ARM_CUSTOMER"
    ):
        sage.pull("customer")
    sage.close()


def test_a_locked_data_file_is_transient(company: Path) -> None:
    sage = sage300_connector(connection_string=f"DRIVER={{SQLite3}};Database={company};Timeout=50")
    assert sage.pull("customer").height == 3
    holder = sqlite3.connect(company)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(TransientError, match="locked"):
            sage.pull("customer")
    finally:
        holder.rollback()
        holder.close()
        sage.close()


def test_a_row_sage_holds_badly_is_quarantined_in_the_snapshot(
    sage: Sage300Connector, company: Path, style: str, tmp_path: Path
) -> None:
    table = "ARM_MASTER__CUSTOMER" if style == "module" else "MASTER_ARM_CUSTOMER"
    with sqlite3.connect(company) as db:
        db.execute(f"UPDATE {table} SET Name = '' WHERE Customer = '102'")
    snapshot = Snapshot.start(tmp_path)
    customers = snapshot.get("erp", sage, "customer")
    assert sorted(customers["customer_id"]) == ["101", "103"]
    bad = snapshot.quarantine[("erp", "customer")]
    assert bad.select("record_id", "field").rows() == [("102", "name")]

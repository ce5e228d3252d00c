"""Reading a Vista company: canonical columns, incremental, paged, safe for SQL Server."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from test_vista_write import INVOICE, TIME
from vista_sql import SqlServerCompiler

from pixissync.connectors.base import Change
from pixissync.connectors.vista.connector import VistaConnector, vista_connector
from pixissync.connectors.vista.tables import bARCM, bARTH
from pixissync.model import ENTITIES
from pixissync.snapshot import Snapshot


def test_full_read_gives_every_entity_in_canonical_columns(vista: VistaConnector) -> None:
    for entity in sorted(vista.pulls):
        frame = vista.pull(entity)
        assert frame.schema == pl.Schema(ENTITIES[entity].columns), entity
    customers = vista.pull("customer").sort("customer_id")
    assert customers["name"].to_list() == [
        "Hargrove Mechanical",
        "Pendleton Schools",
        "Okafor Dental",
    ]
    assert customers["status"].to_list() == ["active", "active", "inactive"]
    assert customers["updated_at"][0] == datetime(2024, 3, 1, 12, tzinfo=UTC)
    jobs = vista.pull("job").sort("job_id")
    assert jobs.select("job_id", "customer_id", "status").rows() == [
        ("J-100", "101", "open"),
        ("J-200", "102", "open"),
        ("J-300", "103", "closed"),
    ]


def test_invoice_payment_and_time_figures_read_back_exactly(vista: VistaConnector) -> None:
    invoices = vista.pull("invoice").sort("invoice_number")
    first = invoices.row(0, named=True)
    # Vista right-justifies invoice numbers; the reader strips them.
    assert first["invoice_number"] == "1001"
    assert (first["subtotal"], first["tax"], first["total"], first["balance"]) == (
        Decimal("100.00"),
        Decimal("8.00"),
        Decimal("108.00"),
        Decimal("58.00"),
    )
    payments = vista.pull("payment")
    assert payments.select("customer_id", "amount", "reference").rows() == [
        ("101", Decimal("50.00"), "555")
    ]
    applied = vista.pull("payment_application")
    assert applied.select("payment_id", "invoice_id", "amount").rows() == [
        (payments["payment_id"][0], first["invoice_id"], Decimal("50.00"))
    ]
    time = vista.pull("time_entry").sort("employee_id")
    assert time.select(
        "employee_id", "job_id", "cost_code", "regular_hours", "overtime_hours"
    ).rows() == [
        ("7", "J-100", "01-100", Decimal("8.00"), Decimal("2.00")),
        ("8", "J-200", "02-200", Decimal("6.50"), Decimal("0.00")),
    ]
    assert set(vista.pull("cost_code")["cost_code"]) == {"01-100", "02-200"}


def test_incremental_read_returns_only_what_changed(vista: VistaConnector) -> None:
    after_seed = datetime(2024, 3, 4, tzinfo=UTC)
    assert vista.pull("customer", since=after_seed).height == 0
    assert vista.pull("job", since=after_seed).height == 0
    vista.push(
        Change("customer", "update", "pxs:t:customer:102", "k", {"city": "Mint Hill"}, "102")
    )
    changed = vista.pull("customer", since=after_seed)
    assert changed.select("customer_id", "city").rows() == [("102", "Mint Hill")]
    # Posted transactions come back by their batch's posting date.
    assert vista.pull("invoice", since=datetime(2030, 1, 1, tzinfo=UTC)).height == 0
    assert vista.pull("invoice", since=datetime(2024, 3, 1, tzinfo=UTC)).height == 3


def test_keyset_paging_reads_everything_and_compiles_to_top_for_sql_server(
    seeded: Engine, sql_server: SqlServerCompiler
) -> None:
    small_pages = vista_connector(url="sqlite://", engine=seeded, page_size=1)
    customers = small_pages.pull("customer")
    assert customers.height == 3
    paged = [q for q in sql_server.compiled if 'FROM "bARCM"' in q or "FROM [bARCM]" in q]
    assert paged, sql_server.compiled
    assert all("TOP" in q for q in paged)
    # Later pages start after the last KeyID seen, never with OFFSET.
    assert any("[bARCM].[KeyID] >" in q for q in paged)
    assert not any("LIMIT" in q or "OFFSET" in q for q in sql_server.compiled)


def test_every_statement_of_a_session_compiles_for_sql_server(
    vista: VistaConnector, sql_server: SqlServerCompiler
) -> None:
    for entity in sorted(vista.pulls):
        vista.pull(entity)
    vista.push(Change("customer", "create", "pxs:t:customer:9", "k9", {"name": "Fenwick Labs"}))
    vista.push(INVOICE)
    vista.push(TIME)
    vista.find("time_entry", TIME.reference)
    vista.check()
    assert len(sql_server.compiled) > 20
    for sql in sql_server.compiled:
        assert "LIMIT" not in sql and "strftime" not in sql.lower(), sql
    # Batch writes claim the batch with a guarded UPDATE and release it the same way.
    assert any(q.startswith("UPDATE [bHQBC] SET [InUseBy]") for q in sql_server.compiled)
    assert any(q.startswith("INSERT INTO [bPRTB]") for q in sql_server.compiled)


def test_ambiguous_reference_is_refused(vista: VistaConnector, seeded: Engine) -> None:
    with seeded.begin() as conn:
        conn.execute(
            sa.update(bARCM).where(bARCM.c.Customer.in_([101, 102])).values(udPixisRef="pxs:x:1")
        )
    from pixissync.errors import AmbiguousReferenceError

    try:
        vista.find("customer", "pxs:x:1")
    except AmbiguousReferenceError as exc:
        assert "2 Vista customer records" in str(exc)
    else:
        raise AssertionError("two customers with one reference must be refused")
    with seeded.begin() as conn:
        invoice = conn.execute(sa.select(bARTH.c.Mth, bARTH.c.ARTrans).limit(1)).one()
    assert vista.find("invoice", "pxs:none") is None
    assert invoice.ARTrans == 1


def test_a_row_vista_holds_badly_is_quarantined_in_the_snapshot(
    vista: VistaConnector, seeded: Engine, tmp_path: Path
) -> None:
    with seeded.begin() as conn:
        conn.execute(sa.update(bARCM).where(bARCM.c.Customer == 102).values(Name=""))
    snapshot = Snapshot.start(tmp_path)
    customers = snapshot.get("erp", vista, "customer")
    assert sorted(customers["customer_id"]) == ["101", "103"]
    bad = snapshot.quarantine[("erp", "customer")]
    assert bad.select("record_id", "field").rows() == [("102", "name")]

"""Writing to Vista: master records, AR and PR batches left for a Vista user, confirmation."""

from __future__ import annotations

import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pixissync.connectors.base import Change
from pixissync.connectors.vista.connector import VistaConnector, vista_connector
from pixissync.connectors.vista.tables import bARBH, bARBL, bARCM, bGLCO, bHQBC, bJCJM, bPRTB
from pixissync.connectors.vista.writer import CUSTOMER_FIELDS, JOB_FIELDS
from pixissync.errors import PermanentError, TransientError
from pixissync.sandbox.tiny_company import tiny_company
from pixissync.sandbox.vista_db import create_vista_db, post_as_vista_user, seed_from_canonical

INVOICE = Change(
    "invoice",
    "create",
    "pxs:servicetrade:invoice:77",
    "idem-77",
    {
        "invoice_number": "5077",
        "invoice_date": date(2024, 3, 9),
        "due_date": date(2024, 4, 8),
        "subtotal": Decimal("200.00"),
        "tax": Decimal("14.00"),
        "total": Decimal("214.00"),
        "lines": [
            {
                "line_no": 1,
                "description": "PM visit",
                "amount": Decimal("120.00"),
                "cost_code": "01-100",
            },
            {
                "line_no": 2,
                "description": "Filters",
                "amount": Decimal("80.00"),
                "cost_code": "02-200",
            },
        ],
    },
    parents={"customer_id": "101", "job_id": "J-100"},
)
TIME = Change(
    "time_entry",
    "create",
    "pxs:rhumbix:time_entry:5",
    "idem-t5",
    {
        "employee_id": "7",
        "work_date": date(2024, 3, 6),
        "cost_code": "01-100",
        "regular_hours": Decimal("8"),
        "overtime_hours": Decimal("1.5"),
    },
    parents={"job_id": "J-100"},
)


def test_customer_create_is_idempotent_and_carries_our_reference(
    vista: VistaConnector, seeded: Engine
) -> None:
    change = Change("customer", "create", "pxs:st:customer:9", "k9", {"name": "Fenwick Labs"})
    first = vista.push(change)
    again = vista.push(change)
    assert first.created and not again.created
    assert first.target_id == again.target_id == "104"
    with seeded.connect() as conn:
        rows = conn.execute(
            sa.select(bARCM.c.Name, bARCM.c.SortName, bARCM.c.Status).where(
                bARCM.c.udPixisRef == "pxs:st:customer:9"
            )
        ).all()
    assert [tuple(r) for r in rows] == [("Fenwick Labs", "FENWICKLABS", "A")]
    assert vista.find("customer", "pxs:st:customer:9") == "104"


def test_job_create_adds_contract_for_the_customer(vista: VistaConnector) -> None:
    change = Change(
        "job", "create", "pxs:st:job:J-400", "kj", {"job_number": "J-400", "name": "Chiller"},
        parents={"customer_id": "102"},
    )  # fmt: skip
    assert vista.push(change).target_id == "J-400"
    jobs = vista.pull("job").filter(job_id="J-400")
    assert jobs.select("customer_id", "name", "external_ref").rows() == [
        ("102", "Chiller", "pxs:st:job:J-400")
    ]
    too_long = Change("job", "create", "r", "k", {"job_number": "J-400-EXTRA-LONG"},
                      parents={"customer_id": "102"})  # fmt: skip
    with pytest.raises(PermanentError, match="'job_number' is 16 characters; Vista's Job holds 10"):
        vista.push(too_long)
    orphan = Change("job", "create", "r2", "k", {"job_number": "J-500"})
    with pytest.raises(PermanentError, match="'customer_id'"):
        vista.push(orphan)


def test_invoice_waits_in_an_open_ar_batch_until_a_vista_user_posts_it(
    vista: VistaConnector, seeded: Engine
) -> None:
    result = vista.push(INVOICE)
    assert result.created and result.target_id.startswith("ARBH:1/2024-03/")
    assert vista.push(INVOICE).target_id == result.target_id
    with seeded.connect() as conn:
        batch = conn.execute(
            sa.select(bHQBC).where(bHQBC.c.Status == 0, bHQBC.c.Source == "AR Invoice")
        ).one()
        head = conn.execute(sa.select(bARBH)).one()
        lines = conn.execute(sa.select(bARBL).order_by(bARBL.c.ARLine)).all()
    assert (batch.Mth, batch.TableName, batch.InUseBy) == (date(2024, 3, 1), "ARBH", None)
    assert (head.TransType, head.ARTransType, head.Invoice) == ("A", "I", "      5077")
    assert [(ln.Amount, ln.TaxAmount) for ln in lines] == [
        (Decimal("120.00"), Decimal("0.00")),
        (Decimal("80.00"), Decimal("0.00")),
        (Decimal("14.00"), Decimal("14.00")),
    ]
    assert "5077" not in vista.pull("invoice")["invoice_number"].to_list()
    assert vista.open_batches()["status"].to_list() == ["open"]

    assert post_as_vista_user(seeded) == [f"1/2024-03/{batch.BatchId}: posted"]

    posted = vista.pull("invoice").filter(invoice_number="5077").row(0, named=True)
    assert posted["external_ref"] == INVOICE.reference
    assert (posted["subtotal"], posted["tax"], posted["total"]) == (
        Decimal("200.00"), Decimal("14.00"), Decimal("214.00"),
    )  # fmt: skip
    assert vista.find("invoice", INVOICE.reference) == posted["invoice_id"]
    assert vista.push(INVOICE).created is False
    assert vista.open_batches().height == 0


def test_invoice_for_a_closed_ar_month_goes_in_the_next_open_month(
    vista: VistaConnector, seeded: Engine
) -> None:
    with seeded.begin() as conn:
        conn.execute(sa.update(bGLCO).values(LastMthARClsd=date(2024, 3, 1)))
    vista.push(INVOICE)
    with seeded.connect() as conn:
        assert conn.execute(sa.select(bARBH.c.Mth)).scalar_one() == date(2024, 4, 1)


def test_a_batch_a_vista_user_has_open_is_left_alone(vista: VistaConnector, seeded: Engine) -> None:
    vista.push(INVOICE)
    with seeded.begin() as conn:
        conn.execute(sa.update(bHQBC).where(bHQBC.c.Status == 0).values(InUseBy="jsmith"))
    second = Change(**{**INVOICE.__dict__, "reference": "pxs:servicetrade:invoice:78"})
    vista.push(second)
    with seeded.connect() as conn:
        batches = conn.execute(
            sa.select(bHQBC.c.BatchId, bHQBC.c.InUseBy).where(bHQBC.c.Status == 0)
        ).all()
        per_batch = conn.execute(
            sa.select(bARBH.c.BatchId, sa.func.count()).group_by(bARBH.c.BatchId)
        ).all()
    assert sorted(b.InUseBy or "" for b in batches) == ["", "jsmith"]
    assert sorted(n for _, n in per_batch) == [1, 1]


def test_timecard_goes_to_a_pr_batch_one_line_per_earn_code(
    vista: VistaConnector, seeded: Engine
) -> None:
    result = vista.push(TIME)
    assert result.target_id.startswith("PRTB:")
    assert vista.push(TIME).created is False
    with seeded.connect() as conn:
        batch = conn.execute(
            sa.select(bHQBC).where(bHQBC.c.Source == "PR Entry", bHQBC.c.Status == 0)
        ).one()
        rows = conn.execute(sa.select(bPRTB).order_by(bPRTB.c.BatchSeq)).all()
    assert (batch.PRGroup, batch.PREndDate, batch.TableName) == (1, date(2024, 3, 10), "PRTB")
    assert [(r.BatchTransType, r.EarnCode, r.Hours, r.Amt, r.DayNum) for r in rows] == [
        ("A", 1, Decimal("8.00"), Decimal("240.00"), 3),
        ("A", 2, Decimal("1.50"), Decimal("67.50"), 3),
    ]
    post_as_vista_user(seeded)
    entry = vista.pull("time_entry").filter(external_ref=TIME.reference).row(0, named=True)
    assert (entry["regular_hours"], entry["overtime_hours"]) == (Decimal("8.00"), Decimal("1.50"))
    assert vista.find("time_entry", TIME.reference) == entry["entry_id"]


@pytest.mark.parametrize(
    ("values", "parents", "field"),
    [
        ({"employee_id": "99"}, {"job_id": "J-100"}, "employee_id"),
        ({"work_date": date(2019, 1, 2)}, {"job_id": "J-100"}, "work_date"),
        ({"cost_code": "99-999"}, {"job_id": "J-100"}, "cost_code"),
        ({}, {"job_id": "J-999"}, "job_id"),
    ],
)
def test_timecard_vista_would_reject_fails_naming_the_field(
    vista: VistaConnector, values: dict[str, object], parents: dict[str, str], field: str
) -> None:
    bad = Change(**{**TIME.__dict__, "values": {**TIME.values, **values}, "parents": parents})
    with pytest.raises(PermanentError, match=f"field '{field}'"):
        vista.push(bad)


def test_site_that_allows_posting_gets_the_posted_key_back(seeded: Engine) -> None:
    vista = vista_connector(
        url="sqlite://", engine=seeded, sandbox=True, post_batches=True,
        today=lambda: date(2024, 3, 12),
    )  # fmt: skip
    result = vista.push(INVOICE)
    assert not result.target_id.startswith("ARBH:")
    assert vista.pull("invoice").filter(external_ref=INVOICE.reference).height == 1
    assert vista.open_batches().height == 0


def test_validation_errors_stay_in_the_batch_for_the_accountant(
    vista: VistaConnector, seeded: Engine
) -> None:
    vista.push(INVOICE)
    with seeded.begin() as conn:
        conn.execute(sa.update(bARBH).values(Customer=999))
    assert post_as_vista_user(seeded)[0].endswith("validation errors")
    assert vista.open_batches()["status"].to_list() == ["validation errors"]


def test_locked_database_is_a_transient_error(tmp_path: Path) -> None:
    path = tmp_path / "vista.db"
    engine = create_vista_db(sa.create_engine(f"sqlite:///{path}", connect_args={"timeout": 0.05}))
    seed_from_canonical(engine, tiny_company())
    vista = vista_connector(url="sqlite://", engine=engine)
    holder = sqlite3.connect(path)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(TransientError, match="locked"):
            vista.push(Change("customer", "create", "pxs:x", "k", {"name": "Locked Out"}))
    finally:
        holder.rollback()
        holder.close()
        engine.dispose()
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(bJCJM)).scalar_one() == 3


def test_pre_flight_limits_are_vistas_column_widths() -> None:
    limits = VistaConnector.field_limits
    for fld, (column, width) in CUSTOMER_FIELDS.items():
        assert bARCM.c[column].type.length == width == limits["customer"][fld], fld
    for fld, (column, width) in JOB_FIELDS.items():
        assert bJCJM.c[column].type.length == width == limits["job"][fld], fld
    assert bJCJM.c.Job.type.length == limits["job"]["job_number"] == 10
    assert bARBH.c.Invoice.type.length == limits["invoice"]["invoice_number"] == 10

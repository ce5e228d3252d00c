"""The files connector: contract, quarantine reporting, Parquet and payment write-back."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from contract import ConnectorContract

from pixissync.connectors import create
from pixissync.connectors.base import Change, source_reference
from pixissync.connectors.files import FilesConnector
from pixissync.errors import AmbiguousReferenceError, InputError
from pixissync.sandbox.sample_company import generate, write

REPO = Path(__file__).resolve().parents[2]
FIELD = REPO / "data" / "samples" / "field"


@pytest.fixture(scope="module")
def small_field(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The field export of a small sample company (same generator, 5% size)."""
    out = tmp_path_factory.mktemp("small")
    write(generate(seed=7, scale=0.05), out)
    return out / "field"


def _change(entity: str, values: dict[str, object], **kw: object) -> Change:
    ref = source_reference("sage100c", entity, f"contract-{entity}")
    return Change(entity, "create", ref, f"key-{entity}", values, **kw)  # type: ignore[arg-type]


class TestFilesContract(ConnectorContract):
    @pytest.fixture
    def connector(self, small_field: Path, tmp_path: Path) -> FilesConnector:
        folder = tmp_path / "field"
        shutil.copytree(small_field, folder)
        return FilesConnector(folder)

    def create_change(self, entity: str) -> Change | None:
        values: dict[str, dict[str, object]] = {
            "customer": {"name": "Contract Test Customer", "city": "Charlotte"},
            "job": {"job_number": "99001", "name": "Contract job", "customer_id": "C100001"},
            "invoice": {
                "invoice_number": "99001",
                "customer_id": "C100001",
                "invoice_date": date(2026, 10, 30),
                "total": Decimal("125.00"),
            },
            "payment": {
                "customer_id": "C100001",
                "payment_date": date(2026, 10, 30),
                "amount": Decimal("125.00"),
                "reference": "50123",
                "method": "check",
            },
            "time_entry": {"employee_id": "101", "work_date": date(2026, 10, 30)},
        }
        return _change(entity, values[entity]) if entity in values else None


def test_registered_under_files(tmp_path: Path) -> None:
    connector = create("files", path=str(tmp_path))
    assert isinstance(connector, FilesConnector)


def test_sample_counts_and_quarantine_are_reported() -> None:
    connector = FilesConnector(FIELD)
    rows = pl.read_csv(FIELD / "time_entry.csv", infer_schema=False).height
    entries = connector.pull("time_entry")
    bad = connector.quarantine["time_entry"]
    assert entries.height + bad["row"].n_unique() == rows
    assert sorted(bad["record_id"].to_list()) == ["T599901", "T599902", "T599903"]
    by_id = {r["record_id"]: r for r in bad.iter_rows(named=True)}
    assert by_id["T599901"]["field"] == "regular_hours"
    assert by_id["T599901"]["value"] == "eight"
    assert by_id["T599902"]["field"] == "work_date"


def test_a_known_customer_comes_through_exactly() -> None:
    customer = FilesConnector(FIELD).pull("customer").filter(pl.col("customer_id") == "C100002")
    row = customer.row(0, named=True)
    assert row["name"] == "Delacroix & Beaumont Construction LLC"
    assert row["address2"] == "Bldg C"
    assert row["phone"] == "(704) 555-2117"
    assert row["updated_at"].isoformat() == "2026-10-30T16:20:26+00:00"


def test_parquet_files_are_read_like_csv(tmp_path: Path) -> None:
    frame = pl.read_csv(FIELD / "invoice.csv", infer_schema=False).head(50)
    frame.write_parquet(tmp_path / "invoice.parquet")
    pulled = FilesConnector(tmp_path).pull("invoice")
    assert pulled.height == 50
    assert pulled["total"].dtype == pl.Decimal(12, 2)


def test_payment_write_back_keeps_applications_and_money_exact(
    small_field: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "field"
    shutil.copytree(small_field, folder)
    connector = FilesConnector(folder)
    invoice_id = connector.pull("invoice")["invoice_id"][0]
    change = _change(
        "payment",
        {
            "customer_id": "C100001",
            "payment_date": date(2026, 10, 28),
            "amount": Decimal("1234.50"),
            "reference": "ACH00012345",
            "method": "ach",
            "applications": [{"invoice_id": invoice_id, "amount": Decimal("1234.50")}],
        },
    )
    result = connector.push(change)
    payment = connector.pull("payment").filter(pl.col("payment_id") == result.target_id)
    assert payment["amount"].to_list() == [Decimal("1234.50")]
    assert payment["external_ref"].to_list() == [change.reference]
    applications = connector.pull("payment_application").filter(
        pl.col("payment_id") == result.target_id
    )
    assert applications.rows() == [(result.target_id, invoice_id, Decimal("1234.50"))]
    text = (folder / "payment.csv").read_text()
    assert "1234.50" in text and "ACH00012345" in text


def test_update_changes_only_the_given_fields(small_field: Path, tmp_path: Path) -> None:
    folder = tmp_path / "field"
    shutil.copytree(small_field, folder)
    connector = FilesConnector(folder)
    before = connector.pull("invoice").row(0, named=True)
    change = Change(
        "invoice",
        "update",
        "pxs:sage100c:invoice:1",
        "k",
        {"balance": Decimal("0.00"), "status": "paid"},
        target_id=before["invoice_id"],
    )
    assert connector.push(change).created is False
    after = connector.pull("invoice").filter(pl.col("invoice_id") == before["invoice_id"])
    row = after.row(0, named=True)
    assert (row["balance"], row["status"]) == (Decimal("0.00"), "paid")
    assert row["total"] == before["total"] and row["invoice_number"] == before["invoice_number"]
    assert row["updated_at"] > before["updated_at"]


def test_two_rows_with_one_reference_are_ambiguous(tmp_path: Path) -> None:
    (tmp_path / "customer.csv").write_text(
        "customer_id,name,external_ref\nA,One,pxs:x:customer:1\nB,Two,pxs:x:customer:1\n"
    )
    with pytest.raises(AmbiguousReferenceError, match="A, B"):
        FilesConnector(tmp_path).find("customer", "pxs:x:customer:1")


def test_a_file_missing_its_id_column_names_file_and_column(tmp_path: Path) -> None:
    (tmp_path / "job.csv").write_text("name,city\nRoof,Charlotte\n")
    with pytest.raises(InputError, match=r"job\.csv.*job_id"):
        FilesConnector(tmp_path).pull("job")

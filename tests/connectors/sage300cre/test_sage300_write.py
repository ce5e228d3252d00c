"""Writing time to Sage 300 CRE: PR Import Time files, the ledger, confirmation and flags."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from pixissync.connectors.base import Change
from pixissync.connectors.sage300cre.connector import Sage300Connector, sage300_connector
from pixissync.errors import ConfigError, PermanentError
from pixissync.sandbox.sage300_db import import_waiting_files, run_import

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


def test_lines_follow_the_time_entry_view_and_appear_only_when_finished(
    sage: Sage300Connector, drop: Path
) -> None:
    result = sage.push(TIME)
    assert result.created and result.target_id.startswith("import:PRTIME_")
    assert not list(drop.glob("*.txt")), "the clerk must not see a file still being written"
    assert sage.finish_import_file() is not None
    (file,) = drop.glob("PRTIME_*.txt")
    assert file.read_text(encoding="cp1252").splitlines() == [
        "7,J-100,,01-100,L,,REG,8.00,03/06/2024,pxs:rhumbix:time_entry:5",
        "7,J-100,,01-100,L,,OT,1.50,03/06/2024,pxs:rhumbix:time_entry:5",
    ]


def test_a_site_view_with_another_column_order_is_followed(company: Path, drop: Path) -> None:
    view = ["Date", "Employee", "Pay_ID", "Units", "Job", "Extra", "Cost_Code", "Description"]
    sage = sage300_connector(
        sandbox=str(company),
        drop_folder=str(drop),
        time_view=view,
        pay_ids={"regular_hours": "1", "overtime_hours": "2"},
    )
    sage.push(TIME)
    sage.close()
    (file,) = drop.glob("PRTIME_*.txt")
    assert (
        file.read_text().splitlines()[0]
        == "03/06/2024,7,1,8.00,J-100,,01-100,pxs:rhumbix:time_entry:5"
    )
    assert run_import(company, file, sage.settings).imported == 2
    with pytest.raises(ConfigError, match="unknown column"):
        sage300_connector(sandbox=str(company), time_view=["Employee", "Hours"])


def test_the_same_entry_is_written_once_even_from_a_new_session(company: Path, drop: Path) -> None:
    first = sage300_connector(sandbox=str(company), drop_folder=str(drop))
    written = first.push(TIME)
    assert first.push(TIME).created is False
    first.close()
    second = sage300_connector(sandbox=str(company), drop_folder=str(drop))
    again = second.push(TIME)
    second.close()
    assert (again.created, again.target_id) == (False, written.target_id)
    assert sum(len(f.read_text().splitlines()) for f in drop.glob("PRTIME_*.txt")) == 2


@pytest.mark.parametrize(
    ("values", "parents", "field", "table"),
    [
        ({"employee_id": "99"}, {"job_id": "J-100"}, "employee_id", "PRM_MASTER__EMPLOYEE"),
        ({}, {"job_id": "J-999"}, "job_id", "JCM_MASTER__JOB"),
        ({"cost_code": "77-777"}, {"job_id": "J-100"}, "cost_code", "JCM_MASTER__COST_CODE"),
    ],
)
def test_lines_the_import_would_reject_are_refused_naming_the_field(
    sage: Sage300Connector,
    drop: Path,
    values: dict[str, str],
    parents: dict[str, str],
    field: str,
    table: str,
) -> None:
    bad = Change(**{**TIME.__dict__, "values": {**TIME.values, **values}, "parents": parents})
    with pytest.raises(PermanentError, match=f"field '{field}'.*{table}.*does not create"):
        sage.push(bad)
    assert sage.import_ledger().height == 0


def test_import_confirms_on_the_next_read_and_missing_lines_get_flagged(
    company: Path, drop: Path
) -> None:
    sage = sage300_connector(sandbox=str(company), drop_folder=str(drop), flag_after_runs=2)
    sage.push(TIME)
    other = Change(
        **{
            **TIME.__dict__,
            "reference": "pxs:rhumbix:time_entry:6",
            "values": {**TIME.values, "work_date": date(2024, 3, 7)},
        }
    )
    sage.push(other)
    sage.finish_import_file()
    (file,) = drop.glob("PRTIME_*.txt")
    # The clerk imports only the first entry's lines (the second was deleted by hand).
    lines = file.read_text().splitlines()
    file.write_text("\r\n".join(lines[:2]) + "\r\n")
    assert [r.imported for r in import_waiting_files(company, drop, sage.settings)] == [2]

    entries = sage.pull("time_entry")
    assert sage.last_reconcile == {"confirmed": 2, "pending": 2, "flagged": 0}
    assert entries.filter(external_ref=TIME.reference)["regular_hours"].to_list() == [
        Decimal("8.00")
    ]
    assert sage.find("time_entry", TIME.reference) == TIME.reference
    sage.pull("time_entry")
    assert sage.last_reconcile == {"confirmed": 2, "pending": 0, "flagged": 2}
    ledger_check = next(r for r in sage.check() if r.name == "import ledger")
    assert not ledger_check.ok and "2 flagged" in ledger_check.detail
    flagged = sage.import_ledger().filter(status="flagged")
    assert set(flagged["reference"]) == {other.reference}
    sage.close()


def test_rejected_import_lines_are_reported_by_the_import_run(
    sage: Sage300Connector, company: Path, drop: Path
) -> None:
    sage.push(TIME)
    sage.finish_import_file()
    (file,) = drop.glob("PRTIME_*.txt")
    file.write_text(file.read_text().replace("01-100", "55-555", 1))
    report = run_import(company, file, sage.settings)
    assert report.imported == 1
    assert report.rejected == ["line 1: cost code 55-555 not set up on job J-100"]
    assert file.with_suffix(".imported").exists()


def test_only_time_is_written(sage: Sage300Connector) -> None:
    with pytest.raises(PermanentError, match="no AR import format"):
        sage.push(Change("invoice", "create", "pxs:x:invoice:1", "k", {}))

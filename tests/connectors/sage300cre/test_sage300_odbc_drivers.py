"""The same Sage 300 CRE reader and import path over a second ODBC driver (psqlODBC).

Timberline Data is neither SQLite's nor PostgreSQL's driver; reading the same
tables through two real drivers that type values differently (text vs. numeric
amounts, dates) shows the reader depends on Timberline's names, not one driver.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from contract import ConnectorContract

from pixissync.connectors.base import Change, source_reference
from pixissync.connectors.sage300cre.connector import Sage300Connector, sage300_connector


class TestSage300OverPostgresOdbcContract(ConnectorContract):
    @pytest.fixture
    def connector(self, pg_company: str, drop: Path) -> Iterator[Sage300Connector]:
        sage = sage300_connector(sandbox=pg_company, drop_folder=str(drop), auto_import=True)
        yield sage
        sage.close()

    def create_change(self, entity: str) -> Change | None:
        return Change(
            "time_entry",
            "create",
            source_reference("contract", entity, "pg"),
            "k-time-pg",
            {
                "employee_id": "7",
                "cost_code": "01-100",
                "work_date": datetime.now(UTC).date(),
                "regular_hours": Decimal("2.50"),
            },
            parents={"job_id": "J-100"},
        )


def test_figures_are_the_same_through_both_drivers(pg_company: str, company: Path) -> None:
    over_pg = sage300_connector(sandbox=pg_company)
    over_sqlite = sage300_connector(sandbox=str(company))
    try:
        for entity in sorted(over_pg.pulls):
            key = over_pg.pull(entity).columns[0]
            assert over_pg.pull(entity).sort(key).equals(over_sqlite.pull(entity).sort(key)), entity
    finally:
        over_pg.close()
        over_sqlite.close()

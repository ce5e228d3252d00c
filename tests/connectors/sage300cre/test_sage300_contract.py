"""The shared connector contract on the Sage 300 CRE stand-in, read over ODBC.

The contract reads a pushed entry straight back, so the stand-in runs each import
file as soon as it is finished (``auto_import``), like a clerk importing at once.
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


class TestSage300Contract(ConnectorContract):
    @pytest.fixture
    def connector(self, company: Path, drop: Path) -> Iterator[Sage300Connector]:
        sage = sage300_connector(sandbox=str(company), drop_folder=str(drop), auto_import=True)
        yield sage
        sage.close()

    def create_change(self, entity: str) -> Change | None:
        if entity != "time_entry":
            return None
        return Change(
            "time_entry",
            "create",
            source_reference("contract", entity, "1"),
            "k-time",
            {
                "employee_id": "8",
                "cost_code": "02-200",
                "work_date": datetime.now(UTC).date(),
                "regular_hours": Decimal("3.25"),
            },
            parents={"job_id": "J-200"},
        )

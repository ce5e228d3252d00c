"""The shared connector contract, run on Vista stand-ins on SQLite and on PostgreSQL.

The contract reads a pushed record straight back, so these connectors run as a
site that lets PixisSync validate and post its own batches (``post_batches``);
the default, batches left for a Vista user, is covered in ``test_vista_write``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from contract import ConnectorContract
from sqlalchemy.engine import Engine

from pixissync.connectors.base import Change, source_reference
from pixissync.connectors.vista.connector import VistaConnector, vista_connector

CHANGES = {
    "customer": ({"name": "Contract Test Customer", "city": "Charlotte"}, {}),
    "job": ({"job_number": "J-900", "name": "Contract job"}, {"customer_id": "101"}),
    "invoice": (
        {"invoice_number": "9001", "subtotal": Decimal("40.00"), "tax": Decimal("0.00"),
         "total": Decimal("40.00")},
        {"customer_id": "101", "job_id": "J-100"},
    ),
    "time_entry": (
        {"employee_id": "7", "cost_code": "01-100", "regular_hours": Decimal("4.00")},
        {"job_id": "J-100"},
    ),
}  # fmt: skip


class _VistaContract(ConnectorContract):
    def create_change(self, entity: str) -> Change | None:
        values, parents = CHANGES[entity]
        today = datetime.now(UTC).date()
        dated = {"invoice": {"invoice_date": today}, "time_entry": {"work_date": today}}
        ref = source_reference("contract", entity, "1")
        return Change(entity, "create", ref, f"k-{entity}", {**values, **dated.get(entity, {})},
                      parents=dict(parents))  # fmt: skip


class TestVistaContract(_VistaContract):
    @pytest.fixture
    def connector(self, seeded: Engine) -> Iterator[VistaConnector]:
        vista = vista_connector(url="sqlite://", engine=seeded, sandbox=True, post_batches=True)
        yield vista

"""The shared connector contract, run on each REST connector against its stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from contract import ConnectorContract
from rest_seed import FAST, field_frames

from pixissync.connectors.acumatica import AcumaticaConnector
from pixissync.connectors.base import Change, Connector, source_reference
from pixissync.connectors.buildops import BuildOpsConnector
from pixissync.connectors.rhumbix import RhumbixConnector
from pixissync.connectors.servicetrade import ServiceTradeConnector
from pixissync.errors import PermanentError
from pixissync.sandbox.rest.acumatica import AcumaticaStandIn
from pixissync.sandbox.rest.buildops import BuildOpsStandIn
from pixissync.sandbox.rest.rhumbix import RhumbixStandIn
from pixissync.sandbox.rest.servicetrade import ServiceTradeStandIn


def _change(source: str, entity: str, values: dict[str, object], **parents: str) -> Change:
    ref = source_reference(source, entity, "contract-1")
    return Change(entity, "create", ref, f"contract-{entity}", values, parents=parents)


class TestServiceTradeContract(ConnectorContract):
    @pytest.fixture
    def connector(self) -> Iterator[ServiceTradeConnector]:
        with ServiceTradeStandIn(field_frames()) as standin:
            conn = ServiceTradeConnector(
                standin.url, username="pixis", password="sandbox-password", retry=FAST
            )
            yield conn
            conn.close()

    def create_change(self, entity: str) -> Change | None:
        if entity != "payment":
            return None  # invoices are only updated (AR status write-back)
        values = {"amount": Decimal("107.35"), "payment_date": date(2025, 4, 1)}
        return _change("sage100c", "payment", values, invoice_id="300")


class TestAcumaticaContract(ConnectorContract):
    @pytest.fixture
    def connector(self) -> Iterator[AcumaticaConnector]:
        with AcumaticaStandIn(field_frames()) as standin:
            conn = AcumaticaConnector(
                standin.url, username="admin", password="sandbox-password", retry=FAST
            )
            yield conn
            conn.close()

    def create_change(self, entity: str) -> Change | None:
        source = "servicetrade"
        if entity == "customer":
            return _change(source, entity, {"name": "Garner Glass", "city": "Garner"})
        if entity == "job":
            return _change(
                source, entity, {"job_number": "J-9000", "name": "New RTU"}, customer_id="100"
            )
        if entity == "invoice":
            line = {"description": "Labor", "quantity": Decimal(1), "amount": Decimal("80.00")}
            values = {"invoice_date": date(2025, 4, 1), "lines": [line]}
            return _change(source, entity, values, customer_id="101", job_id="J-1001")
        if entity == "payment":
            application = {"invoice_id": "INV-5001", "amount": Decimal("50.00")}
            values = {
                "amount": Decimal("50.00"),
                "payment_date": date(2025, 4, 2),
                "applications": [application],
            }
            return _change("sage100c", entity, values, customer_id="101")
        if entity == "time_entry":
            values = {
                "employee_id": "E1",
                "work_date": date(2025, 4, 3),
                "regular_hours": Decimal("8.00"),
            }
            return _change("rhumbix", entity, values, job_id="J-1002")
        return None


class TestRhumbixContract(ConnectorContract):
    @pytest.fixture
    def connector(self) -> Iterator[RhumbixConnector]:
        with RhumbixStandIn(field_frames()) as standin:
            conn = RhumbixConnector(standin.url, api_key="sandbox-key", retry=FAST)
            yield conn
            conn.close()

    def create_change(self, entity: str) -> Change | None:
        return None

    # Rhumbix is read-only: the write checks become "every write is refused, permanently".
    def test_push_create_is_idempotent_and_findable(self, connector: Connector) -> None:
        assert connector.pushes == frozenset()
        with pytest.raises(PermanentError, match="read-only"):
            connector.push(_change("x", "time_entry", {}))

    def test_errors_are_transient_or_permanent(self, connector: Connector) -> None:
        with pytest.raises(PermanentError):
            connector.push(Change("not_an_entity", "create", "pxs:x:y:z", "k", {}))


class TestBuildOpsContract(ConnectorContract):
    @pytest.fixture
    def connector(self) -> Iterator[BuildOpsConnector]:
        with BuildOpsStandIn(field_frames()) as standin:
            conn = BuildOpsConnector(
                standin.url,
                client_id="pixis",
                client_secret="sandbox-secret",
                tenant_id="tenant-1",
                retry=FAST,
            )
            yield conn
            conn.close()

    def create_change(self, entity: str) -> Change | None:
        return None

    # BuildOps takes AR status updates only: the write check is "the same update twice
    # leaves one state and one new version".
    def test_push_create_is_idempotent_and_findable(self, connector: Connector) -> None:
        invoice_id = BuildOpsStandIn.id_for("invoice", "301")
        change = Change(
            "invoice", "update", "pxs:sage:invoice:1", "k", {"status": "Paid"}, invoice_id
        )
        assert connector.push(change).target_id == invoice_id
        assert "already" in connector.push(change).message
        pulled = connector.pull("invoice")
        row = pulled.filter(pulled["invoice_id"] == invoice_id)
        assert row["status"].to_list() == ["paid"]

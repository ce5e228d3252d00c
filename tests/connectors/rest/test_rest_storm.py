"""Apply through each REST writer under a storm of 429s, 5xx and dropped connections.

The real apply engine and state store drive the real connectors against the
stand-ins; a third of all requests fail (throttled, server error, connection
dropped before the server acts, or dropped *after* it acted). The stand-in must
end with exactly the approved records, once each.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pixissync.apply import apply_batch
from pixissync.connectors.acumatica import AcumaticaConnector
from pixissync.connectors.base import Connector, source_reference
from pixissync.connectors.buildops import BuildOpsConnector
from pixissync.connectors.http.client import RetryPolicy
from pixissync.connectors.servicetrade import ServiceTradeConnector
from pixissync.proposal import Proposal, idempotency_key
from pixissync.sandbox.rest.acumatica import AcumaticaStandIn
from pixissync.sandbox.rest.buildops import BuildOpsStandIn
from pixissync.sandbox.rest.servicetrade import ServiceTradeStandIn
from pixissync.store import Store, User

REVIEWER = User("rita", "reviewer")
ADMIN = User("ada", "admin")
# Few in-client retries, so the apply engine's own retries are exercised too.
STORMY = RetryPolicy(attempts=3, base_delay=0.001, max_delay=0.005)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(f"sqlite:///{tmp_path / 'state.db'}")
    s.migrate()
    yield s
    s.close()


def proposal(
    flow: str,
    entity: str,
    source: str,
    target: str,
    source_id: str,
    values: dict[str, Any],
    *,
    action: str = "create",
    target_id: str | None = None,
    parents: dict[str, str] | None = None,
    depends_on: list[str] | None = None,
) -> Proposal:
    return Proposal(
        flow=flow,
        entity=entity,
        action=action,  # type: ignore[arg-type]
        source_system=source,
        source_id=source_id,
        target_system=target,
        reference=source_reference(source, entity, source_id),
        idempotency_key=key(flow, action, source_id),
        target_id=target_id,
        values=values,
        parents=parents or {},
        depends_on=depends_on or [],
    )


def key(flow: str, action: str, source_id: str) -> str:
    return idempotency_key(flow, action, source_id)


def apply_in_storm(store: Store, proposals: list[Proposal], name: str, connector: Connector) -> Any:
    batch_id = store.save_batch(None, "storm", proposals)
    page, _ = store.proposals(batch_id, limit=None)
    store.approve([p.id for p in page], user=REVIEWER)
    report = apply_batch(
        store, batch_id, {name: connector}, user=ADMIN, max_attempts=12, sleep=lambda _: None
    )
    return report


def test_acumatica_creates_land_exactly_once_in_a_storm(store: Store) -> None:
    proposals: list[Proposal] = []
    for i in range(4):
        cid, jid = f"90{i}", f"80{i}"
        proposals.append(
            proposal(
                "customers", "customer", "servicetrade", "acumatica", cid,
                {"name": f"Storm Customer {i}", "city": "Apex", "state": "NC"},
            )
        )  # fmt: skip
        proposals.append(
            proposal(
                "jobs", "job", "servicetrade", "acumatica", jid,
                {"job_number": f"JS-{i}", "name": f"Storm job {i}"},
                parents={"customer_id": cid},
                depends_on=[key("customers", "create", cid)],
            )
        )  # fmt: skip
    for i in range(3):
        lines = [{"line_no": 1, "description": "Labor", "quantity": "2", "amount": f"{i}10.50"}]
        proposals.append(
            proposal(
                "invoices", "invoice", "servicetrade", "acumatica", f"70{i}",
                {"invoice_date": "2025-05-01", "lines": lines},
                parents={"customer_id": f"90{i}", "job_id": f"80{i}"},
                depends_on=[key("customers", "create", f"90{i}"), key("jobs", "create", f"80{i}")],
            )
        )  # fmt: skip
    for i in range(2):
        proposals.append(
            proposal(
                "time", "time_entry", "rhumbix", "acumatica", f"60{i}",
                {"employee_id": "E1", "work_date": "2025-05-02", "regular_hours": "7.25"},
            )
        )  # fmt: skip
    with AcumaticaStandIn() as standin:
        assert isinstance(standin, AcumaticaStandIn)
        standin.faults.storm(0.33, seed=11)
        conn = AcumaticaConnector(
            standin.url, username="admin", password="sandbox-password", retry=STORMY
        )
        report = apply_in_storm(store, proposals, "acumatica", conn)
        assert (report.applied, report.failed, report.blocked) == (13, 0, 0), [
            (r["entity"], r["status"], r["message"]) for r in report.results
        ]
        injected = standin.faults.injected
        assert {"429", "drop", "drop_after"} <= set(injected), injected
        assert injected["500"] + injected["502"] + injected["503"] > 0
        standin.faults.calm()
        refs: Counter[str] = Counter()
        for entity, field in (
            ("Customer", "ExternalRef"),
            ("Project", "ExternalRefNbr"),
            ("Invoice", "CustomerOrder"),
            ("TimeEntry", "ExternalRefNbr"),
        ):
            refs.update(r[field] for r in standin.records[entity])
        expected = {p.reference for p in proposals}
        assert set(refs) == expected and set(refs.values()) == {1}, refs
        invoice = standin.lookup("Invoice", CustomerOrder="pxs:servicetrade:invoice:702")
        project = standin.lookup("Project", ExternalRefNbr="pxs:servicetrade:job:802")
        assert invoice is not None and project is not None
        assert invoice["Project"] == project["ProjectID"] == "JS-2"
        conn.close()


def test_servicetrade_payments_and_status_write_back_in_a_storm(store: Store) -> None:
    from rest_seed import field_frames

    with ServiceTradeStandIn(field_frames()) as standin:
        assert isinstance(standin, ServiceTradeStandIn)
        for invoice in ("300", "301", "302", "303"):
            store.add_xref("invoice", "sage100c", f"S{invoice}", "servicetrade", invoice)
        proposals = [
            proposal(
                "payments", "payment", "sage100c", "servicetrade", f"P{i}",
                {"amount": f"1{i}.25", "payment_date": "2025-05-03", "reference": f"CHK {i}"},
                parents={"invoice_id": f"S30{i}"},
            )
            for i in range(4)
        ] + [
            proposal(
                "payments", "invoice", "sage100c", "servicetrade", f"S30{i}",
                {"status": "paid"}, action="update", target_id=f"30{i}",
            )
            for i in range(2)
        ]  # fmt: skip
        standin.faults.storm(0.33, seed=5)
        conn = ServiceTradeConnector(
            standin.url, username="pixis", password="sandbox-password", retry=STORMY
        )
        report = apply_in_storm(store, proposals, "servicetrade", conn)
        assert (report.applied, report.failed) == (6, 0), report.results
        assert standin.faults.injected["drop_after"] > 0
        standin.faults.calm()
        mine = Counter(
            p["externalId"] for p in standin.records["payment"].values() if p["externalId"]
        )
        assert mine == {f"pxs:sage100c:payment:P{i}": 1 for i in range(4)}
        assert [standin.records["invoice"][i]["status"] for i in (300, 301, 302)] == [
            "paid",
            "paid",
            "ok",
        ]
        conn.close()


def test_buildops_status_write_back_in_a_storm(store: Store) -> None:
    from rest_seed import field_frames

    with BuildOpsStandIn(field_frames()) as standin:
        assert isinstance(standin, BuildOpsStandIn)
        ids = [BuildOpsStandIn.id_for("invoice", f"30{i}") for i in range(4)]
        proposals = [
            proposal(
                "payments", "invoice", "sage100c", "buildops", f"S30{i}",
                {"balance": "0.00"}, action="update", target_id=ids[i],
            )
            for i in range(4)
        ]  # fmt: skip
        standin.faults.storm(0.33, seed=3)
        conn = BuildOpsConnector(
            standin.url,
            client_id="pixis",
            client_secret="sandbox-secret",
            tenant_id="tenant-1",
            retry=STORMY,
        )
        report = apply_in_storm(store, proposals, "buildops", conn)
        assert (report.applied, report.failed) == (4, 0), report.results
        standin.faults.calm()
        assert all(standin.records["invoices"][i]["status"] == "Paid" for i in ids)
        # One status change each: one new version each, whatever was retried.
        assert all(standin.records["invoices"][i]["version"] == 2 for i in ids)
        conn.close()

"""The MBXML requests issue 6 names, built and checked against the documented envelope."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

import pytest

from pixissync.connectors.base import Change
from pixissync.connectors.sage100c.builders import (
    ar_invoice_add,
    cash_receipt_add,
    client_add,
    client_mod,
    daily_payroll_add,
    job_add,
)
from pixissync.connectors.sage100c.connector import Sage100cConnector
from pixissync.connectors.sage100c.mbxml import (
    NAMESPACE,
    Request,
    build_request_set,
    check_request_set,
    parse_request_set,
    parse_response,
)
from pixissync.errors import PermanentError
from pixissync.sandbox.sage100c_api import SandboxSubmitter

NOV = date(2026, 11, 3)


def _all_requests() -> dict[str, Request]:
    return {
        "ClientAddNextRq": client_add({"clnnme": "Harbor Mechanical"}, "pxs:st:customer:1"),
        "ClientModRq": client_mod(3, {"ctynme": "Matthews", "addrs2": None}),
        "JobAddRq": job_add({"jobnme": "Roof units", "clnnum": 1}, "pxs:st:job:1", recnum=99002),
        "JobAddNextRq": job_add({"jobnme": "Boiler", "clnnum": 1}, "pxs:st:job:2"),
        "ARInvoiceAddNextRq": ar_invoice_add(
            {"invnum": "ST-5001", "invdte": NOV, "jobnum": 21001, "slstax": Decimal("7.25")},
            [{"dscrpt": "Labor", "extprc": Decimal("100.00"), "cstcde": Decimal("23.800")}],
            "pxs:st:invoice:1",
        ),
        "CashReceiptAddNextRq": cash_receipt_add(
            1, "10452", NOV, [(2, Decimal("100.00")), (5, Decimal("20.55"))], "pxs:st:payment:1"
        ),
        "DailyPayrollAddNextRq": daily_payroll_add(
            {"empnum": 101, "dtewrk": NOV, "jobnum": 21001, "cstcde": Decimal("23.800")},
            {"regular_hours": Decimal("8"), "overtime_hours": Decimal("1.5")},
            "pxs:rhumbix:time_entry:1",
        ),
    }


@pytest.mark.parametrize("name", list(_all_requests()))
def test_each_request_is_well_formed_mbxml_in_the_documented_envelope(name: str) -> None:
    request = _all_requests()[name]
    xml = build_request_set([request], message_set_id="set-1", company="Acme", user="pixissync")
    check_request_set(xml)
    root = ET.fromstring(xml)
    assert xml.startswith(f'<api:MBXML xmlns:api="{NAMESPACE}">')
    assert [child.tag for child in root] == ["MBXMLSessionRq", "MBXMLMsgsRq"]
    assert (root.findtext("MBXMLSessionRq/Company"), root.findtext("MBXMLSessionRq/User")) == (
        "Acme",
        "pixissync",
    )
    messages = root.find("MBXMLMsgsRq")
    assert messages is not None
    assert messages.attrib == {"messageSetID": "set-1", "onError": "stopOnError"}
    [element] = list(messages)
    assert (element.tag, element.get("requestID")) == (name, "1")
    _, _, _, [(_, parsed)] = parse_request_set(xml)
    assert parsed.name == name
    assert set(parsed.fields) == set(request.fields)
    assert len(parsed.lines) == len(request.lines)


def test_creates_carry_our_reference_and_mods_address_the_record() -> None:
    requests = _all_requests()
    for name, request in requests.items():
        if name.endswith("ModRq"):
            assert request.object_id == 3 and "usrdf1" not in request.fields
        else:
            assert str(request.fields["usrdf1"]).startswith("pxs:"), name
    xml = build_request_set([requests["ClientModRq"]], message_set_id="m")
    assert "<ObjectRef><ObjectID>3</ObjectID></ObjectRef>" in xml
    assert '<addrs2 nil="true" />' in xml  # a field to clear, not one left out


def test_money_is_exact() -> None:
    invoice = _all_requests()["ARInvoiceAddNextRq"]
    assert invoice.fields["invttl"] == Decimal("107.25")
    receipt = _all_requests()["CashReceiptAddNextRq"]
    assert receipt.fields["amount"] == Decimal("120.55")
    assert [line["recnum"] for line in receipt.lines] == [2, 5]
    xml = build_request_set([receipt], message_set_id="m")
    assert "<amount>120.55</amount>" in xml


def test_daily_payroll_has_a_line_per_pay_type_with_hours() -> None:
    payroll = _all_requests()["DailyPayrollAddNextRq"]
    assert payroll.lines == [
        {"paytyp": 1, "hrswrk": Decimal("8")},
        {"paytyp": 2, "hrswrk": Decimal("1.5")},
    ]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: client_add({"clnnme": ""}, "pxs:a"), "client: Sage needs clnnme"),
        (lambda: client_add({"clnnme": "A"}, ""), "must carry our reference"),
        (lambda: client_mod(3, {}), "client 3: nothing to change"),
        (lambda: job_add({"jobnme": "J"}, "pxs:a"), "job: Sage needs clnnum"),
        (lambda: ar_invoice_add({"invnum": "1", "jobnum": 1}, [], "pxs:a"), "needs invdte"),
        (
            lambda: ar_invoice_add(
                {"invnum": "1", "invdte": NOV, "jobnum": 1}, [{"extprc": "1.005"}], "pxs:a"
            ),
            "not an amount in cents",
        ),
        (lambda: cash_receipt_add(1, "", NOV, [(2, Decimal(1))], "pxs:a"), "needs chknum"),
        (lambda: cash_receipt_add(1, "9", NOV, [], "pxs:a"), "at least one invoice"),
        (lambda: cash_receipt_add(1, "9", NOV, [(2, Decimal("-5.00"))], "pxs:a"), "positive"),
        (
            lambda: daily_payroll_add(
                {"empnum": 1, "dtewrk": NOV, "jobnum": 1}, {"sick_hours": Decimal(8)}, "pxs:a"
            ),
            "unknown hour columns",
        ),
        (
            lambda: daily_payroll_add(
                {"empnum": 1, "dtewrk": NOV, "jobnum": 1}, {"regular_hours": Decimal(0)}, "pxs:a"
            ),
            "no hours",
        ),
    ],
)
def test_what_sage_would_refuse_is_refused_when_built(build: object, message: str) -> None:
    assert callable(build)
    with pytest.raises(PermanentError, match=message):
        build()


@pytest.mark.parametrize(
    ("xml", "problem"),
    [
        ("<api:MBXML", "not well-formed"),
        ('<MBXML><MBXMLSessionRq/><MBXMLMsgsRq messageSetID="1" onError="stopOnError"/></MBXML>',
         "not api:MBXML"),
        (f'<a:MBXML xmlns:a="{NAMESPACE}"><MBXMLSessionRq><Company/></MBXMLSessionRq>'
         '<MBXMLMsgsRq messageSetID="1" onError="stopOnError"><XRq requestID="1"><X/></XRq>'
         "</MBXMLMsgsRq></a:MBXML>", "not \\[Company, User\\]"),
        (f'<a:MBXML xmlns:a="{NAMESPACE}"><MBXMLSessionRq><Company/><User/></MBXMLSessionRq>'
         '<MBXMLMsgsRq messageSetID="1" onError="carryOn"><XRq requestID="1"><X/></XRq>'
         "</MBXMLMsgsRq></a:MBXML>", "onError is 'carryOn'"),
        (f'<a:MBXML xmlns:a="{NAMESPACE}"><MBXMLSessionRq><Company/><User/></MBXMLSessionRq>'
         '<MBXMLMsgsRq messageSetID="1" onError="stopOnError"><XRq requestID="1"><X/></XRq>'
         '<YRq requestID="1"><Y/></YRq></MBXMLMsgsRq></a:MBXML>', "not a distinct"),
        (f'<a:MBXML xmlns:a="{NAMESPACE}"><MBXMLSessionRq><Company/><User/></MBXMLSessionRq>'
         '<MBXMLMsgsRq onError="stopOnError"><XRq requestID="1"><X/></XRq>'
         "</MBXMLMsgsRq></a:MBXML>", "no messageSetID"),
    ],
)  # fmt: skip
def test_the_envelope_check_names_what_is_wrong(xml: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        check_request_set(xml)


def test_the_writers_requests_pass_the_envelope_check(sandbox: Sage100cConnector) -> None:
    change = Change("customer", "create", "pxs:a:customer:1", "k", {"name": "Checked Co"})
    request = sandbox.writer.request_for(change)
    check_request_set(build_request_set([request], message_set_id="k"))


def test_the_stand_in_applies_the_built_requests(sandbox: Sage100cConnector) -> None:
    requests = _all_requests()
    names = ["ClientAddNextRq", "ClientModRq", "JobAddRq", "ARInvoiceAddNextRq",
             "DailyPayrollAddNextRq"]  # fmt: skip
    xml = build_request_set([requests[n] for n in names], message_set_id="all")
    results = parse_response(SandboxSubmitter(sandbox.engine).submit(xml))
    assert [(r.name, r.ok) for r in results] == [(n, True) for n in names], results
    assert sandbox.find("customer", "pxs:st:customer:1") == str(results[0].object_id)
    assert sandbox.find("job", "pxs:st:job:1") == "99002"
    invoice = sandbox.find("invoice", "pxs:st:invoice:1")
    pulled = sandbox.pull("invoice").filter(invoice_id=invoice).row(0, named=True)
    assert (pulled["total"], pulled["tax"]) == (Decimal("107.25"), Decimal("7.25"))
    entry = sandbox.find("time_entry", "pxs:rhumbix:time_entry:1")
    time = sandbox.pull("time_entry").filter(entry_id=entry).row(0, named=True)
    assert (time["regular_hours"], time["overtime_hours"]) == (Decimal("8.00"), Decimal("1.50"))

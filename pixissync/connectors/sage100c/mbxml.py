"""Build and read Sage 100 Contractor XML API (MBXML) messages.

The envelope follows the reference: ``<api:MBXML>`` with a session block and an
``MBXMLMsgsRq`` message set (``messageSetID``, ``onError``) of requests such as
``ClientAddNextRq`` or ``ClientModRq``; records are addressed with
``<ObjectRef><ObjectID>n</ObjectID></ObjectRef>``. Inside a request the record
is written with Sage's own column names as elements (``<clnnme>``) and child
rows under ``<Lines><Line>`` — an inference [I]: mbxml.xsd is not public, so
the element names live in this one module to change in one place. A field to
clear is written as an empty element with ``nil="true"``.

The same XML goes to the sandbox submitter today and to a Windows submitter
around ``Sage.100.Contractor.Api.dll`` (``submitXML``) later.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

NAMESPACE: Final = "http://sage100contractor.com/api"
ET.register_namespace("api", NAMESPACE)
OK: Final = 0


@dataclass(frozen=True)
class Request:
    """One request of a message set, e.g. ``ClientAddNextRq`` for a new customer."""

    name: str  # ClientAddNextRq, JobAddRq, ARInvoiceModRq...
    obj: str  # Client, Job, ARInvoice, DailyPayroll
    fields: dict[str, Any]  # Sage column -> value; None clears it (Mod) or is omitted (Add)
    lines: list[dict[str, Any]] = field(default_factory=list)
    object_id: int | None = None  # ObjectRef of the record a Mod request changes

    @property
    def action(self) -> str:
        """``AddNext``, ``Add`` or ``Mod``."""
        return self.name.removeprefix(self.obj).removesuffix("Rq")


@dataclass(frozen=True)
class Result:
    """One request's answer: status 0 is success; ``object_id`` is the record's recnum."""

    request_id: str
    name: str
    status_code: int
    message: str
    object_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.status_code == OK


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _record(parent: ET.Element, tag: str, values: dict[str, Any], keep_nulls: bool) -> ET.Element:
    element = ET.SubElement(parent, tag)
    for column, value in values.items():
        if value is None:
            if keep_nulls:
                ET.SubElement(element, column, {"nil": "true"})
            continue
        ET.SubElement(element, column).text = _text(value)
    return element


def build_request_set(
    requests: list[Request],
    *,
    message_set_id: str,
    company: str = "",
    user: str = "",
    on_error: str = "stopOnError",
) -> str:
    """The MBXML document for a list of requests, as a string."""
    root = ET.Element(f"{{{NAMESPACE}}}MBXML")
    session = ET.SubElement(root, "MBXMLSessionRq")
    ET.SubElement(session, "Company").text = company
    ET.SubElement(session, "User").text = user
    messages = ET.SubElement(
        root, "MBXMLMsgsRq", {"messageSetID": message_set_id, "onError": on_error}
    )
    for number, request in enumerate(requests, start=1):
        element = ET.SubElement(messages, request.name, {"requestID": str(number)})
        if request.object_id is not None:
            ref = ET.SubElement(element, "ObjectRef")
            ET.SubElement(ref, "ObjectID").text = str(request.object_id)
        record = _record(element, request.obj, request.fields, keep_nulls=request.action == "Mod")
        if request.lines:
            lines = ET.SubElement(record, "Lines")
            for line in request.lines:
                _record(lines, "Line", line, keep_nulls=False)
    return ET.tostring(root, encoding="unicode")


def _values(element: ET.Element) -> dict[str, str | None]:
    return {
        child.tag: None if child.get("nil") == "true" else (child.text or "")
        for child in element
        if child.tag != "Lines"
    }


def parse_request_set(xml: str) -> tuple[str, str, str, list[tuple[str, Request]]]:
    """Read an MBXML request document: ``(message_set_id, on_error, user, [(id, request)])``.

    Raises:
        ValueError: when the document is not an MBXML request set.
    """
    root = ET.fromstring(xml)
    if root.tag != f"{{{NAMESPACE}}}MBXML":
        raise ValueError(f"not an MBXML document (root {root.tag})")
    messages = root.find("MBXMLMsgsRq")
    if messages is None:
        raise ValueError("MBXML document has no MBXMLMsgsRq")
    user = root.findtext("MBXMLSessionRq/User") or ""
    out: list[tuple[str, Request]] = []
    for element in messages:
        ref = element.findtext("ObjectRef/ObjectID")
        record = next((child for child in element if child.tag != "ObjectRef"), None)
        if record is None:
            raise ValueError(f"{element.tag} has no record")
        lines_element = record.find("Lines")
        lines = [_values(line) for line in lines_element] if lines_element is not None else []
        request = Request(
            name=element.tag,
            obj=record.tag,
            fields=_values(record),
            lines=lines,
            object_id=int(ref) if ref else None,
        )
        out.append((element.get("requestID", ""), request))
    return messages.get("messageSetID", ""), messages.get("onError", "stopOnError"), user, out


def build_response(message_set_id: str, results: list[Result]) -> str:
    """The MBXML response document for a message set."""
    root = ET.Element(f"{{{NAMESPACE}}}MBXML")
    messages = ET.SubElement(root, "MBXMLMsgsRs", {"messageSetID": message_set_id})
    for result in results:
        element = ET.SubElement(
            messages,
            result.name.removesuffix("Rq") + "Rs",
            {
                "requestID": result.request_id,
                "statusCode": str(result.status_code),
                "statusSeverity": "Info" if result.ok else "Error",
                "statusMessage": result.message,
            },
        )
        if result.object_id is not None:
            ref = ET.SubElement(element, "ObjectRef")
            ET.SubElement(ref, "ObjectID").text = str(result.object_id)
    return ET.tostring(root, encoding="unicode")


def parse_response(xml: str) -> list[Result]:
    """Read an MBXML response document into results, in request order."""
    root = ET.fromstring(xml)
    messages = root.find("MBXMLMsgsRs")
    if messages is None:
        raise ValueError("MBXML response has no MBXMLMsgsRs")
    results = []
    for element in messages:
        ref = element.findtext("ObjectRef/ObjectID")
        results.append(
            Result(
                request_id=element.get("requestID", ""),
                name=element.tag.removesuffix("Rs") + "Rq",
                status_code=int(element.get("statusCode", "-1")),
                message=element.get("statusMessage", ""),
                object_id=int(ref) if ref else None,
            )
        )
    return results


ON_ERROR: Final = ("stopOnError", "continueOnError")


def check_request_set(xml: str) -> None:
    """Check a request document has the documented MBXML envelope.

    ``<api:MBXML xmlns:api=...>`` holding ``<MBXMLSessionRq>`` (``<Company>``,
    ``<User>``) then ``<MBXMLMsgsRq messageSetID=".." onError="..">`` whose
    children are ``...Rq`` elements, each with a unique ``requestID`` and one record.

    Raises:
        ValueError: naming the first thing that is wrong (or the XML parser's message).
    """
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise ValueError(f"not well-formed XML: {exc}") from None
    if root.tag != f"{{{NAMESPACE}}}MBXML":
        raise ValueError(f"root is {root.tag}, not api:MBXML in {NAMESPACE}")
    children = [child.tag for child in root]
    if children != ["MBXMLSessionRq", "MBXMLMsgsRq"]:
        raise ValueError(f"MBXML holds {children}, not [MBXMLSessionRq, MBXMLMsgsRq]")
    session = [child.tag for child in root[0]]
    if session != ["Company", "User"]:
        raise ValueError(f"MBXMLSessionRq holds {session}, not [Company, User]")
    messages = root[1]
    if not messages.get("messageSetID"):
        raise ValueError("MBXMLMsgsRq has no messageSetID")
    if messages.get("onError") not in ON_ERROR:
        raise ValueError(f"MBXMLMsgsRq onError is {messages.get('onError')!r}, not {ON_ERROR}")
    if len(messages) == 0:
        raise ValueError("MBXMLMsgsRq holds no request")
    seen: set[str] = set()
    for request in messages:
        request_id = request.get("requestID") or ""
        if not request.tag.endswith("Rq") or not request_id or request_id in seen:
            raise ValueError(f"{request.tag} requestID={request_id!r}: not a distinct ...Rq")
        seen.add(request_id)
        records = [child for child in request if child.tag != "ObjectRef"]
        if len(records) != 1:
            raise ValueError(f"{request.tag} {request_id} holds {len(records)} records, not 1")

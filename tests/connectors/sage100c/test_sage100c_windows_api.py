"""The Windows API submitter: Sage's call sequence, its error mapping, and read-back.

There is no Windows and no Sage here, so the API object is a fake injected into
:class:`WindowsApiSubmitter` (the one place a fake is justified). By default it
answers ``submitXML`` with what the sandbox submitter does to the stand-in
database, so a push through it is checked on real tables.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pixissync.connectors.base import Change
from pixissync.connectors.sage100c.builders import client_add
from pixissync.connectors.sage100c.connector import Sage100cConnector
from pixissync.connectors.sage100c.mbxml import Result, build_request_set, build_response
from pixissync.connectors.sage100c.windows_api import WindowsApiSubmitter, load_api
from pixissync.errors import ConfigError, PermanentError, TransientError
from pixissync.sandbox.sage100c_api import SandboxSubmitter
from pixissync.sandbox.sage100c_db import sandbox_engine

PASSWORD = "api-pw-9"
EXPECTED_SEQUENCE = [
    ("SetDataSource", ("ACCTSRV\\SAGE100CON",)),
    ("IntializeAPI", ("Acme",)),
    ("EnableRequests", ()),
    ("IsApplicationAllowed", ("PixisSync",)),
    ("IsValidUser", ("apiuser", PASSWORD)),
    ("submitXML", ("<xml>", PASSWORD)),
    ("DeIntializeAPI", ()),
]


class TimeoutException(Exception):
    """Named like System.TimeoutException, as pythonnet surfaces it."""


class FakeApi:
    """Records calls in order; ``answer`` plays Sage's submitXML."""

    def __init__(self, answer: Callable[[str], str]) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.answer = answer
        self.app_allowed = True
        self.user_valid = True

    def _record(self, name: str, *args: Any) -> None:
        self.calls.append((name, args))

    def SetDataSource(self, server: str) -> None:
        self._record("SetDataSource", server)

    def IntializeAPI(self, company: str) -> None:
        self._record("IntializeAPI", company)

    def EnableRequests(self) -> None:
        self._record("EnableRequests")

    def IsApplicationAllowed(self, application: str) -> bool:
        self._record("IsApplicationAllowed", application)
        return self.app_allowed

    def IsValidUser(self, user: str, password: str) -> bool:
        self._record("IsValidUser", user, password)
        return self.user_valid

    def submitXML(self, xml: str, password: str) -> str:
        self._record("submitXML", "<xml>", password)
        return self.answer(xml)

    def DeIntializeAPI(self) -> None:
        self._record("DeIntializeAPI")

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.calls]


def _submitter(api: FakeApi) -> WindowsApiSubmitter:
    return WindowsApiSubmitter(
        "ACCTSRV\\SAGE100CON", "Acme", "apiuser", PASSWORD, app_name="PixisSync", api=api
    )


@pytest.fixture
def stand_in(sage_file: Path) -> Iterator[SandboxSubmitter]:
    engine = sandbox_engine(sage_file)
    yield SandboxSubmitter(engine)
    engine.dispose()


@pytest.fixture
def api(stand_in: SandboxSubmitter) -> FakeApi:
    return FakeApi(stand_in.submit)


@pytest.fixture
def sage(sage_file: Path, api: FakeApi) -> Iterator[Sage100cConnector]:
    connector = Sage100cConnector(
        str(sage_file), company="Acme", submitter=_submitter(api), read_back=True
    )
    yield connector
    connector.close()


CUSTOMER = Change("customer", "create", "pxs:st:customer:77", "key-77", {"name": "Windows Co"})


def _request_xml() -> str:
    return build_request_set(
        [client_add({"clnnme": "Direct"}, "pxs:x:customer:1")], message_set_id="m1"
    )


def test_a_push_runs_sages_documented_sequence_once(sage: Sage100cConnector, api: FakeApi) -> None:
    result = sage.push(CUSTOMER)
    assert result.created
    assert api.calls == EXPECTED_SEQUENCE
    assert sage.find("customer", CUSTOMER.reference) == result.target_id
    again = sage.push(CUSTOMER)  # found by our reference: nothing sent to Sage
    assert (again.target_id, again.created) == (result.target_id, False)
    assert api.calls == EXPECTED_SEQUENCE


def test_an_application_sage_does_not_allow_is_a_config_error(api: FakeApi) -> None:
    api.app_allowed = False
    with pytest.raises(ConfigError, match="does not allow application 'PixisSync'"):
        _submitter(api).submit(_request_xml())
    assert "submitXML" not in api.names
    assert api.names[-1] == "DeIntializeAPI"  # the session is always ended


def test_a_user_sage_refuses_is_a_config_error(api: FakeApi) -> None:
    api.user_valid = False
    with pytest.raises(ConfigError, match=r'refused user .apiuser.*security group "API"'):
        _submitter(api).submit(_request_xml())
    assert "submitXML" not in api.names and api.names[-1] == "DeIntializeAPI"


def test_a_timeout_is_transient_and_the_password_is_scrubbed(api: FakeApi) -> None:
    def hang(_xml: str) -> str:
        raise TimeoutException(f"Timeout expired talking to ACCTSRV with {PASSWORD}")

    api.answer = hang
    with pytest.raises(TransientError) as caught:
        _submitter(api).submit(_request_xml())
    assert "TimeoutException: Timeout expired" in str(caught.value)
    assert PASSWORD not in str(caught.value)
    assert api.names[-1] == "DeIntializeAPI"


def test_a_dropped_connection_is_transient(api: FakeApi) -> None:
    def drop(_xml: str) -> str:
        raise ConnectionResetError("connection reset by peer")

    api.answer = drop
    with pytest.raises(TransientError):
        _submitter(api).submit(_request_xml())


def test_another_api_failure_is_permanent(api: FakeApi) -> None:
    def crash(_xml: str) -> str:
        raise RuntimeError("Object reference not set to an instance of an object.")

    api.answer = crash
    with pytest.raises(PermanentError, match="Sage API failed: RuntimeError: Object reference"):
        _submitter(api).submit(_request_xml())


def test_an_api_error_response_fails_the_push_with_sages_message(
    sage: Sage100cConnector, api: FakeApi
) -> None:
    change = Change("customer", "create", "pxs:st:customer:78", "k", {"name": "Windows Co"})
    api.answer = lambda _xml: build_response(
        "key", [Result("1", "ClientAddNextRq", 3100, "clnnme: Client name already in use")]
    )
    with pytest.raises(PermanentError, match=r"Sage refused ClientAddNextRq.*already in use"):
        sage.push(change)


def test_an_answer_that_is_not_mbxml_is_permanent(api: FakeApi) -> None:
    api.answer = lambda _xml: "License check failed"
    with pytest.raises(PermanentError, match="License check failed"):
        _submitter(api).submit(_request_xml())


def test_a_malformed_request_is_refused_before_opening_a_session(api: FakeApi) -> None:
    with pytest.raises(PermanentError, match="not a valid MBXML request set"):
        _submitter(api).submit("<MBXML><MBXMLMsgsRq/></MBXML>")
    assert api.calls == []


def test_ok_without_the_record_is_caught_by_the_read_back(
    sage: Sage100cConnector, api: FakeApi
) -> None:
    # Sage answered OK, but the session's commit never happened.
    api.answer = lambda _xml: build_response("key", [Result("1", "ClientAddNextRq", 0, "OK", 999)])
    with pytest.raises(
        PermanentError, match="Sage accepted the request but the record is not there"
    ):
        sage.push(CUSTOMER)
    update = Change("customer", "update", "pxs:st:customer:9", "k", {"city": "X"}, target_id="2")
    api.answer = lambda _xml: build_response("key", [Result("1", "ClientModRq", 0, "OK", 4242)])
    with pytest.raises(PermanentError, match="no customer record 4242"):
        sage.push(update)


def test_without_windows_the_submitter_says_what_is_needed() -> None:
    with pytest.raises(ConfigError) as caught:
        load_api()
    message = str(caught.value)
    assert "Windows" in message and "pythonnet" in message
    assert "Sage.100.Contractor.Api.dll" in message and sys.platform in message
    with pytest.raises(ConfigError, match="pythonnet"):
        WindowsApiSubmitter("h\\SAGE100CON", "Acme", "u", "p")


def test_production_mode_builds_the_api_submitter_on_the_first_write_only() -> None:
    connector = Sage100cConnector(
        mode="production", host="127.0.0.1", port=1, company="Acme", login="l", driver="FreeTDS"
    )
    with pytest.raises(ConfigError, match="pythonnet"):
        connector.writer.submitter.submit(_request_xml())
    connector.close()

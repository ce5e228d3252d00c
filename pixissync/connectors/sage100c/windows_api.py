"""Submit MBXML to the real Sage 100 Contractor XML API on Windows (pythonnet).

The API is a .NET assembly, ``Sage.100.Contractor.Api.dll`` (class
``Sage.SMB.API.IMBXML``), installed with Sage 100 Contractor on Windows. The
reference documents the call sequence, which :meth:`WindowsApiSubmitter.submit`
follows for every request set::

    SetDataSource -> IntializeAPI -> EnableRequests -> IsApplicationAllowed
        -> IsValidUser -> submitXML(xml, pwd) -> DeIntializeAPI

(the misspelling ``Intialize`` is Sage's). The API commits when its session is
disposed, so ``DeIntializeAPI`` runs even when a step fails; the connector then
reads the record back to confirm the commit. The arguments of each call are our
inference [I] (the SDK's documentation is not public) and live only in
:meth:`WindowsApiSubmitter._session`, to change in one place.

``clr`` (pythonnet) is imported only when the submitter is built without an
injected API object; on Linux, or without pythonnet or the DLL, building it
raises a ConfigError that says what a site needs.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, Protocol

from pixissync.connectors.sage100c.mbxml import check_request_set, parse_response
from pixissync.errors import ConfigError, ConnectorError, PermanentError, TransientError

DEFAULT_DLL: Final = r"C:\Program Files (x86)\Sage\Sage 100 Contractor\Sage.100.Contractor.Api.dll"
API_CLASS: Final = "Sage.SMB.API.IMBXML"
# .NET (and Python) exception type names that mean "try again later".
_TRANSIENT_TYPES: Final = (
    "TimeoutException",
    "TimeoutError",
    "SocketException",
    "IOException",
    "ConnectionError",
    "ConnectionResetError",
    "ConnectionRefusedError",
    "CommunicationException",
)
_TRANSIENT_WORDS: Final = ("timeout", "timed out", "deadlock", "network", "connection")


class MbxmlApi(Protocol):
    """The methods of ``Sage.SMB.API.IMBXML`` we call (Sage's names; argument shapes [I])."""

    def SetDataSource(self, server: str) -> Any: ...
    def IntializeAPI(self, company: str) -> Any: ...
    def EnableRequests(self) -> Any: ...
    def IsApplicationAllowed(self, application: str) -> bool: ...
    def IsValidUser(self, user: str, password: str) -> bool: ...
    def submitXML(self, xml: str, password: str) -> str: ...
    def DeIntializeAPI(self) -> Any: ...


def load_api(dll_path: str | None = None, api_class: str = API_CLASS) -> MbxmlApi:
    """Load the Sage API assembly through pythonnet and return a new API object.

    Raises:
        ConfigError: not on Windows, pythonnet missing, the DLL missing, or the class absent.
    """
    needs = (
        "writing to Sage 100 Contractor needs the Sage API on a Windows host where Sage 100 "
        "Contractor is installed (Sage.100.Contractor.Api.dll) and pythonnet "
        "(`pip install pythonnet`)"
    )
    if sys.platform != "win32":
        raise ConfigError(f"{needs}; this machine is {sys.platform}")
    try:
        clr: Any = importlib.import_module("clr")
    except ImportError:
        raise ConfigError(f"{needs}; pythonnet is not installed") from None
    path = Path(dll_path or DEFAULT_DLL)
    if not path.is_file():
        raise ConfigError(f"{needs}; {path} does not exist (set api_dll to where it is)")
    clr.AddReference(str(path))
    namespace, _, name = api_class.rpartition(".")
    try:
        cls = getattr(importlib.import_module(namespace), name)
    except (ImportError, AttributeError):
        raise ConfigError(f"{path} has no class {api_class} (set api_class)") from None
    api: MbxmlApi = cls()
    return api


def _is_transient(exc: BaseException) -> bool:
    names = {cls.__name__ for cls in type(exc).__mro__}
    if names & set(_TRANSIENT_TYPES):
        return True
    text = str(exc).lower()
    return any(word in text for word in _TRANSIENT_WORDS)


class WindowsApiSubmitter:
    """Sends MBXML request sets through ``Sage.100.Contractor.Api.dll``.

    Args:
        server: the SQL Server instance of the company, ``HOST\\SAGE100CON``.
        company: the company name.
        user: the Sage user the API logs in as (member of the security group "API").
        password: that user's password (given to ``IsValidUser`` and ``submitXML``).
        app_name: our application name, which the company must allow.
        api_dll: where ``Sage.100.Contractor.Api.dll`` is (default: Sage's install folder).
        api: an API object to use instead of loading the DLL (tests inject a fake).
    """

    def __init__(
        self,
        server: str,
        company: str,
        user: str,
        password: str,
        *,
        app_name: str = "PixisSync",
        api_dll: str | None = None,
        api: MbxmlApi | None = None,
        api_factory: Callable[[], MbxmlApi] | None = None,
    ) -> None:
        self.server = server
        self.company = company
        self.user = user
        self._password = password
        self.app_name = app_name
        self._api = api if api is not None else (api_factory or (lambda: load_api(api_dll)))()

    def __repr__(self) -> str:
        return (
            f"WindowsApiSubmitter(server={self.server!r}, company={self.company!r}, "
            f"user={self.user!r}, app_name={self.app_name!r})"
        )

    def submit(self, xml: str) -> str:
        """Run one API session around ``submitXML`` and return Sage's MBXML response.

        Raises:
            PermanentError: the request set does not have the documented envelope.
            ConfigError: the company does not allow our application or user.
            TransientError: the API timed out or lost its connection.
            PermanentError: the API failed otherwise, or answered with something
                that is not an MBXML response (its text is the system message).
        """
        try:
            check_request_set(xml)
        except ValueError as exc:
            # Refused before a Sage session is opened: the request itself is wrong.
            raise PermanentError("not a valid MBXML request set", system_message=str(exc)) from None
        try:
            response = self._session(xml)
        except (ConfigError, ConnectorError):
            raise
        except Exception as exc:  # .NET exceptions arrive as their own Python types
            message = self._scrub(f"{type(exc).__name__}: {exc}")
            if _is_transient(exc):
                raise TransientError("Sage API unreachable", system_message=message) from None
            raise PermanentError("Sage API failed", system_message=message) from None
        try:
            parse_response(response)
        except (ValueError, SyntaxError):
            raise PermanentError(
                "Sage API answered with something other than an MBXML response",
                system_message=self._scrub(str(response)[:500]),
            ) from None
        return response

    def _session(self, xml: str) -> str:
        api = self._api
        api.SetDataSource(self.server)
        api.IntializeAPI(self.company)
        try:
            api.EnableRequests()
            if not api.IsApplicationAllowed(self.app_name):
                raise ConfigError(
                    f"Sage 100 Contractor company {self.company!r} does not allow application "
                    f"{self.app_name!r}: add it to the company's allowed applications"
                )
            if not api.IsValidUser(self.user, self._password):
                raise ConfigError(
                    f"Sage 100 Contractor refused user {self.user!r} for company "
                    f"{self.company!r}: check the password and that the user is in the "
                    'security group "API"'
                )
            return str(api.submitXML(xml, self._password))
        finally:
            # Sage commits when the session is disposed: always end it.
            api.DeIntializeAPI()

    def _scrub(self, text: str) -> str:
        return text.replace(self._password, "***") if self._password else text

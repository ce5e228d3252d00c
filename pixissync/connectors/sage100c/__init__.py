"""Sage 100 Contractor: reads its tables with SQLAlchemy, writes as MBXML requests.

Modules: ``schema``/``tables`` (layout and mapping), ``reader`` (keyset-paged
reads), ``production`` (the SQL Server connection from settings), ``mbxml`` and
``builders`` (request sets), ``writer`` (changes -> requests, the ``Submitter``
protocol), ``windows_api`` (the real API through pythonnet), ``connector``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pixissync.connectors.sage100c.connector import Sage100cConnector
    from pixissync.connectors.sage100c.windows_api import WindowsApiSubmitter
    from pixissync.connectors.sage100c.writer import Submitter

__all__ = ["Sage100cConnector", "Submitter", "WindowsApiSubmitter"]


def __getattr__(name: str) -> Any:
    # Lazy, so importing the table layout does not pull in the writer and sandbox.
    if name == "Sage100cConnector":
        from pixissync.connectors.sage100c.connector import Sage100cConnector

        return Sage100cConnector
    if name == "Submitter":
        from pixissync.connectors.sage100c.writer import Submitter

        return Submitter
    if name == "WindowsApiSubmitter":
        from pixissync.connectors.sage100c.windows_api import WindowsApiSubmitter

        return WindowsApiSubmitter
    raise AttributeError(name)

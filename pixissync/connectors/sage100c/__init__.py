"""Sage 100 Contractor: reads its tables with SQLAlchemy, writes as MBXML requests."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pixissync.connectors.sage100c.connector import Sage100cConnector

__all__ = ["Sage100cConnector"]


def __getattr__(name: str) -> Any:
    # Lazy, so importing the table layout does not pull in the writer and sandbox.
    if name == "Sage100cConnector":
        from pixissync.connectors.sage100c.connector import Sage100cConnector

        return Sage100cConnector
    raise AttributeError(name)

"""Sage 300 CRE (Timberline): ODBC reads, PR Import Time files with an import ledger."""

from __future__ import annotations

from pixissync.connectors.sage300cre.config import Sage300Settings
from pixissync.connectors.sage300cre.connector import Sage300Connector, sage300_connector

__all__ = ["Sage300Connector", "Sage300Settings", "sage300_connector"]

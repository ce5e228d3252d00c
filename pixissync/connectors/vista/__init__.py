"""Viewpoint Vista: SQL Server reads, master-table writes, AR/PR batches left for posting."""

from __future__ import annotations

from pixissync.connectors.vista.config import VistaSettings
from pixissync.connectors.vista.connector import VistaConnector, vista_connector

__all__ = ["VistaConnector", "VistaSettings", "vista_connector"]

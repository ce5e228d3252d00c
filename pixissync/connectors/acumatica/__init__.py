"""Acumatica over the contract-based REST API (see :mod:`.connector`)."""

from __future__ import annotations

from pixissync.connectors.acumatica.connector import AcumaticaConnector

__all__ = ["AcumaticaConnector"]

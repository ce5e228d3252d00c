"""Loopback stand-ins of the REST systems (ServiceTrade, Acumatica, Rhumbix, BuildOps)."""

from __future__ import annotations

"""Sage 100 Contractor: reads its tables with SQLAlchemy, writes as MBXML requests."""

from __future__ import annotations

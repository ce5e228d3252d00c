"""Registers the connectors that ship with PixisSync."""

from __future__ import annotations

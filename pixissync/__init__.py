"""PixisSync: reconcile and sync a field-service platform with a contractor ERP."""

from __future__ import annotations

__version__ = "0.1.0"

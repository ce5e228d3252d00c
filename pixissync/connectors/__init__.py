"""Connector registry: a plain dict filled by :func:`register`.

Connectors register a factory under their system name; :func:`create` builds one
from a profile's settings. Importing this package registers the built-in ones.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pixissync.connectors.base import (
    Change,
    CheckResult,
    Connector,
    PushResult,
    source_reference,
)
from pixissync.errors import ConfigError

Factory = Callable[..., Connector]
_REGISTRY: dict[str, Factory] = {}


def register(name: str, factory: Factory) -> None:
    """Register a connector factory under ``name`` (once)."""
    if not name.isidentifier():
        raise ConfigError(f"connector name {name!r} must be a simple identifier")
    if name in _REGISTRY and _REGISTRY[name] is not factory:
        raise ConfigError(f"connector {name!r} is already registered")
    _REGISTRY[name] = factory


def known() -> list[str]:
    """Names of the registered connectors."""
    _load_builtins()
    return sorted(_REGISTRY)


def create(name: str, **settings: Any) -> Connector:
    """Build the connector registered as ``name`` with the given settings."""
    _load_builtins()
    try:
        factory = _REGISTRY[name]
    except KeyError:
        raise ConfigError(
            f"unknown connector {name!r}; known connectors: {', '.join(sorted(_REGISTRY))}"
        ) from None
    return factory(**settings)


def _load_builtins() -> None:
    # Imported lazily so that a connector's optional driver is only needed when used.
    from pixissync.connectors import builtin  # noqa: F401


__all__ = [
    "Change",
    "CheckResult",
    "Connector",
    "PushResult",
    "create",
    "known",
    "register",
    "source_reference",
]

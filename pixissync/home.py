"""A PixisSync home: a folder with ``pixissync.toml``, the state store and snapshots.

Every command works against one home (``--dir`` or ``PIXISSYNC_HOME``). The
config names the connections (profiles) and may override flows::

    [store]
    url = "sqlite:///state.db"          # PIXISSYNC_DB_URL overrides

    [connections.field]
    system = "files"
    path = "field"

    [connections.erp]
    system = "sage100c"
    url = "sqlite:///erp/sage100c.db"
    password_env = "SAGE_PASSWORD"      # secrets come from the environment only

Relative paths and SQLite URLs are resolved against the home folder. A setting
whose name ends in ``_env`` names an environment variable; its value is passed
under the name without the suffix and is never written anywhere.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pixissync import connectors
from pixissync.connectors.base import Connector
from pixissync.errors import ConfigError
from pixissync.flows import Flow, flows_from_config

if TYPE_CHECKING:
    from pixissync.store import Store

CONFIG_NAME = "pixissync.toml"
REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLES_DIR = REPO_ROOT / "data" / "samples"
_PATH_KEYS = {"path", "folder", "drop_folder", "dsn_file", "db_path"}


def home_from_env(explicit: str | None) -> Path:
    """The home folder: ``--dir``, else ``PIXISSYNC_HOME``, else ``./.demo``."""
    return Path(explicit or os.environ.get("PIXISSYNC_HOME") or ".demo").resolve()


def _resolve_sqlite(url: str, base: Path) -> str:
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/"):
        rest = url[len(prefix) :]
        if rest and rest != ":memory:":
            return prefix + str((base / rest).resolve())
    return url


@dataclass
class Home:
    """An opened home: its config, flows, store and connections."""

    path: Path
    config: dict[str, Any]
    flows: dict[str, Flow]
    _connectors: dict[str, Connector] = field(default_factory=dict)
    services: list[Any] = field(default_factory=list)
    """Things to stop with the home (the demo's loopback stand-ins)."""

    @classmethod
    def open(cls, path: str | Path) -> Home:
        """Read ``pixissync.toml`` in ``path``; raise ConfigError naming what is wrong."""
        folder = Path(path).resolve()
        file = folder / CONFIG_NAME
        if not file.is_file():
            raise ConfigError(
                f"{file} not found: run `pixissync demo --dir {folder}` or create the config"
            )
        try:
            config = tomllib.loads(file.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{file}: {exc}") from None
        if not isinstance(config.get("connections", {}), dict):
            raise ConfigError(f"{file}: [connections] must be a table of profiles")
        return cls(folder, config, flows_from_config(config.get("flows")))

    @property
    def store_url(self) -> str:
        url = os.environ.get("PIXISSYNC_DB_URL") or self.config.get("store", {}).get(
            "url", "sqlite:///state.db"
        )
        return _resolve_sqlite(str(url), self.path)

    @cached_property
    def store(self) -> Store:
        from pixissync.store import Store

        store = Store(self.store_url)
        store.migrate()
        return store

    @property
    def snapshots(self) -> Path:
        return self.path / "snapshots"

    def profile(self, name: str) -> dict[str, Any]:
        """The settings of connection ``name`` with paths resolved and secrets read."""
        profiles: dict[str, Any] = self.config.get("connections", {})
        if name not in profiles:
            known = ", ".join(sorted(profiles)) or "none"
            raise ConfigError(f"unknown connection {name!r}; configured connections: {known}")
        raw = dict(profiles[name])
        if "system" not in raw:
            raise ConfigError(f"[connections.{name}]: missing 'system' (e.g. files, sage100c)")
        settings: dict[str, Any] = {}
        for key, value in raw.items():
            if key.endswith("_env"):
                env_name = str(value)
                if env_name not in os.environ:
                    raise ConfigError(
                        f"[connections.{name}].{key}: environment variable {env_name} is not set"
                    )
                settings[key.removesuffix("_env")] = os.environ[env_name]
            elif key in _PATH_KEYS and isinstance(value, str):
                settings[key] = str((self.path / value).resolve())
            elif key == "url" and isinstance(value, str):
                settings[key] = _resolve_sqlite(value, self.path)
            else:
                settings[key] = value
        return settings

    def connector(self, name: str) -> Connector:
        """The connector of connection ``name``, built once per home."""
        if name not in self._connectors:
            settings = self.profile(name)
            system = settings.pop("system")
            self._connectors[name] = connectors.create(system, **settings)
        return self._connectors[name]

    def connectors(self) -> dict[str, Connector]:
        """Every configured connection's connector, keyed by connection name."""
        return {name: self.connector(name) for name in self.config.get("connections", {})}

    def close(self) -> None:
        for connector in self._connectors.values():
            connector.close()
        self._connectors.clear()
        for service in self.services:
            service.stop()
        self.services.clear()

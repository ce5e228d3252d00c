"""Sign-in helpers for the console: where the store is, the demo hint, what a role may do.

The store is the authority: it hashes passwords (argon2) and checks the role
on every write. The console only uses ``User.may`` to decide which buttons to
show, and surfaces the store's ``PermissionDenied`` when a write is refused.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pixissync.store.records import PERMISSIONS, ROLES, User

DEMO_LOGIN_FILE: Final = "DEMO_LOGIN.txt"
ROLE_HELP: Final[dict[str, str]] = {
    "viewer": "can read everything, change nothing",
    "reviewer": "can approve, reject and edit proposals",
    "admin": "can also apply batches and manage rules, connections and users",
}


@dataclass(frozen=True)
class Location:
    """Where the console finds its home folder and state store."""

    home: Path | None
    store_url: str


def locate(env: Mapping[str, str] | None = None) -> Location:
    """Resolve the home and store from ``PIXISSYNC_HOME`` / ``PIXISSYNC_DB_URL``.

    ``PIXISSYNC_DB_URL`` wins for the store (a team's PostgreSQL); otherwise the
    store is ``state.db`` in the home folder (``PIXISSYNC_HOME``, else ``./.demo``).
    """
    env = os.environ if env is None else env
    home = Path(env.get("PIXISSYNC_HOME") or ".demo").resolve()
    url = env.get("PIXISSYNC_DB_URL") or f"sqlite:///{home / 'state.db'}"
    return Location(home if home.is_dir() else None, url)


def demo_login_hint(home: Path | None) -> str | None:
    """The demo's sign-in note from ``DEMO_LOGIN.txt`` in the home, if the demo wrote one.

    The demo writes ``user: NAME`` and ``password: SECRET`` lines; they are shown
    as ``demo admin: NAME / SECRET``. Any other content is shown as it is (first
    lines only).
    """
    if home is None:
        return None
    try:
        text = (home / DEMO_LOGIN_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    fields: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields[key.strip().lower()] = value.strip()
    if "user" in fields and "password" in fields:
        return f"demo admin: {fields['user']} / {fields['password']}"
    return " · ".join(text.splitlines()[:5]) or None


def role_line(user: User) -> str:
    """``"ann · reviewer (can approve, reject and edit proposals)"``."""
    return f"{user.name} · {user.role} ({ROLE_HELP.get(user.role, '')})"


__all__ = [
    "PERMISSIONS",
    "ROLES",
    "Location",
    "demo_login_hint",
    "locate",
    "role_line",
]

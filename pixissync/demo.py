"""Build a demo home from the sample company: no server, no credentials.

The field system is the sample's canonical export (a ``files`` connection over a
copy of ``data/samples/field``), the ERP is a SQLite database with the Sage 100
Contractor table layout built from ``data/samples/sage100c``, and the state
store is ``state.db`` in the home. A demo admin is created with a random
password written to ``DEMO_LOGIN.txt`` (the console shows it on its sign-in page).
"""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path

from pixissync.errors import ConfigError
from pixissync.home import CONFIG_NAME, SAMPLES_DIR, Home

DEMO_USER = "admin"
LOGIN_FILE = "DEMO_LOGIN.txt"

_CONFIG = """\
# PixisSync demo home, made by `pixissync demo`. Edit freely.
[store]
url = "sqlite:///state.db"

[connections.field]
system = "files"
path = "field"

[connections.erp]
system = "sage100c"
url = "sqlite:///erp/sage100c.db"
mode = "sandbox"
"""


def build_demo_home(folder: Path, *, samples: Path = SAMPLES_DIR, fresh: bool = True) -> Home:
    """Create (or recreate) a demo home in ``folder`` and return it opened."""
    from pixissync.sandbox.sage100c_db import build_sage100c_db

    if not (samples / "field").is_dir() or not (samples / "sage100c").is_dir():
        raise ConfigError(f"sample company not found in {samples} (expected field/ and sage100c/)")
    folder = folder.resolve()
    if fresh and folder.exists():
        if not (folder / CONFIG_NAME).exists() and any(folder.iterdir()):
            raise ConfigError(f"{folder} is not empty and is not a PixisSync home; choose another")
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / CONFIG_NAME).write_text(_CONFIG, encoding="utf-8")
    shutil.copytree(samples / "field", folder / "field", dirs_exist_ok=True)
    (folder / "erp").mkdir(exist_ok=True)
    engine = build_sage100c_db(folder / "erp" / "sage100c.db", samples / "sage100c")
    engine.dispose()
    home = Home.open(folder)
    password = secrets.token_urlsafe(12)
    home.store.add_user(DEMO_USER, "admin", password)
    login = folder / LOGIN_FILE
    login.write_text(f"user: {DEMO_USER}\npassword: {password}\n", encoding="utf-8")
    login.chmod(0o600)
    return home

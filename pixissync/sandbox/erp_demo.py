"""Vista and Sage 300 CRE stand-ins holding the sample company, for ``pixissync demo --erp``.

The sample company's ERP side is generated as Sage 100 Contractor tables
(``data/samples/sage100c``). To give every ERP the same history, that database
is built in a scratch folder, read back into canonical frames with the Sage 100
Contractor connector, and those frames seed the Vista or Sage 300 CRE stand-in.

:func:`build_erp_sandbox` returns the ``[connections.erp]`` section the demo home
writes into ``pixissync.toml``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import polars as pl

from pixissync.errors import ConfigError

ERPS = ("vista", "sage300cre")

VISTA_SECTION = """\
[connections.erp]
system = "vista"
url = "sqlite:///erp/vista.db"
mode = "sandbox"
# Invoices and timecards wait in Vista batches; post them with the stand-in's
# "accountant" (pixissync.sandbox.vista_db.post_as_vista_user), or let PixisSync
# post its own batches where the site allows it:
# post_batches = true
"""

SAGE300_SECTION = """\
[connections.erp]
system = "sage300cre"
mode = "sandbox"
db_path = "erp/sage300.sqlite"
drop_folder = "erp/imports"
# The stand-in runs each PR Import Time file as soon as it is finished, as a
# payroll clerk importing at once would; remove to import by hand.
auto_import = true
"""


def erp_frames_from_sample(samples: Path) -> dict[str, pl.DataFrame]:
    """What the sample company's ERP holds, as canonical frames by entity."""
    from pixissync.connectors.sage100c.connector import Sage100cConnector
    from pixissync.model import ENTITIES
    from pixissync.sandbox.sage100c_db import build_sage100c_db

    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "sage100c.db"
        build_sage100c_db(path, samples / "sage100c").dispose()
        source = Sage100cConnector(url=f"sqlite:///{path}")
        try:
            return {entity: source.pull(entity) for entity in ENTITIES}
        finally:
            source.close()


def build_erp_sandbox(erp: str, home: Path, samples: Path) -> str:
    """Create the ``erp`` stand-in under ``home/erp`` and return its connection section.

    Args:
        erp: ``"vista"`` or ``"sage300cre"``.
        home: the demo home folder.
        samples: ``data/samples`` (needs ``sage100c/``).
    """
    if erp not in ERPS:
        raise ConfigError(f"no database stand-in for {erp!r}; known: {', '.join(ERPS)}")
    folder = home / "erp"
    folder.mkdir(parents=True, exist_ok=True)
    frames = erp_frames_from_sample(samples)
    if erp == "vista":
        from pixissync.sandbox.vista_db import create_vista_db, seed_from_canonical

        engine = create_vista_db(f"sqlite:///{folder / 'vista.db'}")
        seed_from_canonical(engine, frames)
        engine.dispose()
        return VISTA_SECTION
    from pixissync.sandbox.sage300_db import seed_from_canonical as seed_sage300

    (folder / "imports").mkdir(exist_ok=True)
    seed_sage300(folder / "sage300.sqlite", frames)
    return SAGE300_SECTION

"""Local stand-ins of the systems PixisSync talks to, for the demo and the tests.

* :mod:`pixissync.sandbox.sample_company` — the seeded sample company (field
  export + Sage 100 Contractor tables + manifest of planted mess);
* :mod:`pixissync.sandbox.sage100c_db` — a SQLite/PostgreSQL database with the
  Sage 100 Contractor table layout, loaded from those CSVs.

Nothing in the core imports this package.
"""

from __future__ import annotations

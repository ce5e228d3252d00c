"""Runs the console's ``app.py`` from a folder without ``pages/`` (for AppTest).

Streamlit treats a ``pages/`` folder beside the main script as a v1 multipage
app until ``st.navigation`` is first called in the process, and AppTest resets
that flag before every run; so a test run from ``app.py`` itself would execute
page scripts without ``app.py`` on reruns. Running ``app.py`` from here gives
every test run what every run after the first gets on a real server.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
runpy.run_path(str(REPO / "app.py"), run_name="__main__")

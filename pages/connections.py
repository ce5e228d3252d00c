"""Connections: the configured systems, a health check, and the last pull with its counts."""

from __future__ import annotations

import streamlit as st

from pages._common import console, export_buttons, require_user, show_error
from pixissync.console import connections
from pixissync.errors import PixisSyncError

user = require_user()
home = console().home
st.title("Connections")
if home is None:
    st.info("No home folder with pixissync.toml: set PIXISSYNC_HOME (or run `pixissync demo`).")
    st.stop()

st.caption(f"Home: {home.path} · secrets come from the environment and are never shown.")
table = connections.profiles(home.config)
st.dataframe(table, key="connections_profiles", hide_index=True)

st.subheader("Health check")
for name in table["connection"]:
    if st.button(f"Check {name}", key=f"connections_check_{name}"):
        try:
            results = home.connector(name).check()
        except PixisSyncError as exc:
            show_error(exc)
            continue
        for result in results:
            (st.success if result.ok else st.error)(f"{name} · {result.name}: {result.detail}")

st.subheader("Last pull")
folder = connections.latest_snapshot(home.snapshots)
if folder is None:
    st.info("Nothing pulled yet.")
else:
    taken = connections.snapshot_time(folder)
    st.caption(f"Snapshot {folder.name}" + (f" · {taken:%Y-%m-%d %H:%M:%S} UTC" if taken else ""))
    counts = connections.pull_counts(folder)
    st.dataframe(counts, key="connections_counts", hide_index=True)
    if counts["quarantined"].sum():
        st.warning(
            f"{int(counts['quarantined'].sum()):,} row(s) were set aside as unreadable; "
            "see `pixissync sync --json` or the snapshot's *.quarantine.parquet files."
        )
    export_buttons(lambda: counts, "last-pull", key="connections_export")

"""Run one apply in a child process so a test can kill it mid-batch (SIGKILL)."""

from __future__ import annotations

import sys
from pathlib import Path

from target_support import ADMIN, TableTarget

from pixissync.apply import apply_batch
from pixissync.store import Store


def main() -> None:
    url, erp, batch_id = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    store = Store(url)
    target = TableTarget(erp, delay=0.01)

    def progress(done: int, total: int) -> None:
        print(f"done {done} of {total}", flush=True)

    apply_batch(store, batch_id, {"erp": target}, user=ADMIN, progress=progress)


if __name__ == "__main__":
    main()

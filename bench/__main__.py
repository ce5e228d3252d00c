"""``python -m bench [NAME ...]``: run the named benchmarks (default: all known)."""

from __future__ import annotations

import importlib
import sys

# name -> module with a ``main(argv) -> int``; add an entry per benchmark.
BENCHMARKS = {
    "matching": "bench.matching.run",
    "rest": "bench.rest_bench",
    "erp_db": "bench.erp_db_bench",
}


def main(argv: list[str]) -> int:
    """Run ``python -m bench matching [options]`` or every benchmark without a name."""
    if argv and argv[0] in BENCHMARKS:
        module = importlib.import_module(BENCHMARKS[argv[0]])
        code: int = module.main(argv[1:])
        return code
    if argv and not argv[0].startswith("-"):
        print(f"unknown benchmark {argv[0]!r}; known: {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    for name, target in BENCHMARKS.items():
        print(f"## {name}")
        importlib.import_module(target).main(argv)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

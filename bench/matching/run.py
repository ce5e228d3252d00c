"""Benchmark: PixisSync vs Splink linking (and deduplicating) generated contractor customers.

Each (tool, size, task) runs in a fresh child process so its peak memory (ru_maxrss,
the whole process: interpreter, data and matcher) and wall time are its own.
Wall time covers the matcher only: normalising, blocking, scoring and
assignment for PixisSync; standardising, training (lambda, u, EM) and
prediction for Splink. CPU seconds (all threads) are printed too: on a shared
machine they move less than wall time. The data are written once per size.

    python -m bench matching [--sizes 5000,10000,50000,100000] [--tools pixissync,splink]
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import polars as pl

from bench.matching.metrics import Quality, dedupe_quality, link_quality
from bench.matching.spell import customers

TOOLS = ("pixissync", "splink")


def _run_tool(tool: str, task: str, left: pl.DataFrame, right: pl.DataFrame) -> pl.DataFrame:
    if tool == "pixissync":
        from pixissync.matching import dedupe, link, load_rules, rules_path

        rules = load_rules(rules_path("customers"))
        if task == "link":
            return link(left.drop("entity"), right.drop("entity"), rules)
        return dedupe(right.drop("entity"), rules)
    from bench.matching import splink_runner

    logging.disable(logging.WARNING)
    if task == "link":
        return splink_runner.link(left.drop("entity"), right.drop("entity"))
    return splink_runner.dedupe(right.drop("entity"))


def _cpu_seconds() -> float:
    """CPU time of this process, all threads (less sensitive to a busy machine than wall)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def worker(tool: str, task: str, folder: Path) -> dict[str, Any]:
    """Run one matcher on one data set in this process; return its figures."""
    left = pl.read_parquet(folder / "field.parquet")
    right = pl.read_parquet(folder / "erp.parquet")
    start, cpu_start = time.perf_counter(), _cpu_seconds()
    pairs = _run_tool(tool, task, left, right)
    seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu_start
    quality: Quality = (
        link_quality(pairs, left, right) if task == "link" else dedupe_quality(pairs, right)
    )
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_mib": peak_mib,
        "precision": quality.precision,
        "recall": quality.recall,
        "f1": quality.f1,
        "auto_precision": quality.auto_precision,
        "review": quality.review,
        "review_share": quality.review_share,
    }


def _child(tool: str, task: str, folder: Path, timeout: float) -> dict[str, Any] | str:
    cmd = [sys.executable, "-m", "bench.matching.run", "--worker", tool, task, str(folder)]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return f"did not finish in {timeout:.0f} s"
    if done.returncode != 0:
        tail = (done.stderr or "").strip().splitlines()[-1:] or [f"exit {done.returncode}"]
        return f"failed: {tail[0][:80]}"
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _row(size: int, tool: str, task: str, result: dict[str, Any] | str) -> str:
    head = f"| {size:>7,} | {tool:<9} | {task:<6} |"
    if isinstance(result, str):
        return f"{head} {result} |"
    return (
        f"{head} {result['precision']:.4f} | {result['recall']:.4f} | {result['f1']:.4f} | "
        f"{result['auto_precision']:.4f} | {result['review']:>5} ({result['review_share']:.1%}) | "
        f"{result['seconds']:>7.1f} | {result['cpu_seconds']:>7.1f} | {result['peak_mib']:>7,.0f} |"
    )


def main(argv: list[str] | None = None) -> int:
    """Print the benchmark table (markdown) for the chosen sizes and tools."""
    parser = argparse.ArgumentParser(prog="python -m bench matching", description=__doc__)
    parser.add_argument("--sizes", default="5000,10000,50000,100000")
    parser.add_argument("--tools", default=",".join(TOOLS))
    parser.add_argument("--tasks", default="link,dedupe")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per run")
    parser.add_argument(
        "--worker", nargs=3, metavar=("TOOL", "TASK", "DIR"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.worker:
        tool, task, folder = args.worker
        print(json.dumps(worker(tool, task, Path(folder))))
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    tools = [t for t in args.tools.split(",") if t]
    tasks = [t for t in args.tasks.split(",") if t]
    print(
        "| records per side | tool | task | precision | recall | F1 | auto precision "
        "| review (share) | wall s | CPU s | peak MiB |"
    )
    print("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="pixissync-bench-") as tmp:
        for size in sizes:
            folder = Path(tmp) / str(size)
            folder.mkdir()
            left, right = customers(size, seed=args.seed)
            left.write_parquet(folder / "field.parquet")
            right.write_parquet(folder / "erp.parquet")
            for task in tasks:
                for tool in tools:
                    result = _child(tool, task, folder, args.timeout)
                    print(_row(size, tool, task, result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

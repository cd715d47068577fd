"""Time and peak memory of ``budgetlod publish`` (the static site) over N disclosures.

    python bench/publish_bench.py [--count 1000] [--store PATH] [--jobs 2] [--repeat 3]

Builds a store of ``--count`` generated disclosures (or uses ``--store``, an existing one), then, ``--repeat``
times: publishes the whole site into a fresh folder (every disclosure rendered) and publishes it again into
the same folder (nothing changed: every disclosure kept). Reports the medians, the site's size, its largest
file, and the peak RSS of the publishing process and of its worker processes. Each publish runs in its own
``budgetlod publish`` process, so the figures are the command's as a user runs it.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path


def run(command: list[str]) -> tuple[float, int]:
    """Seconds, and the peak RSS (MB) of the largest process of the command (the publisher or a worker)."""
    code = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
        "s = time.perf_counter() - t\n"
        "c = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(s, c, r.returncode)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, *command], capture_output=True, text=True, check=True)
    seconds, peak, status = out.stdout.split()
    if status != "0":
        raise SystemExit(f"{' '.join(command)} exited {status}")
    return float(seconds), int(peak) // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--store", type=Path, help="An existing store (skips generating and ingesting).")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="budgetlod-publish-bench-"))
    budgetlod = [sys.executable, "-m", "budgetlod"]
    try:
        store = args.store
        if store is None:
            from budgetlod.testing.corpus import write_corpus

            write_corpus(work / "corpus", seed=11, count=args.count)
            store = work / "store"
            subprocess.run([*budgetlod, "ingest", str(work / "corpus"), "--store", str(store), "-q"], check=True)
        first: list[float] = []
        again: list[float] = []
        peaks: list[int] = []
        for n in range(args.repeat):
            site = work / f"site-{n}"
            command = [
                *budgetlod,
                "publish",
                "--store",
                str(store),
                "--out",
                str(site),
                "-q",
                "--base-url",
                "https://data.example.org/budgetlod/",
                "--jobs",
                str(args.jobs),
            ]
            seconds, peak = run(command)
            first.append(seconds)
            peaks.append(peak)
            seconds, peak = run(command)
            again.append(seconds)
            peaks.append(peak)
        files = [p for p in (work / "site-0").rglob("*") if p.is_file()]
        size = sum(p.stat().st_size for p in files)
        largest = max(files, key=lambda p: p.stat().st_size)
        disclosures = len(list((work / "site-0").rglob("*.jsonld"))) - 2  # less catalog.jsonld, the context
        print(f"# budgetlod publish, {date.today()}, {platform.node()}, {os.cpu_count()} CPUs, jobs {args.jobs}")
        print(
            f"disclosures: {disclosures}; site: {len(files)} files, {size / 1e6:.1f} MB; "
            f"largest {largest.relative_to(work / 'site-0')} {largest.stat().st_size / 1e6:.1f} MB"
        )
        print("| run | median s | runs | per disclosure ms |")
        print("|---|---|---|---|")
        for name, values in (("first publish (all rendered)", first), ("again, nothing changed", again)):
            median = statistics.median(values)
            runs = ", ".join(f"{v:.1f}" for v in values)
            print(f"| {name} | {median:.1f} | {runs} | {1000 * median / max(1, disclosures):.0f} |")
        print(
            f"peak RSS of one process (publisher or a worker): {max(peaks)} MB "
            f"(this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB)"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Time and peak memory of ``budgetlod publish`` (the static site) over N disclosures.

    python bench/publish_bench.py [--count 1000] [--store PATH] [--jobs 2] [--repeat 3]
                                  [--before CHECKOUT] [--stages N] [--first-only]

Builds a store of ``--count`` generated disclosures (or uses ``--store``, an existing one), then, ``--repeat``
times: publishes the whole site into a fresh folder (every disclosure rendered) and publishes it again into
the same folder (nothing changed: every disclosure kept). Reports the medians, the site's size, its largest
file, and the peak RSS of the publishing process and of its worker processes. Each publish runs in its own
``budgetlod publish`` process, so the figures are the command's as a user runs it.

``--before CHECKOUT`` (e.g. ``git worktree add /tmp/before HEAD``): the same runs with that checkout's code
(``PYTHONPATH``), alternating with this one's, side by side in one run. ``--stages N``: CPU milliseconds a
disclosure of each stage of rendering (publication graph, framing, JSON, Turtle, N-Quads, HTML page) over the
first N disclosures, in one process (for each code). ``--first-only``: leave out the second publish.
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
from typing import Any


def _code(code: Path | None) -> dict[str, Any]:
    """Run a child with ``code``'s budgetlod (default: this checkout's), from outside any checkout (a child's
    ``sys.path`` starts with its working folder)."""
    root = code if code is not None else Path(__file__).resolve().parent.parent
    return {"env": dict(os.environ, PYTHONPATH=str(root)), "cwd": tempfile.gettempdir()}


def run(command: list[str], code: Path | None = None) -> tuple[float, int]:
    """Seconds, and the peak RSS (MB) of the largest process of the command (the publisher or a worker);
    ``code``: a checkout whose ``budgetlod`` to run instead of this one's."""
    timer = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
        "s = time.perf_counter() - t\n"
        "c = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(s, c, r.returncode)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", timer, *command], capture_output=True, text=True, check=True, **_code(code)
    )
    seconds, peak, status = out.stdout.split()
    if status != "0":
        raise SystemExit(f"{' '.join(command)} exited {status}")
    return float(seconds), int(peak) // 1024


STAGES = """
import sys, time
from pathlib import Path
from pyoxigraph import Store
from budgetlod.formats import to_bytes
from budgetlod.publish import catalog, jsonld
from budgetlod.publish.render import Rendered, SiteLayout, page
from budgetlod.store.embedded import current_snapshot
store = Store.read_only(str(current_snapshot(Path(sys.argv[1]))))
infos = catalog.dataset_infos(store)[: int(sys.argv[2])]
layout = SiteLayout("https://w3id.org/budgetlod/id/", "https://data.example.org/budgetlod/", "x")
jsonld.disclosure_document(jsonld.publication_triples_from_store(store, infos[0].iri))  # set-up not timed
spent = dict.fromkeys(("graph", "frame", "json", "ttl", "nq", "html"), 0.0)
def timed(name, make):
    start = time.process_time()
    result = make()
    spent[name] += time.process_time() - start
    return result
for info in infos:
    triples = timed("graph", lambda: jsonld.publication_triples_from_store(store, info.iri))
    doc = timed("frame", lambda: jsonld.disclosure_document(triples))
    timed("json", lambda: jsonld.dumps(doc))
    timed("ttl", lambda: to_bytes(triples, "ttl"))
    timed("nq", lambda: to_bytes(triples, "nq"))
    timed("html", lambda: page(store, info, layout, Rendered(info.iri, ""), "c"))
print(" ".join(f"{k}={1000 * v / len(infos):.1f}" for k, v in spent.items()))
"""


def stages(store: Path, count: int, code: Path | None) -> dict[str, float]:
    """CPU ms a disclosure of each stage, in a fresh process running ``code`` (None: this checkout)."""
    out = subprocess.run(
        [sys.executable, "-c", STAGES, str(store), str(count)],
        capture_output=True,
        text=True,
        check=True,
        **_code(code),
    )
    return {k: float(v) for k, v in (item.split("=") for item in out.stdout.split())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--store", type=Path, help="An existing store (skips generating and ingesting).")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--before", type=Path, help="A checkout of the code to compare with (run alternately).")
    parser.add_argument("--stages", type=int, default=0, help="Time each stage over the first N disclosures.")
    parser.add_argument("--first-only", action="store_true", help="Only the first publish of each run.")
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
        codes: dict[str, Path | None] = {"this checkout": None}
        if args.before is not None:
            codes = {"before": args.before.resolve(), "after": None}
        first: dict[str, list[float]] = {name: [] for name in codes}
        again: dict[str, list[float]] = {name: [] for name in codes}
        peaks: list[int] = []
        for n in range(args.repeat):
            for name, code in codes.items():
                site = work / f"site-{name.replace(' ', '-')}-{n}"
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
                seconds, peak = run(command, code)
                first[name].append(seconds)
                peaks.append(peak)
                if not args.first_only:
                    seconds, peak = run(command, code)
                    again[name].append(seconds)
                    peaks.append(peak)
                if n or name != list(codes)[-1]:
                    shutil.rmtree(site, ignore_errors=True)  # keep the last one only (its size is reported)
        last = work / f"site-{list(codes)[-1].replace(' ', '-')}-0"
        files = [p for p in last.rglob("*") if p.is_file()]
        size = sum(p.stat().st_size for p in files)
        largest = max(files, key=lambda p: p.stat().st_size)
        disclosures = len(list(last.rglob("*.jsonld"))) - 2  # less catalog.jsonld, the context
        load = os.getloadavg()
        print(f"# budgetlod publish, {date.today()}, {platform.node()}, {os.cpu_count()} CPUs, jobs {args.jobs}")
        print(f"load average at the end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
        print(
            f"disclosures: {disclosures}; site: {len(files)} files, {size / 1e6:.1f} MB; "
            f"largest {largest.relative_to(last)} {largest.stat().st_size / 1e6:.1f} MB"
        )
        print("| code | run | median s | runs | per disclosure ms |")
        print("|---|---|---|---|---|")
        for name in codes:
            for label, values in (
                ("first publish (all rendered)", first[name]),
                ("again, nothing changed", again[name]),
            ):
                if values:
                    median = statistics.median(values)
                    runs = ", ".join(f"{v:.1f}" for v in values)
                    print(f"| {name} | {label} | {median:.1f} | {runs} | {1000 * median / max(1, disclosures):.0f} |")
        print(
            f"peak RSS of one process (publisher or a worker): {max(peaks)} MB "
            f"(this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB)"
        )
        if args.stages:
            print(f"CPU ms a disclosure, each stage, first {args.stages} disclosures, one process:")
            for name, code in codes.items():
                print(f"  {name}: {stages(store, args.stages, code)}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""``budgetlod publish``: the static site, hosted by a real HTTP server (python -m http.server) and crawled.

The store: the sample and 5 generated disclosures. The site is published with the base URL of the HTTP server
that then hosts it, so every link and download URL is fetched for real.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest
from paths import SAMPLE
from pyoxigraph import NamedNode, RdfFormat, Store, parse

from budgetlod.ingest.bulk import ingest
from budgetlod.publish.site import MANIFEST, publish_site
from budgetlod.testing.corpus import write_corpus

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_IRI = "https://w3id.org/budgetlod/id/disclosure/c694353348dbd08a/2024/unit-budget"
SAMPLE_PATH = "id/disclosure/c694353348dbd08a/2024/unit-budget"
DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"
LICENCE = "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("site-store")
    docs = folder / "docs"
    write_corpus(docs, seed=7, count=5)
    shutil.copy(SAMPLE, docs)
    shutil.copy(SAMPLE.with_suffix(".meta.json"), docs)
    summary = ingest([docs], folder / "store")
    assert len(summary.failed) == 0
    return folder / "store"


@pytest.fixture(scope="module")
def hosted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """An HTTP server over an (initially empty) folder: (base URL, folder)."""
    folder = tmp_path_factory.mktemp("site")
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120  # a generous ceiling: a busy machine starts Python slowly
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=5).close()
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, "the HTTP server did not start"
                time.sleep(0.1)
        yield base, folder
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def site(store: Path, hosted: tuple[str, Path]) -> tuple[str, Path, object]:
    base, folder = hosted
    summary = publish_site(store, folder, base, base_iri="https://w3id.org/budgetlod/id/", licence=LICENCE, jobs=2)
    return base, folder, summary


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return bytes(response.read())


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def test_first_publish_writes_every_file(site: tuple[str, Path, object]) -> None:
    _, folder, summary = site
    assert summary.disclosures == 6  # type: ignore[attr-defined]
    assert summary.rendered == 6 and summary.unchanged == 0  # type: ignore[attr-defined]
    assert summary.rerender_reason == "first publish into this folder"  # type: ignore[attr-defined]
    for name in (
        "index.html",
        "sitemap.xml",
        "catalog.ttl",
        "catalog.jsonld",
        "void.ttl",
        ".well-known/void",
        "context/v1.jsonld",
        "dump/budgetlod-0001.nq.gz",
    ):
        assert (folder / name).is_file(), name
    for suffix in (".jsonld", ".ttl", ".nq", ".html"):
        assert (folder / (SAMPLE_PATH + suffix)).is_file()
    assert max(p.stat().st_size for p in folder.rglob("*") if p.is_file()) <= 50_000_000


def test_crawler_finds_a_file_for_every_link(site: tuple[str, Path, object]) -> None:
    """Follow every link of every page (HTML href/src, sitemap <loc>) that stays on the site; each must fetch."""
    base, _, _ = site
    seen: set[str] = set()
    todo = [base + "index.html", base + "sitemap.xml"]
    fetched = 0
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        body = fetch(url)  # raises HTTPError 404 for a dangling link
        fetched += 1
        if url.endswith(".html"):
            parser = _Links()
            parser.feed(body.decode("utf-8"))
            targets = [urljoin(url, link) for link in parser.links]
        elif url.endswith(".xml"):
            targets = re.findall(r"<loc>([^<]+)</loc>", body.decode("utf-8"))
        else:
            targets = []
        for target in targets:
            target = target.split("#", 1)[0]
            if target.startswith(base) and target not in seen:
                todo.append(target)
    # index + sitemap + 6 pages + per page 3 data files + catalog (ttl, jsonld) + void + context + dump part
    assert fetched == 2 + 6 + 6 * 3 + 2 + 1 + 1 + 1


def test_catalogue_download_urls_resolve_to_files_with_matching_checksums(site: tuple[str, Path, object]) -> None:
    base, _, _ = site
    store = Store()
    store.load(fetch(base + "catalog.ttl"), format=RdfFormat.TURTLE)
    rows = list(
        store.query(
            f"""SELECT ?url ?size ?sum WHERE {{ ?d <{DCAT}downloadURL> ?url ; <{DCAT}byteSize> ?size ;
                   <{SPDX}checksum> [ <{SPDX}checksumValue> ?sum ] }}"""
        )
    )
    assert len(rows) == 6 * 4  # JSON-LD, Turtle, N-Quads and the observations' CSV per disclosure
    for row in rows:
        body = fetch(row["url"].value)  # type: ignore[union-attr]
        assert len(body) == int(row["size"].value)  # type: ignore[union-attr]
        assert hashlib.sha256(body).hexdigest() == row["sum"].value  # type: ignore[union-attr]


def test_the_dump_holds_every_graph_of_the_store(site: tuple[str, Path, object], store: Path) -> None:
    base, _, _ = site
    quads = list(parse(gzip.decompress(fetch(base + "dump/budgetlod-0001.nq.gz")), format=RdfFormat.N_QUADS))
    reader = Store.read_only(str((store / "current").resolve()))
    assert len(quads) == len(reader)
    assert {q.graph_name for q in quads} == set(reader.named_graphs())


def test_disclosure_page_embeds_schema_org_dataset(site: tuple[str, Path, object]) -> None:
    base, _, _ = site
    html = fetch(base + SAMPLE_PATH + ".html").decode("utf-8")
    block = re.search(r'<script type="application/ld\+json">\s*(.*?)\s*</script>', html, re.S)
    assert block is not None
    doc = json.loads(block.group(1))
    assert doc["@type"] == "Dataset" and doc["@id"] == SAMPLE_IRI
    assert doc["name"] == "乌鲁木齐市12345政务服务热线中心2024年单位预算公开"
    assert doc["temporalCoverage"] == "2024" and doc["datePublished"] == "2024-03-01"
    assert doc["license"] == LICENCE
    assert sorted(d["encodingFormat"] for d in doc["distribution"]) == [
        "application/ld+json",
        "application/n-quads",
        "text/turtle",
    ]
    assert "单位收支总体情况表" in html  # the tables are on the page


def test_republish_rewrites_nothing_when_nothing_changed(site: tuple[str, Path, object], store: Path) -> None:
    base, folder, _ = site
    before = {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST}
    # per disclosure 4 files and its Data Package (CSV, datapackage.json); context, dump, catalogue ×2, VoID ×2,
    # sitemap, index, the store's Data Package and its shared schema
    assert len(before) == 6 * (4 + 2) + 8 + 2
    again = publish_site(store, folder, base, base_iri="https://w3id.org/budgetlod/id/", licence=LICENCE)
    assert (again.rendered, again.unchanged, again.removed, again.site_kept) == (0, 6, 0, True)
    assert again.rerender_reason is None
    assert {p: p.stat().st_mtime_ns for p in before} == before  # not one file rewritten


def test_a_changed_renderer_rewrites_all_and_says_why(store: Path, tmp_path: Path) -> None:
    first = publish_site(
        store, tmp_path, "https://a.example/", base_iri="https://w3id.org/budgetlod/id/", licence=LICENCE
    )
    assert first.rendered == 6
    moved = publish_site(
        store, tmp_path, "https://b.example/", base_iri="https://w3id.org/budgetlod/id/", licence=LICENCE
    )
    assert (moved.rendered, moved.rerender_reason) == (6, "changed: base_url")
    manifest = json.loads((tmp_path / MANIFEST).read_text("utf-8"))
    assert manifest["fingerprint"]["base_url"] == "https://b.example/"
    assert len(manifest["disclosures"]) == 6


def test_a_large_catalogue_is_paged_with_hydra(store: Path, tmp_path: Path) -> None:
    summary = publish_site(
        store,
        tmp_path,
        "https://a.example/",
        base_iri="https://w3id.org/budgetlod/id/",
        licence=LICENCE,
        max_file_bytes=40_000,
    )
    assert summary.catalogue_pages > 1
    pages = [tmp_path / "catalog.ttl", *sorted((tmp_path / "catalog").glob("page-*.ttl"))]
    assert len(pages) == summary.catalogue_pages
    datasets: set[str] = set()
    for page in pages:
        assert page.stat().st_size <= 40_000
        graph = Store()
        graph.load(page.read_bytes(), format=RdfFormat.TURTLE)
        datasets |= {q.object.value for q in graph.quads_for_pattern(None, NamedNode(DCAT + "dataset"), None)}
        views = list(graph.quads_for_pattern(None, NamedNode("http://www.w3.org/ns/hydra/core#first"), None))
        assert views, f"{page.name} has no hydra:first"
    assert len(datasets) == 6


def test_cli_publish_refuses_a_relative_base_url(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from budgetlod.cli import main

    result = CliRunner().invoke(
        main, ["publish", "--store", str(tmp_path), "--out", str(tmp_path / "o"), "--base-url", "site/"]
    )
    assert result.exit_code == 2
    assert "[ERROR] --base-url 'site/': expected an absolute http(s) URL" in result.output


# --- issue 18: the count of files printed, and the index a new user reads ----------------------------------------

FINAL = ROOT / "tests" / "fixtures" / "budget-actual" / "wlmq-12345-hotline-2024-final-accounts.txt"
UNIT_IRI = "https://w3id.org/budgetlod/id/unit/c694353348dbd08a"


def budgetlod(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "budgetlod", *args], capture_output=True, text=True, timeout=300)


class _Cells(HTMLParser):
    """The rows of the index's table: each cell as (text, href of its link or None)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[tuple[str, str | None]]] = []
        self._cell: list[str] | None = None
        self._href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell, self._href = [], None
        elif tag == "a" and self._cell is not None and self._href is None:
            self._href = dict(attrs).get("href")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append((" ".join("".join(self._cell).split()), self._href))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """The example and its final accounts ingested and published with the command line, as a new user does."""
    folder = tmp_path_factory.mktemp("example-site")
    ingested = budgetlod("ingest", str(SAMPLE), str(FINAL), "--store", str(folder / "store"), "--quiet")
    assert ingested.returncode == 0, ingested.stderr
    out = folder / "site"
    published = budgetlod("publish", "--store", str(folder / "store"), "--out", str(out), "--base-url",
                          "https://example.org/budget/", "--quiet")
    assert published.returncode == 0, published.stderr
    return out, published


def test_publish_counts_the_files_it_leaves_in_the_folder(
    example_site: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    """Issue 18: "12 files" were printed and 13 written (the manifest was not counted)."""
    out, published = example_site
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) == 23  # per disclosure .html .jsonld .ttl .nq, CSV, datapackage.json (×2); 11 for the site
    assert (out / MANIFEST) in files
    assert published.stdout == (
        "2 disclosures: 2 written, 0 unchanged, 0 removed; catalogue in 1 page(s), dump in 1 part(s); "
        f"{len(files)} files in {out}\n"
    )


def test_the_index_lists_unit_year_kind_and_title(example_site: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    """Issue 18: the 预算单位 column showed the disclosure's title, the 文件类别 column the code ``unit-budget``."""
    out, _ = example_site
    parser = _Cells()
    parser.feed((out / "index.html").read_text("utf-8"))
    final, budget = "id/disclosure/c694353348dbd08a/2024/department-final", SAMPLE_PATH
    unit = ("乌鲁木齐市12345政务服务热线中心", UNIT_IRI)
    assert parser.rows == [
        [("预算单位", None), ("年度", None), ("文件类别", None), ("文件标题", None), ("其他格式", None)],
        [
            unit,
            ("2024", None),
            ("部门决算", None),
            ("乌鲁木齐市12345政务服务热线中心2024年部门决算公开", f"{final}.html"),
            ("jsonld ttl nq", f"{final}.jsonld"),
        ],
        [
            unit,
            ("2024", None),
            ("单位预算", None),
            ("乌鲁木齐市12345政务服务热线中心2024年单位预算公开", f"{budget}.html"),
            ("jsonld ttl nq", f"{budget}.jsonld"),
        ],
    ]
    assert '<p class="muted">公开文件数：2 · <a href="catalog.ttl">' in (out / "index.html").read_text("utf-8")


def test_two_workers_write_the_same_site_as_one(store: Path, tmp_path: Path) -> None:
    """With ``jobs`` 2 the dump is written by a worker while the other renders, and each disclosure's CSV and data
    package by the worker that renders it: the site is the same, file for file and byte for byte, as with one."""
    sites = {}
    for jobs in (1, 2):
        folder = tmp_path / f"jobs-{jobs}"
        publish_site(store, folder, "https://example.org/site/", base_iri="https://w3id.org/budgetlod/id/",
                     licence=LICENCE, jobs=jobs)
        sites[jobs] = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert sites[1].keys() == sites[2].keys() and len(sites[1]) == 47  # 6 disclosures × 6 files and the site's 11
    assert [name for name in sites[1] if sites[1][name] != sites[2][name]] == []
    assert any(name.startswith("dump/") for name in sites[2]) and any(n.endswith(".observations.csv") for n in sites[2])

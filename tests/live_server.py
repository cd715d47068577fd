"""A real server for tests: a store ingested from the sample and a small generated corpus, and
``budgetlod serve`` (uvicorn) on a free loopback port, started and stopped by the tests; ``get`` asks it for a path."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from paths import SAMPLE

from budgetlod.ingest.bulk import ingest
from budgetlod.testing.corpus import write_corpus

GENERATED = 20


@dataclass
class Answer:
    """An HTTP answer of a live server (headers with lower-case names)."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip()

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


@dataclass
class LiveServer:
    url: str  # http://127.0.0.1:PORT
    store: Path
    process: subprocess.Popen[bytes]
    log: Path


def get(server: Any, path: str, accept: str | None = None, **headers: str) -> Answer:
    request = urllib.request.Request(server.url + path)
    if accept is not None:
        request.add_header("Accept", accept)
    for name, value in headers.items():
        request.add_header(name.replace("_", "-"), value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Answer(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def build_store(folder: Path) -> Path:
    corpus = folder / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    write_corpus(corpus, seed=5, count=GENERATED)
    store = folder / "store"
    summary = ingest([SAMPLE, corpus], store)
    assert not summary.failed, [(o.path, o.error) for o in summary.failed]
    return store


@contextmanager
def running_server(
    store: Path | None,
    folder: Path,
    *,
    timeout: float = 3.0,
    row_limit: int = 1000,
    endpoint: str | None = None,
    environment: dict[str, str] | None = None,
) -> Iterator[LiveServer]:
    """``budgetlod serve`` over ``store``, or with ``endpoint`` over a remote store (``--endpoint``); ``environment``
    is added to the server's (a remote store's credentials)."""
    port = free_port()
    log = folder / f"server-{port}.log"
    env = {**os.environ, "BUDGETLOD_BASE_IRI": "https://w3id.org/budgetlod/id/", **(environment or {})}
    source = ["--endpoint", endpoint] if endpoint else ["--store", str(store)]
    command = [
        sys.executable,
        "-m",
        "budgetlod",
        "serve",
        *source,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--timeout",
        str(timeout),
        "--row-limit",
        str(row_limit),
        "--workers",
        "2",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited: {log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server did not answer /health in 60 s: {log.read_text(errors='replace')}")
            time.sleep(0.2)
        yield LiveServer(url, store or Path(), process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

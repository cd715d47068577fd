"""A real Virtuoso Open Source 7 for tests: its own configuration and temporary database directory, free
loopback ports, a writer user with SPARQL_UPDATE for ``/sparql-auth`` (digest), started, waited for,
stopped and removed by the tests.

``running_virtuoso(folder)`` yields a :class:`Virtuoso` (URLs, the writer's credentials as the
environment variables budgetlod reads, the log); ``virtuoso_missing()`` says why it cannot run here
(``virtuoso-t`` or ``isql-vt`` not installed: ``apt-get install virtuoso-opensource-7``).
"""

from __future__ import annotations

import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

VIRTUOSO = "virtuoso-t"
ISQL = ("isql-vt", "isql-v")  # the Debian name, the upstream name
VSP_ROOT = Path("/var/lib/virtuoso-opensource-7/vsp")  # the package's HTTP server root (not needed for /sparql)
START_SECONDS = 120.0
STOP_SECONDS = 30.0
WRITER = "budgetlod_writer"

INI = """\
; written by tests/virtuoso.py for one test run
[Database]
DatabaseFile       = {db}/virtuoso.db
ErrorLogFile       = {db}/virtuoso.log
LockFile           = {db}/virtuoso.lck
TransactionFile    = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {db}/virtuoso-temp.db
TransactionFile    = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort           = 127.0.0.1:{isql_port}
DisableUnixSocket    = 1
DisableTcpSocket     = 0
MaxClientConnections = 10
CheckpointInterval   = 60
O_DIRECT             = 0
CaseMode             = 2
DirsAllowed          = ., {db}
NumberOfBuffers      = {buffers}
MaxDirtyBuffers      = {dirty}
ThreadsPerQuery      = 2
AsyncQueueMaxThreads = 4
MaxQueryMem          = 500M
VADInstallDir        = /usr/share/virtuoso-opensource-7/vad/

[HTTPServer]
ServerPort           = 127.0.0.1:{http_port}
ServerRoot           = {root}
MaxClientConnections = 10
ServerThreads        = 10
MaxKeepAlives        = 10
KeepAliveTimeout     = 10
Charset              = UTF-8
EnabledGzipContent   = 0

[SPARQL]
ResultSetMaxRows           = {max_rows}
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime      = 60
"""


@dataclass
class Virtuoso:
    http: str  # http://127.0.0.1:PORT
    isql_port: int
    folder: Path
    process: subprocess.Popen[bytes]
    log: Path
    user: str
    password: str
    max_rows: int

    @property
    def sparql(self) -> str:
        """The anonymous query endpoint (read only)."""
        return f"{self.http}/sparql"

    @property
    def sparql_auth(self) -> str:
        """The authenticated endpoint (digest): queries and updates."""
        return f"{self.http}/sparql-auth"

    @property
    def gsp_auth(self) -> str:
        """The authenticated Graph Store Protocol endpoint (digest)."""
        return f"{self.http}/sparql-graph-crud-auth"

    @property
    def environment(self) -> dict[str, str]:
        """The writer's credentials as budgetlod reads them."""
        return {
            "BUDGETLOD_REMOTE_USER": self.user,
            "BUDGETLOD_REMOTE_PASSWORD": self.password,
            "BUDGETLOD_REMOTE_AUTH": "digest",
        }

    def isql(self, sql: str) -> str:
        """Run SQL statements as dba through isql; the output (raises when isql fails)."""
        script = self.folder / f"isql-{time.monotonic_ns()}.sql"
        script.write_text(sql, encoding="utf-8")
        result = subprocess.run(
            [isql_command(), f"127.0.0.1:{self.isql_port}", "dba", "dba", str(script)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if result.returncode != 0 or "*** Error" in result.stdout + result.stderr:
            raise RuntimeError(f"isql failed: {result.stdout}\n{result.stderr}")
        return result.stdout


def isql_command() -> str:
    for name in ISQL:
        found = shutil.which(name)
        if found:
            return found
    raise FileNotFoundError("isql-vt")


def virtuoso_missing() -> str | None:
    """Why Virtuoso cannot be started here, or None when it can."""
    if shutil.which(VIRTUOSO) is None:
        return f"{VIRTUOSO} is not installed (apt-get install virtuoso-opensource-7)"
    if not any(shutil.which(name) for name in ISQL):
        return "isql-vt is not installed (apt-get install virtuoso-opensource-7-bin)"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/sparql?query=ASK%7B%7D", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def running_virtuoso(folder: Path, *, max_rows: int = 10000, buffers: int = 10000) -> Iterator[Virtuoso]:
    """Virtuoso on free loopback ports with a new database in ``folder`` (removed afterwards).

    ``max_rows`` is [SPARQL] ResultSetMaxRows (10,000 as the Debian package ships it); ``buffers`` is
    NumberOfBuffers (8 KB pages: 10,000 = 80 MB; MaxDirtyBuffers is three quarters of it)."""
    missing = virtuoso_missing()
    if missing:
        raise RuntimeError(missing)
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "db"
    db.mkdir(exist_ok=True)
    root = VSP_ROOT if VSP_ROOT.is_dir() else db
    isql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(
        INI.format(db=db, isql_port=isql_port, http_port=http_port, root=root, max_rows=max_rows,
                   buffers=buffers, dirty=buffers * 3 // 4),
        encoding="utf-8",
    )
    log = folder / "virtuoso.out"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [VIRTUOSO, "+foreground", "+configfile", str(ini)],
            cwd=folder,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # our own process group: stopped without touching anyone else's
        )
    url = f"http://127.0.0.1:{http_port}"
    server = Virtuoso(url, isql_port, folder, process, log, WRITER, "bl-" + secrets.token_urlsafe(18), max_rows)
    try:
        deadline = time.monotonic() + START_SECONDS
        while not answers(url):
            if process.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited ({process.returncode}): {log.read_text(errors='replace')}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"virtuoso-t did not answer in {START_SECONDS:g} s: {log.read_text(errors='replace')}")
            time.sleep(0.25)
        server.isql(
            f"DB.DBA.USER_CREATE('{server.user}', '{server.password}');\n"
            f'GRANT SPARQL_UPDATE TO "{server.user}";\n'
        )
        yield server
    finally:
        stop(process)
        shutil.rmtree(folder, ignore_errors=True)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (Virtuoso checkpoints and exits), then SIGKILL after STOP_SECONDS."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_SECONDS)


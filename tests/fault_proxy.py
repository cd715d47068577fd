"""A tiny HTTP proxy in front of a real server that fails chosen requests, for the remote store's tests.

Each request is read whole, shown to a rule, and then passed on, or failed in one of these ways:

* ``PASS`` — forwarded, the server's answer returned;
* ``DROP`` — the connection closed without forwarding (the client sees a dropped connection);
* ``LOSE`` — forwarded (the server applies it), then the connection closed without the answer;
* ``"503"`` (any status as text) — answered with that status without forwarding.

``seen`` records every request (method, path, whether it carried credentials, the body) and what was done.
"""

from __future__ import annotations

import http.client
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

PASS, DROP, LOSE = "pass", "drop", "lose"
HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "proxy-connection"}


@dataclass
class Seen:
    method: str
    path: str
    authorised: bool  # carried an Authorization header (digest: the second request of each pair)
    body: bytes
    action: str = PASS

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


Rule = Callable[[Seen], str]


@dataclass
class FaultProxy:
    url: str  # http://127.0.0.1:PORT
    rule: Rule
    seen: list[Seen] = field(default_factory=list)

    def actions(self, action: str) -> list[Seen]:
        return [s for s in self.seen if s.action == action]


def counting(predicate: Callable[[Seen], bool], fail: Callable[[int], str]) -> Rule:
    """A rule that numbers the requests ``predicate`` picks (1, 2, …) and asks ``fail(n)`` what to do."""
    count = 0
    lock = threading.Lock()

    def rule(seen: Seen) -> str:
        nonlocal count
        if not predicate(seen):
            return PASS
        with lock:
            count += 1
            number = count
        return fail(number)

    return rule


@contextmanager
def fault_proxy(target: str, rule: Rule) -> Iterator[FaultProxy]:
    """A proxy on a free loopback port forwarding to ``target`` (http://host:port)."""
    parts = urlsplit(target)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    proxy = FaultProxy("", rule)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            seen = Seen(self.command, self.path, "Authorization" in self.headers, body)
            seen.action = proxy.rule(seen)
            proxy.seen.append(seen)
            if seen.action == DROP:
                self.close_connection = True
                return
            if seen.action not in (PASS, LOSE):
                self.send_response(int(seen.action))
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", "13")
                self.end_headers()
                self.wfile.write(b"injected fail")
                return
            upstream = http.client.HTTPConnection(host, port, timeout=120)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
            upstream.request(self.command, self.path, body=body or None, headers=headers)
            response = upstream.getresponse()
            answer = response.read()
            upstream.close()
            if seen.action == LOSE:
                self.close_connection = True
                return
            self.send_response_only(response.status, response.reason)  # the server's own Server/Date headers
            for key, value in response.getheaders():
                if key.lower() not in HOP_HEADERS:
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = _handle

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    proxy.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="fault-proxy", daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)

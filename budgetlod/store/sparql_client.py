"""HTTP for a remote SPARQL 1.1 store: query, update and Graph Store Protocol requests, with retries.

SPARQLWrapper composes the query and update requests (the query form, the ``query``/``update``
encodings, ``default-graph-uri``/``named-graph-uri``, the ``Accept`` header). They are sent with an
opener of this module's own, because SPARQLWrapper's digest authentication installs a process-wide
``urllib`` opener (``install_opener``) and its ``str()`` prints the password; here the credentials live
only in the per-request opener's password manager, never in a URL, a ``repr``, an error or a log.

Credentials come from the environment only (:meth:`Credentials.from_environment`):
``BUDGETLOD_REMOTE_USER``, ``BUDGETLOD_REMOTE_PASSWORD`` and ``BUDGETLOD_REMOTE_AUTH`` (``digest``, the
default, as Virtuoso's ``/sparql-auth`` requires, or ``basic``, sent with the first request).

A transient failure (no connection, a reset or dropped connection, a timeout, HTTP 429/502/503/504,
or a 500 that is not a refusal of the request itself) is retried with exponential backoff
(:class:`Retry`); anything else fails at once. Every error is an :class:`EndpointError` naming the URL.
"""

from __future__ import annotations

import http.client
import os
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import quote, urlsplit, urlunsplit

from SPARQLWrapper import POST, POSTDIRECTLY, URLENCODED, XML, SPARQLWrapper

from budgetlod.errors import BudgetlodError

USER_ENV = "BUDGETLOD_REMOTE_USER"
PASSWORD_ENV = "BUDGETLOD_REMOTE_PASSWORD"
AUTH_ENV = "BUDGETLOD_REMOTE_AUTH"
SCHEMES = ("digest", "basic")

GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
TRANSIENT_STATUS = frozenset({408, 429, 502, 503, 504})
MESSAGE_CHARS = 400  # how much of a server's error message an error repeats
_VIRTUOSO_STATE = re.compile(r"Virtuoso (\w{5}) Error")
_TAGS = re.compile(r"<[^>]+>")


class RemoteStoreError(BudgetlodError, RuntimeError):
    """A remote store could not be used; ``str()`` names the URL, never the credentials."""


class RemoteConfigError(RemoteStoreError):
    """The endpoints or the credentials given cannot be used (checked before any request)."""


class EndpointError(RemoteStoreError):
    """A request failed: the endpoint's URL, the HTTP status (None: no answer) and whether retrying may help."""

    def __init__(
        self, url: str, message: str, *, status: int | None = None, transient: bool = False, timed_out: bool = False
    ) -> None:
        super().__init__(f"{url}: {message}")
        self.url = url
        self.status = status
        self.transient = transient
        self.timed_out = timed_out  # no answer within the request's timeout
        self.attempts = 1


@dataclass(frozen=True, repr=False)
class Credentials:
    """A user and password for the update (and query) endpoints; ``repr`` shows neither."""

    user: str
    password: str = field(compare=False)
    scheme: str = "digest"  # digest or basic

    def __post_init__(self) -> None:
        if self.scheme not in SCHEMES:
            raise RemoteConfigError(f"{AUTH_ENV} must be one of {', '.join(SCHEMES)}, not {self.scheme!r}")

    def __repr__(self) -> str:
        return f"Credentials(scheme={self.scheme!r}, user=<hidden>, password=<hidden>)"

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Credentials | None:
        """The credentials of ``BUDGETLOD_REMOTE_USER``/``_PASSWORD``/``_AUTH``; None when neither is set."""
        env = os.environ if environ is None else environ
        user, password = env.get(USER_ENV, ""), env.get(PASSWORD_ENV)
        if not user and password is None:
            return None
        if not user or password is None:
            raise RemoteConfigError(f"set both {USER_ENV} and {PASSWORD_ENV} (or neither)")
        return cls(user, password, env.get(AUTH_ENV, "digest").strip().lower() or "digest")


@dataclass(frozen=True)
class Retry:
    """``attempts`` tries in all; the pause before the second is ``backoff`` seconds, doubled each time."""

    attempts: int = 4
    backoff: float = 0.5
    max_backoff: float = 30.0

    def pauses(self) -> Iterator[float]:
        pause = self.backoff
        for _ in range(max(1, self.attempts) - 1):
            yield min(pause, self.max_backoff)
            pause *= 2


@dataclass(frozen=True)
class Reply:
    url: str
    status: int
    headers: Message
    body: bytes

    @property
    def content_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()


def shown(url: str) -> str:
    """The URL as errors show it: any ``user:password@`` replaced."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc="<hidden>@" + parts.netloc.rpartition("@")[2]))


def check_url(url: str, what: str) -> str:
    """An http(s) URL without credentials in it (``RemoteConfigError`` otherwise)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RemoteConfigError(f"the {what} endpoint must be an http(s) URL, not {shown(url)!r}")
    if "@" in parts.netloc:
        raise RemoteConfigError(
            f"the {what} endpoint {shown(url)} has credentials in it: give them as {USER_ENV} and {PASSWORD_ENV}"
        )
    return url


def server_message(body: bytes) -> str:
    """The gist of an error answer: text without HTML tags, without the query Virtuoso repeats, cut short."""
    text = body.decode("utf-8", errors="replace")
    text = text.split("\nSPARQL query:", 1)[0]
    if "<" in text and ">" in text:
        text = _TAGS.sub(" ", text)
    text = " ".join(text.split())
    return text if len(text) <= MESSAGE_CHARS else text[: MESSAGE_CHARS - 1] + "…"


def transient_500(body: bytes) -> bool:
    """A 500 worth retrying: not one where Virtuoso names an SQL state other than a rollback (40xxx,
    deadlock), a connection (08xxx) or a timeout (S1T00); a 500 without a state is retried."""
    match = _VIRTUOSO_STATE.search(body[:2000].decode("utf-8", errors="replace"))
    return match is None or match.group(1).startswith(("40", "08", "S1T"))


def http_error(url: str, status: int, body: bytes) -> EndpointError:
    message = server_message(body)
    if status in (401, 403):
        hint = f"not authorised (HTTP {status}): check {USER_ENV}/{PASSWORD_ENV}/{AUTH_ENV} and the user's rights"
        return EndpointError(url, f"{hint}{': ' + message if message else ''}", status=status)
    if status == 404:
        return EndpointError(url, f"HTTP 404: no SPARQL endpoint at this URL{': ' + message if message else ''}",
                             status=status)
    if status == 413:
        return EndpointError(url, f"HTTP 413: the request is too large for the server (lower batch_bytes): {message}",
                             status=status)
    transient = status in TRANSIENT_STATUS or (status == 500 and transient_500(body))
    return EndpointError(url, f"HTTP {status}: {message or 'no message'}", status=status, transient=transient)


class SparqlClient:
    """Sends SPARQL query, update and GSP requests to one store's endpoints, retrying transient failures."""

    def __init__(
        self,
        query_url: str,
        *,
        update_url: str | None = None,
        gsp_url: str | None = None,
        credentials: Credentials | None = None,
        retry: Retry | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.query_url = check_url(query_url, "query")
        self.update_url = None if update_url is None else check_url(update_url, "update")
        self.gsp_url = None if gsp_url is None else check_url(gsp_url, "Graph Store Protocol")
        self._credentials = credentials
        self.retry = retry or Retry()
        self._sleep = sleep

    @property
    def auth(self) -> str | None:
        return None if self._credentials is None else self._credentials.scheme

    def __repr__(self) -> str:
        urls = f"query={self.query_url!r}, update={self.update_url!r}, gsp={self.gsp_url!r}"
        return f"SparqlClient({urls}, auth={self.auth!r})"

    # --- requests ----------------------------------------------------------------------------------

    def query_form(self, text: str) -> str:
        """SELECT, ASK, CONSTRUCT or DESCRIBE, as SPARQLWrapper reads the query."""
        return str(self._wrapper(text).queryType)

    def query(
        self,
        text: str,
        *,
        timeout: float,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
    ) -> Reply:
        """POST a query (form-encoded); SELECT/ASK ask for SPARQL results XML, CONSTRUCT/DESCRIBE for N-Triples."""

        def build() -> urllib.request.Request:
            wrapper = self._wrapper(text)
            wrapper.setRequestMethod(URLENCODED)
            wrapper.setReturnFormat(XML)
            for graph in default_graphs:
                wrapper.addDefaultGraph(graph)
            for graph in named_graphs:
                wrapper.addNamedGraph(graph)
            if wrapper.queryType in ("CONSTRUCT", "DESCRIBE"):
                wrapper.addCustomHttpHeader("Accept", GRAPH_ACCEPT)
            return wrapper._createRequest()  # SPARQLWrapper's request, sent by our opener

        return self._send(self.query_url, build, timeout)

    def update(self, text: str, *, timeout: float) -> Reply:
        """POST an update as ``application/sparql-update``."""
        if self.update_url is None:
            raise RemoteConfigError(f"{self.query_url}: no update endpoint was given")

        def build() -> urllib.request.Request:
            wrapper = self._wrapper(text)
            wrapper.setRequestMethod(POSTDIRECTLY)
            return wrapper._createRequest()

        return self._send(self.update_url, build, timeout)

    def put_graph(self, graph: str, ntriples: bytes, *, timeout: float) -> Reply:
        """Graph Store Protocol PUT of one named graph (N-Triples)."""
        if self.gsp_url is None:
            raise RemoteConfigError(f"{self.query_url}: no Graph Store Protocol endpoint was given")
        separator = "&" if "?" in self.gsp_url else "?"
        target = f"{self.gsp_url}{separator}graph={quote(graph, safe='')}"

        def build() -> urllib.request.Request:
            request = urllib.request.Request(target, data=ntriples, method="PUT")
            request.add_header("Content-Type", "application/n-triples")
            return request

        return self._send(self.gsp_url, build, timeout)

    # --- transport ---------------------------------------------------------------------------------

    def _wrapper(self, text: str) -> SPARQLWrapper:
        wrapper = SPARQLWrapper(self.query_url, updateEndpoint=self.update_url or self.query_url)
        wrapper.setMethod(POST)
        wrapper.setQuery(text)
        return wrapper

    def _digest(self) -> urllib.request.HTTPDigestAuthHandler | None:
        """A fresh digest handler (it keeps per-request state), or None without digest credentials."""
        credentials = self._credentials
        if credentials is None or credentials.scheme != "digest":
            return None
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        for url in (self.query_url, self.update_url, self.gsp_url):
            if url:
                manager.add_password(None, url, credentials.user, credentials.password)
        return urllib.request.HTTPDigestAuthHandler(manager)

    def _opener(self, digest: urllib.request.HTTPDigestAuthHandler | None) -> urllib.request.OpenerDirector:
        """An opener for one request; no global install."""
        credentials = self._credentials
        if credentials is not None and credentials.scheme == "basic":
            prior = urllib.request.HTTPPasswordMgrWithPriorAuth()
            for url in (self.query_url, self.update_url, self.gsp_url):
                if url:
                    prior.add_password(None, url, credentials.user, credentials.password, is_authenticated=True)
            return urllib.request.build_opener(urllib.request.HTTPBasicAuthHandler(prior))
        return urllib.request.build_opener(digest) if digest else urllib.request.build_opener()

    @staticmethod
    def _authorise(request: urllib.request.Request, digest: urllib.request.HTTPDigestAuthHandler,
                   timeout: float) -> None:
        """Digest credentials for ``request`` before its body is sent: a HEAD to the endpoint fetches the
        challenge. (urllib would send the body unauthenticated first, and Virtuoso answers a large PUT's 401
        and closes the connection before reading it: a broken pipe.) A server that asks for nothing, or not
        for digest, gets the request as it is."""
        parts = urlsplit(request.full_url)
        probe = urllib.request.Request(urlunsplit(parts._replace(query="", fragment="")), method="HEAD")
        try:
            with urllib.request.build_opener().open(probe, timeout=timeout):
                return
        except urllib.error.HTTPError as exc:
            challenge = exc.headers.get("WWW-Authenticate") or ""
            if exc.code != 401 or not challenge.lower().startswith("digest "):
                return
        fields = urllib.request.parse_keqv_list([f for f in urllib.request.parse_http_list(challenge[7:]) if f])
        answer = digest.get_authorization(request, fields)
        if answer:
            request.add_unredirected_header("Authorization", f"Digest {answer}")

    def _send(self, url: str, build: Callable[[], urllib.request.Request], timeout: float) -> Reply:
        pauses = self.retry.pauses()
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._open_once(url, build(), timeout)
            except EndpointError as exc:
                pause = next(pauses, None) if exc.transient else None
                if pause is None:
                    exc.attempts = attempt
                    if attempt > 1:
                        exc.args = (f"{exc.args[0]} (after {attempt} attempts)",)
                    raise
                self._sleep(pause)

    def _open_once(self, url: str, request: urllib.request.Request, timeout: float) -> Reply:
        digest = self._digest()
        try:
            if digest is not None:
                self._authorise(request, digest, timeout)
            with self._opener(digest).open(request, timeout=timeout) as response:
                return Reply(url, response.status, response.headers, response.read())
        except urllib.error.HTTPError as exc:
            try:
                body = exc.read()
            except (OSError, http.client.HTTPException):
                body = b""
            raise http_error(url, exc.code, body) from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError):
                raise EndpointError(url, f"no answer within {timeout:g} s", transient=True,
                                    timed_out=True) from None
            raise EndpointError(url, f"cannot connect: {reason}", transient=True) from None
        except TimeoutError:
            raise EndpointError(url, f"no answer within {timeout:g} s", transient=True, timed_out=True) from None
        except (http.client.HTTPException, ConnectionError) as exc:
            what = type(exc).__name__
            raise EndpointError(url, f"the connection failed ({what}: {exc})", transient=True) from None
        except ValueError as exc:  # urllib refuses the URL
            raise EndpointError(url, f"cannot send the request: {exc}") from None


__all__ = [
    "AUTH_ENV",
    "PASSWORD_ENV",
    "USER_ENV",
    "Credentials",
    "EndpointError",
    "RemoteConfigError",
    "RemoteStoreError",
    "Reply",
    "Retry",
    "SparqlClient",
]

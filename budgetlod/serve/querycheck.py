"""What a query text asks for, found by reading its tokens as Oxigraph's parser would, before it is run.

pyoxigraph parses and runs in one call and exposes no algebra, so the endpoint reads the query's tokens itself
(SPARQL 1.1, section 19.8): comments, string literals (the four quote forms, with escapes), IRI references,
variables, language tags and numbers are whole tokens; what is left are *names*: maximal runs of name characters
(letters, digits, ``_ - . :``, ``%`` and ``\\``), which are keywords, prefixed names or blank node labels.

Oxigraph's parser is a PEG: it matches a keyword case-insensitively *without* a word boundary, so it reads
``SERVICE:x`` as ``SERVICE :x``, ``SERVICEex:x`` as ``SERVICE ex:x``, ``SERVICESILENT:x`` as ``SERVICE SILENT :x``
and ``FROM:g`` as ``FROM :g`` (each measured: the first three fetch from the IRI). The check is therefore
conservative, and over-reports rather than misses:

* **SERVICE**: a bare name whose dot-separated part begins with ``SERVICE`` (``true.SERVICE`` is ``true . SERVICE``);
  or a prefixed name whose prefix begins with ``SERVICE`` where a graph pattern may begin (after ``{ } . )`` —
  there ``service:x { … }`` is read as ``SERVICE :x``; as a subject, predicate or object it is a prefixed name).
* **FROM** (a dataset clause): a name beginning with ``FROM`` outside every ``{ }`` and ``( )``.
* **Update** keywords: bare names, exactly (pyoxigraph's query parser refuses updates anyway; this is for the message).

Two readings are checked: the text as sent and the text with ``\\uXXXX``/``\\UXXXXXXXX`` escapes decoded (the
SPARQL spec applies them before parsing; Oxigraph 0.5 does not, other stores do). Where unsure (an unterminated
string, an odd character) the scanner treats the character as punctuation and goes on, so a keyword is never hidden
inside something the parser reads as code. Every pattern is possessive: the scan is linear in the text's length
(a 1 MB body is checked in well under a second, ``tests/test_hardening_serve.py``), and it runs off the event loop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from multiprocessing.connection import Connection

_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PN_LOCAL_ESC = r"\\[_~.\-!$&'()*+,;=/?#@%]"  # ex:a\'b is one name: its quote opens no string

_TOKEN = re.compile(
    "|".join(
        [
            r"(?P<ws>\s++)",
            r"(?P<comment>#[^\n\r]*+)",
            # an unterminated string runs to the end of its line (short) or of the text (long): Oxigraph refuses
            # it, and the scan stays linear (a failed scan that started again at each quote would be quadratic)
            r"(?P<string>'''(?:(?:''|')?+(?:[^'\\]|\\.))*+(?:'''|\Z)"
            r'|"""(?:(?:""|")?+(?:[^"\\]|\\.))*+(?:"""|\Z)'
            r"|'(?:[^'\\\n\r]|\\.)*+'?"
            r'|"(?:[^"\\\n\r]|\\.)*+"?)',
            r"(?P<iri><[^<>\"{}|^`\\\x00-\x20]*+>)",
            f"(?P<var>[?$][{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*+)",
            r"(?P<lang>@[A-Za-z]++(?:-[A-Za-z0-9]++)*+)",
            r"(?P<number>[0-9]++)",
            f"(?P<name>[{_PN_CHARS_U}:](?:[{_PN_CHARS}.:%]|{_PN_LOCAL_ESC})*+)",
            r"(?P<other>.)",
        ]
    ),
    re.DOTALL,
)

QUERY_FORMS = {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "graph", "DESCRIBE": "graph"}
# Keywords of SPARQL 1.1 Update that are no keyword (nor built-in function) of the query language.
UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
_PATTERN_START = {"{", "}", ".", ")"}  # after these a graph pattern (SERVICE …) may begin

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True)
class QueryCheck:
    kind: str | None  # select / ask / graph, from the query form; None when none was found
    update: str | None  # the first SPARQL Update keyword, if any
    service: bool  # SERVICE appears (federated query), in any spelling the parser reads as SERVICE
    dataset: bool  # FROM / FROM NAMED: the query names its own dataset


@dataclass
class _Reading:
    kind: str | None = None
    update: str | None = None
    service: bool = False
    dataset: bool = False


def _read(text: str) -> _Reading:
    """One pass over the tokens of ``text``."""
    found = _Reading()
    kind_seen = False
    depth = 0  # { } and ( ) nesting
    previous = "{"  # the last significant token: the query's start counts as a pattern start for SERVICE
    for match in _TOKEN.finditer(text):
        group = match.lastgroup
        if group in ("ws", "comment"):
            continue
        token = match.group()
        if group == "other":
            if token in "{(":
                depth += 1
            elif token in "})":
                depth = max(0, depth - 1)
        elif group == "name":
            _name(token.rstrip("."), previous, depth, found)
            if not kind_seen and ":" not in token:
                word = token.upper()
                if word not in ("PREFIX", "BASE"):
                    kind_seen = True
                    found.kind = QUERY_FORMS.get(word)
            if token.endswith("."):
                token = "."
        previous = token
    return found


def _name(name: str, previous: str, depth: int, found: _Reading) -> None:
    if not name:
        return
    upper = name.upper()
    if ":" in name:
        prefix = upper.partition(":")[0]
        if prefix == "_":  # a blank node label
            return
        if prefix.startswith("SERVICE") and previous in _PATTERN_START:
            found.service = True
        if prefix.startswith("FROM") and depth == 0:
            found.dataset = True
        return
    for word in upper.split("."):
        if word.startswith("SERVICE"):
            found.service = True
        if word.startswith("FROM") and depth == 0:
            found.dataset = True
        if word in UPDATE_KEYWORDS and found.update is None:
            found.update = word


def _unescape(text: str) -> str:
    def decode(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group()

    return _ESCAPE.sub(decode, text)


def words(text: str) -> list[str]:
    """The bare names of a query (keywords and the like), upper-cased, in order."""
    return [
        word
        for match in _TOKEN.finditer(text)
        if match.lastgroup == "name" and ":" not in match.group()
        for word in match.group().upper().split(".")
        if word
    ]


def check(text: str) -> QueryCheck:
    """What the query asks for (see the module's documentation); linear in the length of ``text``."""
    readings = [_read(text)]
    if _ESCAPE.search(text):
        readings.append(_read(_unescape(text)))
    return QueryCheck(
        kind=readings[0].kind,
        update=next((r.update for r in readings if r.update is not None), None),
        service=any(r.service for r in readings),
        dataset=any(r.dataset for r in readings),
    )


def parse_loop(conn: Connection) -> None:
    """A child process that parses queries with pyoxigraph for a server over a remote store
    (:class:`budgetlod.serve.remote_backend.SyntaxChecker`): says "ready", then receives a query text and answers
    pyoxigraph's syntax error message, or None when the query parses. pyoxigraph parses and evaluates in one call,
    on an empty store here, and evaluates some queries at once (an aggregate over VALUES alone, MINUS): the parent
    kills this process when an answer is late. Light on imports, so that it starts quickly. It has no network
    (:func:`budgetlod.serve.isolation.isolate`): a SERVICE the checks missed cannot fetch from here either."""
    import signal

    from budgetlod.serve.isolation import isolate

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the server stops us
    isolate()
    from pyoxigraph import Store

    empty = Store()
    conn.send(("ready", None))
    while True:
        try:
            text = conn.recv()
        except (EOFError, OSError):
            return
        if text is None:
            return
        try:
            empty.query(text)
            message = None
        except SyntaxError as exc:
            message = str(exc)
        except Exception:  # an evaluation error is not a syntax error
            message = None
        try:
            conn.send(message)
        except (BrokenPipeError, OSError):
            return

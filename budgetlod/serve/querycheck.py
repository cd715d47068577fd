"""What a query text asks for, found by tokenizing it, before it is run.

pyoxigraph parses and runs in one call and exposes no algebra, so the endpoint reads the query's
*tokens* itself, following the SPARQL 1.1 grammar's lexical rules (section 19.8): comments,
string literals (the four quote forms, with escapes), IRI references, variables, prefixed names,
blank node labels and language tags are recognised as whole tokens first; a keyword is only a bare
word token left over. So ``"SERVICE"`` in a string, ``# LOAD`` in a comment, ``<http://x/service>``,
``?service``, ``ex:load`` or ``@service`` never count, while ``SERVICE<http://…>{…}`` without spaces
and ``sErViCe`` do. Two readings are checked: the text as sent and the text with ``\\uXXXX`` and
``\\UXXXXXXXX`` escapes decoded (the SPARQL spec applies them before parsing; some Oxigraph builds
do), and a query is refused if either reading shows a refused keyword.

The tokenizer only needs to be *conservative*: where it is unsure (an unterminated string, an odd
character) it treats the character as punctuation and keeps scanning, so a keyword can be
over-reported (the query is refused) but never hidden inside something the parser reads as code.
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
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = f"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"

_TOKEN = re.compile(
    "|".join(
        [
            r"(?P<ws>\s+)",
            r"(?P<comment>#[^\n\r]*)",
            r"(?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''"
            r'|"""(?:(?:"|"")?(?:[^"\\]|\\.))*"""'
            r"|'(?:[^'\\\n\r]|\\.)*'"
            r'|"(?:[^"\\\n\r]|\\.)*")',
            r"(?P<iri><[^<>\"{}|^`\\\x00-\x20]*>)",
            f"(?P<var>[?$][{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*)",
            f"(?P<bnode>_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)",
            f"(?P<pname>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)",
            r"(?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)",
            r"(?P<word>[A-Za-z_][A-Za-z0-9_]*)",
            r"(?P<other>.)",
        ]
    ),
    re.DOTALL,
)

QUERY_FORMS = {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "graph", "DESCRIBE": "graph"}
# Keywords of SPARQL 1.1 Update that are no keyword (nor built-in function) of the query language.
UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def words(text: str) -> list[str]:
    """The bare word tokens of a query, upper-cased, in order."""
    found: list[str] = []
    for match in _TOKEN.finditer(text):
        if match.lastgroup == "word":
            found.append(match.group().upper())
    return found


def _unescape(text: str) -> str:
    def decode(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group()

    return _ESCAPE.sub(decode, text)


@dataclass(frozen=True)
class QueryCheck:
    kind: str | None  # select / ask / graph, from the query form; None when none was found
    update: str | None  # the first SPARQL Update keyword, if any
    service: bool  # SERVICE appears (federated query)
    dataset: bool  # FROM / FROM NAMED: the query names its own dataset


def parse_loop(conn: Connection) -> None:
    """A child process that parses queries with pyoxigraph for a server over a remote store
    (:class:`budgetlod.serve.remote_backend.SyntaxChecker`): says "ready", then receives a query text and answers
    pyoxigraph's syntax error message, or None when the query parses. pyoxigraph parses and evaluates in one call,
    on an empty store here, and evaluates some queries at once (an aggregate over VALUES alone, MINUS): the parent
    kills this process when an answer is late. Light on imports, so that it starts quickly."""
    import signal

    from pyoxigraph import Store

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the server stops us
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


def check(text: str) -> QueryCheck:
    readings = [words(text)]
    if _ESCAPE.search(text):
        readings.append(words(_unescape(text)))
    kind: str | None = None
    for word in readings[0]:
        if word not in ("PREFIX", "BASE"):
            kind = QUERY_FORMS.get(word)
            break
    update = next((w for reading in readings for w in reading if w in UPDATE_KEYWORDS), None)
    service = any("SERVICE" in reading for reading in readings)
    dataset = any("FROM" in reading for reading in readings)
    return QueryCheck(kind=kind, update=update, service=service, dataset=dataset)

"""Every setting in one declarative table, with its default and help.

A setting is read from the environment as ``BUDGETLOD_<NAME>`` (upper case)
when set, else its default, and has the type of its default (bool, int, float,
str). A value of the wrong type is a :class:`SettingError` (exit code 2, one
line naming the variable); the command line checks every setting before a
command runs (:func:`check_all`).  ``budgetlod settings`` prints the table;
``docs/settings.md`` documents it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from budgetlod.errors import BudgetlodError

Value = bool | int | float | str

TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off")


class SettingError(BudgetlodError):
    """A setting's environment variable holds a value of the wrong type: ``setting port: BUDGETLOD_PORT='abc' is
    not an integer``."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: Value
    help: str

    @property
    def env(self) -> str:
        return f"BUDGETLOD_{self.name.upper()}"


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "base_iri",
        "https://w3id.org/budgetlod/id/",
        "Base of every data IRI (units, disclosures, tables, observations); must end with '/'. See docs/model.md.",
    ),
    Setting(
        "store_path",
        "budgetlod-store",
        "Folder of the embedded Oxigraph store (created by ingest; relative to the working directory).",
    ),
    Setting("host", "127.0.0.1", "Address the server listens on (serve --host)."),
    Setting("port", 8000, "Port the server listens on (serve --port)."),
    Setting(
        "query_timeout",
        30.0,
        "Seconds a SPARQL query may run; then it is stopped and answered with an error (503).",
    ),
    Setting(
        "row_limit",
        10000,
        "Most result rows (or triples) a query answers; a truncated answer says so (header X-Result-Truncated).",
    ),
    Setting(
        "query_workers",
        2,
        "Worker processes that run SPARQL queries in their first slow_query_seconds (each can be stopped at the "
        "timeout; no network, memory capped by worker_memory_bytes). See docs/security.md.",
    ),
    Setting(
        "long_queries",
        2,
        "Queries that may run past slow_query_seconds at once, each in a worker of its own at the lowest CPU "
        "priority, so that the query_workers stay free for new queries (a long query past this number keeps its "
        "worker). 0: none set apart.",
    ),
    Setting("slow_query_seconds", 1.0, "Seconds after which a running query counts as long (see long_queries)."),
    Setting(
        "query_queue",
        8,
        "SPARQL and named-query requests that may wait for a worker; past query_workers + long_queries + this "
        "number a request is refused at once with 503 and Retry-After.",
    ),
    Setting(
        "client_queries",
        2,
        "SPARQL and named-query requests one client address may have running or waiting at once; more get 429 "
        "with Retry-After (behind a proxy, run uvicorn with its forwarded-allow-ips so the address is the client's).",
    ),
    Setting(
        "worker_memory_bytes",
        2 * 1024 * 1024 * 1024,
        "Memory (data segment: heap and anonymous mappings) each query worker may use; a query that needs more is "
        "stopped (503) and its worker replaced. 0: no cap.",
    ),
    Setting(
        "answer_bytes",
        32 * 1024 * 1024,
        "Largest answer body a query returns; a larger answer is cut to the rows that fit and flagged like the row "
        "limit (header X-Result-Truncated: true, X-Answer-Byte-Limit).",
    ),
    Setting(
        "result_cache_bytes",
        64 * 1024 * 1024,
        "Bytes of query answers the server keeps per store snapshot, so that a repeated query (same text, format, "
        "limits) is answered without evaluating it again; dropped when an ingest publishes a new snapshot. "
        "0: no cache.",
    ),
    Setting("max_request_bytes", 1048576, "Largest request body (a POSTed query); larger ones get 413."),
    Setting("cors", True, "Allow cross-origin GET/POST from any origin, without credentials (true/false)."),
    Setting(
        "public_base_url",
        "",
        "URL the server is reached at, for links and the service description (default: taken from the request).",
    ),
    Setting(
        "max_input_bytes",
        10 * 1024 * 1024,
        "Largest input file the parser reads; larger files are refused before reading (one disclosure is ~50 KB).",
    ),
    Setting(
        "max_span",
        100,
        "Largest colspan/rowspan of an HTML table cell; a larger one is read as this many (finding P210). "
        "The widest standard table has 16 columns.",
    ),
    Setting(
        "max_table_cells",
        20000,
        "Most cells (rows × columns, after colspan/rowspan) one table may have; a larger table is not read "
        "(finding P211). A disclosure's tables have ~200 to ~2,000 cells; 20,000 is 1,250 rows of 16 columns.",
    ),
    Setting(
        "max_file_cells",
        50000,
        "Most table cells one file may have over all its tables; the tables past it are not read (finding P212). "
        "This bounds what the later stages cost: converting a file of 50,000 cells takes up to ~1.2 GB.",
    ),
    Setting(
        "max_findings",
        500,
        "Most findings the parser (and the mapper) reports for one file; the rest are counted by code in one "
        "finding (P007).",
    ),
    Setting(
        "file_seconds",
        60.0,
        "Seconds parse, convert, validate, export or ingest may spend on one file; then the file is given up with "
        "exit code 2 (ingest: the file fails, the run goes on; a disclosure takes ~1 s). 0: no limit.",
    ),
    Setting(
        "file_memory_bytes",
        1024 * 1024 * 1024,
        "Memory (data segment: heap and anonymous mappings) each ingest worker process may use; a file that needs "
        "more fails (status failed, exit code 2) and the run goes on (a disclosure needs ~60 MB). 0: no cap.",
    ),
    Setting(
        "data_licence",
        "http://www.opendefinition.org/licenses/cc-by",
        "Licence of the published data (an IRI): dct:license of the catalogue, its datasets and distributions, "
        "and of the VoID description. The default is CC BY as CKAN's licence register knows it (a harvesting "
        "portal fills in the licence); a portal that uses the EU licence table wants "
        "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0. See docs/dcat-ap.md.",
    ),
    Setting(
        "catalog_publisher",
        "https://w3id.org/budgetlod/catalog#publisher",
        "IRI of the agent publishing the DCAT catalogue, the SPARQL service and the VoID description "
        "(each disclosure's publisher is its budget unit).",
    ),
    Setting("catalog_publisher_name", "budgetlod", "Name (foaf:name) of the catalogue's publisher."),
    Setting(
        "catalog_publisher_type",
        "",
        "ADMS publisher type of the catalogue's publisher (dct:type), e.g. "
        "http://purl.org/adms/publishertype/LocalAuthority; empty: not stated.",
    ),
    Setting(
        "catalog_contact",
        "",
        "Contact point of the catalogue and its datasets: a mailto: address or a web page "
        "(empty: the site's home page).",
    ),
    Setting(
        "data_dumps",
        "",
        "Space-separated URLs of full dumps of the served data (e.g. the dump/*.nq.gz files budgetlod publish "
        "wrote), announced as void:dataDump at /.well-known/void; empty: none announced.",
    ),
)


def parse_value(item: Setting, raw: str) -> Value:
    """``raw`` (an environment variable's text) as a value of the setting's type, or :class:`SettingError`."""
    text = raw.strip()
    problem = f"setting {item.name}: {item.env}={raw!r} is not"
    if isinstance(item.default, bool):
        if text.lower() in TRUE:
            return True
        if text.lower() in FALSE:
            return False
        raise SettingError(f"{problem} true or false ({'/'.join(TRUE)} or {'/'.join(FALSE)})")
    if isinstance(item.default, int):
        try:
            return int(text)
        except ValueError:
            raise SettingError(f"{problem} an integer") from None
    if isinstance(item.default, float):
        try:
            value = float(text)
        except ValueError:
            raise SettingError(f"{problem} a number") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise SettingError(f"{problem} a finite number")
        return value
    return raw


def setting(name: str) -> Value:
    """The setting's value: its environment variable read as the setting's type, else its default."""
    for item in SETTINGS:
        if item.name == name:
            raw = os.environ.get(item.env)
            return item.default if raw is None else parse_value(item, raw)
    raise KeyError(name)


def shown(value: Value) -> str:
    """A value as ``budgetlod settings`` and docs/settings.md show it: ``true``, ``8000``, ``30.0``, ``'text'``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def type_name(item: Setting) -> str:
    """``bool``, ``int``, ``float`` or ``str``: the type a setting's value has."""
    return type(item.default).__name__


def check_all() -> None:
    """Read every setting: the first one whose environment variable has the wrong type raises
    :class:`SettingError`."""
    for item in SETTINGS:
        setting(item.name)

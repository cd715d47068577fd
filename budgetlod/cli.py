"""The command line: one command per stage, thin over the library.

Data goes to stdout, diagnostics to stderr as ``[SEVERITY] file:line message``.
Exit codes: 0 ok, 1 violations (``--strict``: warnings count too), 2 cannot run
(unreadable input, not a regular file, not a disclosure, past the time limit
file_seconds, bad usage), 3 internal error (a bug: ``FILE: internal error: …
(please report)``, no traceback; :mod:`budgetlod.boundary`). With several files
(validate) every file is checked and the worst code wins: 3, then 2, then 1.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

import click
import rdflib

from budgetlod import __version__, pipeline
from budgetlod.boundary import FileFailed, exit_on_failure, run_file
from budgetlod.errors import EXIT_CANNOT_RUN, EXIT_INTERNAL, EXIT_OK, EXIT_VIOLATIONS, BudgetlodError
from budgetlod.findings import format_finding
from budgetlod.formats import QUAD_FORMATS, RDF_FORMATS, to_bytes
from budgetlod.ingest.bulk import FileOutcome
from budgetlod.ingest.bulk import ingest as ingest_paths
from budgetlod.model import Disclosure, Finding
from budgetlod.parse.document import parse_files
from budgetlod.pipeline import Converted
from budgetlod.prefixes import iri
from budgetlod.publish.render import Rendered
from budgetlod.rdf.vocabulary import vocabulary_quads
from budgetlod.serialize import disclosure_json, summary
from budgetlod.settings import SETTINGS, check_all, setting, shown
from budgetlod.store.embedded import StoreError


class Main(click.Group):
    """The command group: an error a user can act on (:class:`~budgetlod.errors.BudgetlodError`) raised by any
    command ends it here, as one ``[ERROR] message`` line and the error's exit code, never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except BudgetlodError as exc:
            click.echo(f"[ERROR] {exc}", err=True)
            sys.exit(exc.exit_code)


@click.group(cls=Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="budgetlod")
def main() -> None:
    """budgetlod — Chinese public budget disclosures as linked open data.

    Settings come from BUDGETLOD_* environment variables (budgetlod settings); one of the wrong type stops every
    command with exit code 2. Exit codes: 0 ok, 1 violations, 2 cannot run, 3 internal error (please report).
    """
    check_all()  # a BUDGETLOD_* variable of the wrong type: one [ERROR] line, exit 2 (Main.invoke)


def _setting_default(name: str) -> str:
    """How ``--help`` shows an option's default that is a setting: ``BUDGETLOD_PORT or 8000`` (the table's
    default, not the environment's value: reading it may fail)."""
    item = next(i for i in SETTINGS if i.name == name)
    return f"{item.env} or {item.default}"


def _store_option(help_text: str = "Store folder.") -> Callable[[Callable[..., None]], Callable[..., None]]:
    """``--store``, the same on every command that reads or fills the store: its default the setting store_path."""
    return click.option(
        "--store",
        "store_path",
        type=click.Path(path_type=Path, file_okay=False),
        show_default=_setting_default("store_path"),
        help=help_text,
    )


def _named(files: tuple[Path, ...]) -> str:
    """How a disclosure read from these files is named in messages: ``a.pdf+b.pdf``."""
    return "+".join(str(f) for f in files)


def _disclosure_files(argument: str) -> list[Path]:
    """One argument naming one disclosure: a file, or its files joined by ``+`` (``a-text.pdf+a-tables.pdf``)
    when no file has that whole name (:func:`budgetlod.ingest.groups.split`)."""
    from budgetlod.ingest.groups import split

    return split(argument)


@main.command(short_help="Parse a disclosure and print what it holds.")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the parsed model as JSON (docs/parse-json.md).")
@click.option("--strict", is_flag=True, help="Exit 1 when the parser reports any warning.")
@click.option("--quiet", "-q", is_flag=True, help="Do not print info-level findings on stderr.")
def parse(files: tuple[Path, ...], as_json: bool, strict: bool, quiet: bool) -> None:
    """Parse one disclosure into the typed model: a text, PDF, Word, Excel or HTML file, or several files read
    as one disclosure in the order given (a narrative and its tables; one file per table).

    Exit code 0 parsed; 1 with --strict when there are warnings; 2 cannot run (unreadable, not a regular
    file, not a disclosure, too large, needs OCR, past the time limit file_seconds); 3 internal error (please
    report).
    """
    name = _named(files)
    disclosure, text = exit_on_failure(name, "parsing", partial(_parsed, files, as_json))
    _echo_findings(name, disclosure.findings, quiet)
    click.echo(text)
    warnings = [f for f in disclosure.findings if f.severity != "info"]
    sys.exit(EXIT_VIOLATIONS if strict and warnings else EXIT_OK)


def _echo_findings(name: str, findings: list[Finding], quiet: bool) -> None:
    """The findings on stderr, one ``[SEVERITY] file:line message`` line each (``--quiet``: no info)."""
    for finding in findings:
        if not (quiet and finding.severity == "info"):
            click.echo(format_finding(name, finding), err=True)


def _write(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        output.write_bytes(data)


def _parsed(files: tuple[Path, ...], as_json: bool) -> tuple[Disclosure, str]:
    disclosure = parse_files(files)
    return disclosure, disclosure_json(disclosure) if as_json else summary(disclosure)


@main.command(short_help="Convert a disclosure to RDF, its own named graph.")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--to",
    "fmt",
    type=click.Choice(sorted(RDF_FORMATS)),
    default="ttl",
    show_default=True,
    help="Output format; nq, trig and jsonld carry the named graph.",
)
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), help="Write here instead of stdout.")
@click.option(
    "--with-vocabulary",
    is_flag=True,
    help="Add the ontology and the code lists, each in its own named graph (quad formats only).",
)
@click.option(
    "--validate/--no-validate",
    default=True,
    show_default=True,
    help="Validate with the SHACL shapes and add the results as DQV quality annotations.",
)
@click.option("--quiet", "-q", is_flag=True, help="Do not print info-level findings on stderr.")
def convert(
    files: tuple[Path, ...], fmt: str, output: Path | None, with_vocabulary: bool, validate: bool, quiet: bool
) -> None:
    """Parse a disclosure (one file, or several read as one) and map it to RDF (its named graph),
    deterministically.

    Exit code 0 converted; 2 cannot run (unreadable input, no unit/year/phase to name it, past the time limit
    file_seconds); 3 internal error (please report).
    """
    name = _named(files)
    if with_vocabulary and fmt not in QUAD_FORMATS:
        click.echo(
            f"[ERROR] {name}: --with-vocabulary needs a quad format ({', '.join(sorted(QUAD_FORMATS))})", err=True
        )
        sys.exit(EXIT_CANNOT_RUN)

    def work() -> tuple[Converted, bytes]:
        converted = pipeline.convert(files, validate=validate)
        return converted, to_bytes(converted.quads + (vocabulary_quads() if with_vocabulary else []), fmt)

    converted, data = exit_on_failure(name, "converting", work)
    _echo_findings(name, converted.findings, quiet)
    _write(data, output)


@main.command(short_help="Export one disclosure for publication (JSON-LD, Turtle).")
@click.argument("source")
@click.option(
    "--to",
    "fmt",
    type=click.Choice(["jsonld", "ttl", "nt", "nq"]),
    default="jsonld",
    show_default=True,
    help="Output format; nq puts the publication graph in the disclosure's named graph.",
)
@click.option("--frame", "framed", is_flag=True, help="JSON-LD: the framed tree (tables, rows, labelled codes).")
@click.option("--embed-context", is_flag=True, help="JSON-LD: the context object itself instead of its IRI.")
@_store_option("Store (for an IRI).")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), help="Write here instead of stdout.")
@click.option("--validate/--no-validate", default=True, show_default=True, help="FILE: add the SHACL results.")
@click.option("--quiet", "-q", is_flag=True, help="Do not print info-level findings on stderr.")
def export(
    source: str,
    fmt: str,
    framed: bool,
    embed_context: bool,
    store_path: Path | None,
    output: Path | None,
    validate: bool,
    quiet: bool,
) -> None:
    """Export one disclosure for publication: JSON-LD with the budgetlod context, or Turtle/N-Triples/N-Quads.

    SOURCE is a disclosure file (converted in memory, as convert does) or a disclosure IRI read from the
    store. The output holds the publication graph: the disclosure's graph plus the labels of the codes it
    uses (docs/jsonld.md). Exit code 0 exported; 2 cannot run (unreadable file, no store, unknown IRI, past
    the time limit file_seconds); 3 internal error (please report).
    """
    from pyoxigraph import NamedNode, Quad, Triple

    from budgetlod.publish import jsonld as publication
    from budgetlod.store.embedded import open_reader

    if fmt != "jsonld" and (framed or embed_context):
        click.echo("[ERROR] --frame and --embed-context apply to --to jsonld only", err=True)
        sys.exit(EXIT_CANNOT_RUN)

    def render(triples: list[Triple], graph: str) -> bytes:
        if fmt == "jsonld":
            make = publication.disclosure_document if framed else publication.compact_document
            return publication.dumps(make(triples, embed_context=embed_context))
        if fmt == "nq":
            return to_bytes([Quad(t.subject, t.predicate, t.object, NamedNode(graph)) for t in triples], fmt)
        return to_bytes(triples, fmt)

    def from_file() -> tuple[Converted, bytes]:
        converted = pipeline.convert(_disclosure_files(source), validate=validate)
        return converted, render(publication.publication_quads(converted.quads), converted.iri)

    if source.startswith(("http://", "https://")):
        store = store_path or Path(str(setting("store_path")))
        try:
            triples = publication.publication_triples_from_store(open_reader(store), source)
        except LookupError as exc:
            click.echo(f"[ERROR] {store}: {exc.args[0]}", err=True)
            sys.exit(EXIT_CANNOT_RUN)
        data = exit_on_failure(source, "exporting", partial(render, triples, source))
    else:
        converted, data = exit_on_failure(source, "exporting", from_file)
        _echo_findings(source, converted.findings, quiet)
    _write(data, output)


@main.command(short_help="Check disclosures with the SHACL shapes.")
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "ttl", "jsonld"]),
    default="text",
    show_default=True,
    help="text: a report grouped by severity; ttl/jsonld: the SHACL validation report graph on stdout.",
)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Language of messages.")
def validate(files: tuple[str, ...], fmt: str, lang: str) -> None:
    """Validate disclosures with the SHACL shapes: every sum the template promises, and more.

    Each FILE is one disclosure; the files of a disclosure published in several are joined by ``+``
    (``a-text.pdf+a-tables.pdf``).

    Exit code 0 when no file has a Violation, 1 when one has, 2 when a file cannot be read (or passes the
    time limit file_seconds), 3 on an internal error (please report). Every file is checked; the worst code
    wins: 3, then 2, then 1.
    """
    worst = EXIT_OK
    reports = []
    for file in files:
        try:
            converted, text = run_file(file, "validating", partial(_checked, file, fmt, lang))
        except FileFailed as failed:
            worst = max(worst, failed.code)
            continue
        report = converted.report
        assert report is not None
        reports.append(report)
        if report.count("violation"):
            worst = max(worst, EXIT_VIOLATIONS)
        if text:
            click.echo(text)
    if fmt != "text":
        merged = rdflib.Graph()
        for report in reports:
            if report.graph is not None:
                merged += report.graph
        merged.bind("sh", "http://www.w3.org/ns/shacl#")
        merged.bind("blsh", iri("blsh:"))
        click.echo(merged.serialize(format="turtle" if fmt == "ttl" else "json-ld"))
    sys.exit(worst)


def _checked(file: str, fmt: str, lang: str) -> tuple[Converted, str]:
    converted = pipeline.convert(_disclosure_files(file))
    return converted, validation_text(file, converted, lang) if fmt == "text" else ""


def validation_text(file: Path | str, converted: Converted, lang: str) -> str:
    """``file: N violations, N warnings, N notes`` then one line a result, grouped by severity."""
    report = converted.report
    assert report is not None
    counts = {s: report.count(s) for s in ("violation", "warning", "info")}
    parse_warnings = sum(1 for f in converted.findings if f.severity != "info")
    lines = [
        f"{file}: {counts['violation']} violations, {counts['warning']} warnings, {counts['info']} notes"
        + (f" (and {parse_warnings} parser warnings: budgetlod parse {file})" if parse_warnings else "")
    ]
    for severity in ("violation", "warning", "info"):
        for result in (r for r in report.results if r.severity == severity):
            place = converted.disclosure.place(result.line)
            where = place or (f"{file}:{result.line}" if result.line else str(file))
            rule = result.shape.rsplit("#", 1)[-1]
            lines.append(f"[{severity.upper()}] {where} {result.message(lang)} ({rule})")
    return "\n".join(lines)


@main.command(short_help="Load disclosures into the store (or a remote SPARQL store).")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_store_option()
@click.option("--strict", is_flag=True, help="Refuse documents with SHACL Violations (they are not loaded).")
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), show_default="CPUs", help="Worker processes converting files."
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(path_type=Path, dir_okay=False),
    show_default="<store>/ingest-report.tsv",
    help="Every file's outcome, TSV (or JSON if it ends in .json).",
)
@click.option("--force", is_flag=True, help="Convert and load unchanged files too.")
@click.option(
    "--publish-every",
    type=click.FloatRange(min=0),
    default=300.0,
    show_default=True,
    help="Seconds between snapshots published while loading (0: only at the end).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress; only the failures and the summary.")
@click.option("--verbose", "-v", is_flag=True, help="A line for every file.")
@click.option("--endpoint", help="Write into a remote SPARQL 1.1 store: its query endpoint URL (docs/remote-store.md).")
@click.option(
    "--update-endpoint", show_default="--endpoint, unless --gsp-endpoint", help="Its SPARQL update endpoint."
)
@click.option("--gsp-endpoint", help="Its Graph Store Protocol endpoint (graphs staged with one PUT).")
@click.option(
    "--state",
    "state_path",
    type=click.Path(path_type=Path, file_okay=False),
    show_default="$XDG_STATE_HOME/budgetlod/remote/<endpoint>",
    help="With --endpoint: folder of the manifest and report.",
)
def ingest(
    paths: tuple[Path, ...],
    store_path: Path | None,
    strict: bool,
    jobs: int | None,
    report_path: Path | None,
    force: bool,
    publish_every: float,
    quiet: bool,
    verbose: bool,
    endpoint: str | None,
    update_endpoint: str | None,
    gsp_endpoint: str | None,
    state_path: Path | None,
) -> None:
    """Parse, map, validate and load disclosures (files or folders) into the embedded store (docs/ingest.md), or with
    --endpoint into a remote SPARQL 1.1 store (credentials from BUDGETLOD_REMOTE_USER/_PASSWORD/_AUTH).

    Folders are searched for every format budgetlod reads (text, PDF, Word, Excel, HTML; docs/formats.md); the files
    of one disclosure published in several (x-text.pdf + x-tables.pdf) are read as one, by the rule of
    docs/ingest.md or a disclosures.txt in the folder, and the grouping is printed. Each disclosure becomes one
    named graph; a changed file replaces it, an unchanged one is passed over. Files are converted in parallel;
    progress, and failures as they happen, go to stderr; the summary and the failed files to stdout, every file's
    outcome to the report. Special files (FIFOs, devices, sockets) are never opened. Exit code 0 when every file was
    loaded or unchanged; 1 when a file was refused (--strict and Violations, or the same disclosure as another file)
    and nothing worse happened; 2 when a file could not be read as a disclosure, passed the time or memory limit
    (file_seconds, file_memory_bytes), or was skipped (an unsupported format, a PDF that needs OCR, a password, not
    a budget disclosure, not a regular file, a folder that cannot be listed or holds no disclosure) — the rest is
    loaded — or when nothing at all was loadable, or the store cannot be used (locked, damaged, not a store) or
    filled up (no space left: the run stops, what was loaded stays); 3 when converting a file failed with an
    internal error or its worker process died (a bug: please report; the rest is loaded); 130 when stopped by
    Ctrl-C, 143 by SIGTERM: what was loaded stays, and running the same command again does the rest. With
    --endpoint, a graph the store did not take is "unwritten" (the reason says what the remote graph holds now: old,
    new, absent, partial, unknown): exit 2.
    """
    from budgetlod.ingest.bulk import default_jobs
    from budgetlod.ingest.progress import Progress
    from budgetlod.ingest.remote import ingest_remote, open_remote
    from budgetlod.limits import internal_error

    store: Path | str = store_path or Path(str(setting("store_path")))
    progress = Progress(0, quiet=quiet, verbose=verbose)
    try:
        if endpoint is None:
            if update_endpoint or gsp_endpoint or state_path:
                raise StoreError("--update-endpoint, --gsp-endpoint and --state go with --endpoint")
            summary = ingest_paths(
                paths,
                Path(store),
                strict=strict,
                jobs=jobs or default_jobs(),
                progress=progress,
                report=report_path,
                publish_every=publish_every,
                force=force,
                handle_signals=True,
            )
        else:
            if store_path is not None:
                raise StoreError("give --store or --endpoint, not both")
            remote = open_remote(endpoint, update_endpoint, gsp_endpoint)
            store = endpoint
            summary = ingest_remote(paths, remote, state=state_path, strict=strict, jobs=jobs or default_jobs(),
                                    progress=progress, report=report_path, force=force, handle_signals=True)
    except BudgetlodError:
        raise
    except Exception as exc:  # a bug outside one file's conversion: one line, exit code 3, no traceback
        click.echo(f"[ERROR] {store}: ingest stopped: {internal_error(exc)} (please report)", err=True)
        sys.exit(EXIT_INTERNAL)
    click.echo(summary.text(store))
    click.echo(f"report: {summary.report}" if summary.report_written else f"report: not written ({summary.report})")
    failed: list[FileOutcome] = summary.failed
    if summary.interrupted:
        click.echo(
            f"[WARNING] {store}: interrupted ({summary.interrupted}) with {summary.not_done} files not done; what was "
            "loaded is kept and published: run the same command again to do the rest",
            err=True,
        )
    elif summary.error:
        click.echo(f"[ERROR] {summary.error}", err=True)
    elif summary.stopped:
        click.echo(f"[ERROR] {store}: stopped: {summary.stopped}; {summary.not_done} files not done", err=True)
    if any(o.failure == "internal" for o in failed):
        click.echo(f"[ERROR] {store}: converting a file failed with an internal error (a bug: please report it with "
                   "the file and the reason in the report)", err=True)
    sys.exit(summary.exit_code())


@main.command(short_help="Serve the store over HTTP: SPARQL and Linked Data pages.")
@_store_option()
@click.option("--host", show_default=_setting_default("host"), help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), show_default=_setting_default("port"), help="Port.")
@click.option(
    "--timeout",
    "query_timeout",
    type=click.FloatRange(min=0, min_open=True),
    show_default=_setting_default("query_timeout"),
    help="Query timeout in seconds.",
)
@click.option(
    "--row-limit",
    type=click.IntRange(min=1),
    show_default=_setting_default("row_limit"),
    help="Most result rows a query answers.",
)
@click.option(
    "--workers",
    "query_workers",
    type=click.IntRange(min=1),
    show_default=_setting_default("query_workers"),
    help="Query worker processes (with --endpoint: queries at the remote store at once).",
)
@click.option(
    "--endpoint",
    help="Serve a remote SPARQL 1.1 store at this query URL (read-only) instead of the store; credentials from "
    "BUDGETLOD_REMOTE_USER/_PASSWORD/_AUTH.",
)
def serve(
    store_path: Path | None,
    host: str | None,
    port: int | None,
    query_timeout: float | None,
    row_limit: int | None,
    query_workers: int | None,
    endpoint: str | None,
) -> None:
    """Serve the store (or a remote SPARQL store): SPARQL 1.1 protocol at /sparql, Linked Data pages, /health.

    Exit code 0 stopped (Ctrl-C, SIGTERM); 2 cannot run (no data yet or a damaged store, a remote store that
    cannot be used, the port taken or not allowed, a setting of the wrong type); 3 internal error (please
    report).
    """
    import uvicorn

    from budgetlod.serve.app import create_app
    from budgetlod.serve.config import ServerConfig
    from budgetlod.serve.listen import listen

    config = ServerConfig.from_settings(
        store_path=store_path,
        query_timeout=query_timeout,
        row_limit=row_limit,
        query_workers=query_workers,
        endpoint=endpoint,
    )
    if endpoint and store_path:
        raise StoreError("give --store or --endpoint, not both")
    if not endpoint:
        from budgetlod.serve.snapshot import SnapshotReader

        SnapshotReader(config.store_path).check()  # no data yet, or damaged: exit 2 with the reason
    app = create_app(config)  # a remote store's URL or credentials that cannot be used: exit 2 with the reason
    bind_host = host or str(setting("host"))  # the store and the endpoint are checked first, then the port
    listening = listen(bind_host, port if port is not None else int(setting("port")))  # taken: exit 2
    bind_port = int(listening.getsockname()[1])  # port 0: the one the system chose
    if endpoint:
        from budgetlod.serve.remote_backend import probe

        click.echo(f"budgetlod {__version__}: serving the remote store {probe(app.state.backend)}", err=True)
    shown_host = f"[{bind_host}]" if ":" in bind_host else bind_host
    click.echo(f"budgetlod {__version__}: query page http://{shown_host}:{bind_port}/sparql", err=True)
    uvicorn.Server(uvicorn.Config(app, host=bind_host, port=bind_port, log_level="warning")).run(sockets=[listening])


@main.command(short_help="Write the static site of the store for any web server.")
@_store_option()
@click.option("--out", required=True, type=click.Path(path_type=Path, file_okay=False), help="Folder of the site.")
@click.option("--base-url", required=True, help="URL the site will be hosted at (links, catalogue, sitemap).")
@click.option("--sparql-endpoint", help="A SPARQL endpoint serving the same data, for the catalogue and VoID.")
@click.option(
    "--jobs", type=click.IntRange(min=1), default=1, show_default=True, help="Processes rendering disclosures."
)
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary.")
def publish(
    store_path: Path | None, out: Path, base_url: str, sparql_endpoint: str | None, jobs: int, quiet: bool
) -> None:
    """Write the static site: per disclosure .jsonld/.ttl/.nq/.html, DCAT catalogue, VoID, dump, sitemap
    (docs/publish.md). A disclosure whose graph did not change is kept, not written again.

    Exit code 0 written; 2 cannot run (no data in the store yet or a damaged store, a --base-url that is not
    an absolute http(s) URL, a folder that cannot be written); 3 internal error (please report).
    """
    from budgetlod.publish.site import publish_site

    store = store_path or Path(str(setting("store_path")))
    if not base_url.startswith(("http://", "https://")):
        click.echo(f"[ERROR] --base-url {base_url!r}: expected an absolute http(s) URL", err=True)
        sys.exit(EXIT_CANNOT_RUN)
    try:
        summary = publish_site(
            store,
            out,
            base_url,
            base_iri=str(setting("base_iri")),
            licence=str(setting("data_licence")),
            sparql_endpoint=sparql_endpoint,
            jobs=max(1, jobs),
            progress=None if quiet else _published,
        )
    except OSError as exc:
        click.echo(f"[ERROR] {out}: cannot write the site: {exc}", err=True)
        sys.exit(EXIT_CANNOT_RUN)
    if summary.rerender_reason:
        click.echo(f"[INFO] every disclosure rendered: {summary.rerender_reason}", err=True)
    click.echo(summary.text(out))


@main.command("query", short_help="Run a named query or a .rq file against the store.")
@click.argument("name", required=False)
@_store_option()
@click.option("--endpoint", help="A SPARQL endpoint URL to query instead of the store.")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="A parameter (repeatable).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json", "parquet"]),
    default="table",
    show_default=True,
    help="table: columns to read; csv, json: the SPARQL results formats; tsv, parquet: typed tables (parquet "
    "needs --output).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the answer to this file; csv and tsv as typed tables with CSVW metadata beside them "
    "(FILE-metadata.json); parquet needs it (docs/queries.md).",
)
@click.option("--list", "list_queries", is_flag=True, help="List the named queries with their parameters.")
def query(
    name: str | None,
    store_path: Path | None,
    endpoint: str | None,
    params: tuple[str, ...],
    fmt: str,
    output: Path | None,
    list_queries: bool,
) -> None:
    """Run a named query of queries/ (or a .rq file) with typed parameters (docs/queries.md).

    The answer goes to stdout, the row count to stderr (an empty answer: why it may be empty). Exit code 0
    answered (also with no rows); 2 cannot run (unknown query, bad parameter, no store, a failing endpoint);
    3 internal error (please report).
    """
    from budgetlod.query.command import CommandError, all_queries, listing, row_count, run

    if list_queries:
        click.echo(listing(all_queries()), nl=False)
        return
    if not name:
        raise CommandError("name a query (budgetlod query --list shows them) or a .rq file")
    text, rows, ran = run(name, store=store_path, endpoint=endpoint, assignments=params, fmt=fmt, output=output)
    click.echo(text, nl=False)
    if fmt == "table" or not rows or output is not None:
        click.echo(row_count(rows, ran), err=True)


def _published(rendered: Rendered) -> None:
    click.echo(f"[INFO] {'kept' if rendered.unchanged else 'wrote'} {rendered.iri}", err=True)


@main.command("settings", short_help="List the settings: values, variables and defaults.")
def show_settings() -> None:
    """List every setting with its current value as its type reads it (true/false, a number, a 'text'),
    environment variable, default and help.

    Exit code 0; 2 when a BUDGETLOD_* variable holds a value of the wrong type (one [ERROR] line naming it).
    """
    for item in SETTINGS:
        click.echo(
            f"{item.name} = {shown(setting(item.name))}  ({item.env}; default {shown(item.default)})\n    {item.help}"
        )

"""What a new user met (issue 18), the server and the command line: each a real server or a real process.

1. ``curl -L http://127.0.0.1:8000/`` (``Accept: */*``) gets the list of units, not a 404; a client that accepts
   nothing the entry page is offered as gets 406 naming what is.
2. ``serve`` on a port another process holds: one line saying so, exit code 2, no URL of its own printed.
3. ``settings`` shows typed values; a ``BUDGETLOD_*`` variable of the wrong type stops every command with one line.
4. ``serve --help`` lists the defaults and the exit codes.
5. ``query``: ``(1 row)``, and an empty answer says why it may be empty.
6. ``budgetlod --help`` cut every command's help with ``...``; the defaults and the exit codes of every command are
   in its ``--help``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from live_server import get
from paths import SAMPLE

from budgetlod.cli import main
from budgetlod.errors import EXIT_CANNOT_RUN
from budgetlod.settings import SETTINGS, SettingError, parse_value

UNIT_NAME = "乌鲁木齐市12345政务服务热线中心"


def run(*args: str, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BUDGETLOD_")}
    return subprocess.run(
        [sys.executable, "-m", "budgetlod", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**env, **environment},
    )


# --- 1. the entry page answers curl ------------------------------------------------------------------------------


@pytest.mark.parametrize("accept", ["*/*", "text/*", "text/html", "text/turtle;q=0.9, */*;q=0.1"])
def test_the_root_answers_a_client_that_accepts_anything(live_server: Any, accept: str) -> None:
    answer = get(live_server, "/", accept=accept)  # follows the 303 to /id/, as curl -L does
    assert answer.status == 200
    assert answer.media_type == "text/html"
    assert UNIT_NAME in answer.text
    assert answer.headers["vary"].startswith("Accept, Accept-Language")  # (and Origin: CORS)


def test_the_code_lists_answer_a_client_that_accepts_anything(live_server: Any) -> None:
    answer = get(live_server, "/codelist/", accept="*/*")
    assert answer.status == 200
    assert answer.media_type == "text/html"


@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json", "image/png"])
def test_an_entry_page_nobody_can_read_is_406_with_what_is_offered(live_server: Any, accept: str) -> None:
    answer = get(live_server, "/id/", accept=accept)
    assert answer.status == 406
    assert answer.headers["vary"].startswith("Accept")
    assert answer.text.startswith("406 not acceptable: /id/ is offered as text/html; the data as RDF: /catalog")
    assert answer.text.count("\n") == 1


# --- 2. a port another process holds -----------------------------------------------------------------------------


def test_serve_on_a_taken_port_says_so_and_exits_2(live_store: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        done = run("serve", "--store", str(live_store), "--host", "127.0.0.1", "--port", str(port))
    assert done.returncode == EXIT_CANNOT_RUN
    assert done.stderr == (
        f"[ERROR] port {port} on 127.0.0.1 is taken (by another process): choose another with --port\n"
    )
    assert done.stdout == ""  # and no "query page http://…" of the other process


def test_serve_on_a_host_it_cannot_listen_on_exits_2(live_store: Path) -> None:
    done = run("serve", "--store", str(live_store), "--host", "192.0.2.1", "--port", "8000")  # TEST-NET-1
    assert done.returncode == EXIT_CANNOT_RUN
    assert done.stderr.startswith("[ERROR] cannot listen on 192.0.2.1 port 8000: ")
    assert done.stderr.endswith(": choose another with --host\n")
    assert done.stderr.count("\n") == 1


# --- 3. settings: typed, and a wrong type stops every command ----------------------------------------------------


def test_settings_show_typed_values() -> None:
    done = run("settings")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert "cors = true  (BUDGETLOD_CORS; default true)" in lines
    assert "port = 8000  (BUDGETLOD_PORT; default 8000)" in lines
    assert "query_timeout = 30.0  (BUDGETLOD_QUERY_TIMEOUT; default 30.0)" in lines
    assert "host = '127.0.0.1'  (BUDGETLOD_HOST; default '127.0.0.1')" in lines
    changed = run("settings", BUDGETLOD_CORS="off", BUDGETLOD_PORT="8080", BUDGETLOD_QUERY_TIMEOUT="5")
    assert changed.returncode == 0
    assert "cors = false  (BUDGETLOD_CORS; default true)" in changed.stdout.splitlines()
    assert "port = 8080  (BUDGETLOD_PORT; default 8000)" in changed.stdout.splitlines()
    assert "query_timeout = 5.0  (BUDGETLOD_QUERY_TIMEOUT; default 30.0)" in changed.stdout.splitlines()


@pytest.mark.parametrize(
    "command",
    [
        ["settings"],
        ["parse", str(SAMPLE)],
        ["validate", str(SAMPLE)],
        ["query", "--list"],
        ["serve", "--port", "1"],
        ["export", str(SAMPLE)],
        ["convert", str(SAMPLE)],
        ["ingest", str(SAMPLE)],
        ["publish", "--out", "site", "--base-url", "https://example.org/"],
    ],
    ids=lambda c: c[0],
)
def test_a_setting_of_the_wrong_type_stops_every_command(command: list[str]) -> None:
    done = run(*command, BUDGETLOD_PORT="abc")
    assert done.returncode == EXIT_CANNOT_RUN
    assert done.stderr == "[ERROR] setting port: BUDGETLOD_PORT='abc' is not an integer\n"
    assert done.stdout == ""


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("port", "80.5", "setting port: BUDGETLOD_PORT='80.5' is not an integer"),
        ("query_timeout", "soon", "setting query_timeout: BUDGETLOD_QUERY_TIMEOUT='soon' is not a number"),
        ("query_timeout", "inf", "setting query_timeout: BUDGETLOD_QUERY_TIMEOUT='inf' is not a finite number"),
        ("cors", "maybe", "setting cors: BUDGETLOD_CORS='maybe' is not true or false (1/true/yes/on or 0/false/no/off)"),
    ],
)
def test_the_message_names_the_variable_and_the_type(name: str, raw: str, message: str) -> None:
    item = next(i for i in SETTINGS if i.name == name)
    with pytest.raises(SettingError) as raised:
        parse_value(item, raw)
    assert str(raised.value) == message
    assert raised.value.exit_code == EXIT_CANNOT_RUN


def test_values_are_read_as_their_type() -> None:
    by_name = {i.name: i for i in SETTINGS}
    assert parse_value(by_name["cors"], " No ") is False
    assert parse_value(by_name["cors"], "1") is True
    assert parse_value(by_name["port"], " 8080 ") == 8080
    assert parse_value(by_name["query_timeout"], "2") == 2.0
    assert parse_value(by_name["host"], " 0.0.0.0") == " 0.0.0.0"  # a string is kept as given


# --- 4. serve --help --------------------------------------------------------------------------------------------


def test_serve_help_lists_defaults_and_exit_codes() -> None:
    done = run("serve", "--help")
    assert done.returncode == 0
    text = " ".join(done.stdout.split())  # click wraps the lines
    assert "[default: (BUDGETLOD_PORT or 8000); 0<=x<=65535]" in text
    assert "[default: (BUDGETLOD_HOST or 127.0.0.1)]" in text
    assert "[default: (BUDGETLOD_QUERY_TIMEOUT or 30.0); x>0]" in text
    assert "[default: (BUDGETLOD_STORE_PATH or budgetlod-store)]" in text
    assert "Exit code 0 stopped (Ctrl-C, SIGTERM); 2 cannot run" in text
    assert "3 internal error (please report)" in text


def test_serve_refuses_a_port_out_of_range() -> None:
    done = run("serve", "--port", "70000")
    assert done.returncode == EXIT_CANNOT_RUN
    assert "Invalid value for '--port': 70000 is not in the range 0<=x<=65535." in done.stderr


# --- 5. query: rows, and why none --------------------------------------------------------------------------------


def test_one_row_is_one_row(live_store: Path, tmp_path: Path) -> None:
    query = tmp_path / "one.rq"
    query.write_text("SELECT ?x WHERE { VALUES ?x { 1 } }\n", encoding="utf-8")
    done = run("query", str(query), "--store", str(live_store))
    assert done.returncode == 0
    assert done.stderr == "(1 row)\n"
    query.write_text("SELECT ?x WHERE { VALUES ?x { 1 2 } }\n", encoding="utf-8")
    assert run("query", str(query), "--store", str(live_store)).stderr == "(2 rows)\n"


def test_an_empty_answer_says_why_it_may_be_empty(live_store: Path, tmp_path: Path) -> None:
    query = tmp_path / "none.rq"
    query.write_text("SELECT ?x WHERE { ?x ?p 'nothing has this' }\n", encoding="utf-8")
    for fmt in ("table", "csv", "json"):
        done = run("query", str(query), "--store", str(live_store), "--format", fmt)
        assert done.returncode == 0
        assert done.stderr == "(no rows: check the parameters or what the store holds)\n"
    declared = tmp_path / "declared.rq"
    declared.write_text(
        "#+ summary: nothing / nothing\n#+ empty: only disclosures of 1999 are listed\n"
        "SELECT ?x WHERE { ?x ?p 'nothing has this' }\n",
        encoding="utf-8",
    )
    assert run("query", str(declared), "--store", str(live_store)).stderr == (
        "(no rows: only disclosures of 1999 are listed)\n"
    )


def test_a_library_query_declares_why_it_may_be_empty(live_store: Path) -> None:
    done = run("query", "execution-by-unit", "--store", str(live_store), "--param", "year=1999")
    assert done.returncode == 0
    assert done.stderr == (
        "(no rows: 只列两种文件（预算和决算）都在库中的单位和年度 / Only units and years with both a budget and its "
        "final accounts in the store are listed)\n"
    )


# --- 6. every command's --help: whole sentences, defaults, exit codes ---------------------------------------------


def test_the_command_list_says_whole_sentences() -> None:
    done = run("--help")
    assert done.returncode == 0
    commands = done.stdout.split("Commands:\n", 1)[1]
    assert commands.splitlines() == [
        "  convert   Convert a disclosure to RDF, its own named graph.",
        "  export    Export one disclosure for publication (JSON-LD, Turtle).",
        "  ingest    Load disclosures into the store (or a remote SPARQL store).",
        "  parse     Parse a disclosure and print what it holds.",
        "  publish   Write the static site of the store for any web server.",
        "  query     Run a named query or a .rq file against the store.",
        "  serve     Serve the store over HTTP: SPARQL and Linked Data pages.",
        "  settings  List the settings: values, variables and defaults.",
        "  validate  Check disclosures with the SHACL shapes.",
    ]


def help_text(*command: str) -> str:
    """``budgetlod COMMAND --help`` as click prints it, on a terminal wide enough that no line is wrapped."""
    done = CliRunner().invoke(main, [*command, "--help"], terminal_width=1000)
    assert done.exit_code == 0, done.output
    return done.output


COMMANDS = sorted(main.commands)


def test_no_help_is_cut() -> None:
    """No help, the group's or a command's, ends in click's "..." of a cut sentence (only the usage line's
    ``[ARGS]...`` and ``FILES...`` say "repeatable" that way)."""
    for command in [(), *((name,) for name in COMMANDS)]:
        for line in help_text(*command).splitlines():
            if not line.startswith("Usage: "):
                assert "..." not in line, (command, line)
    assert all(main.commands[name].short_help for name in COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_says_its_exit_codes(name: str) -> None:
    assert "Exit code 0" in " ".join(help_text(name).split())


def option_line(name: str, option: str) -> str:
    """The line of ``--help`` that describes ``option``, its spaces folded."""
    lines = [" ".join(line.split()) for line in help_text(name).splitlines()]
    (line,) = [line for line in lines if line.startswith(option + " ") or line.startswith(option + ",")]
    return line


@pytest.mark.parametrize("name", ["export", "ingest", "publish", "query", "serve"])
def test_every_store_option_shows_its_default(name: str) -> None:
    item = next(i for i in SETTINGS if i.name == "store_path")
    assert (item.env, item.default) == ("BUDGETLOD_STORE_PATH", "budgetlod-store")
    help_for = "Store (for an IRI)." if name == "export" else "Store folder."
    assert option_line(name, "--store") == (
        f"--store DIRECTORY {help_for} [default: (BUDGETLOD_STORE_PATH or budgetlod-store)]"
    )


def test_the_defaults_that_are_no_single_value_are_said() -> None:
    assert option_line("ingest", "-j") == "-j, --jobs INTEGER RANGE Worker processes converting files. [default: (CPUs); x>=1]"
    assert option_line("ingest", "--report") == (
        "--report FILE Every file's outcome, TSV (or JSON if it ends in .json). [default: (<store>/ingest-report.tsv)]"
    )
    assert option_line("publish", "--jobs") == "--jobs INTEGER RANGE Processes rendering disclosures. [default: 1; x>=1]"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_with_a_default_shows_it(name: str) -> None:
    """An option that takes a value and has a default (a text or a number: click marks "none" with a sentinel of
    its own) says it in ``--help``; and so does every option falling back to a setting: ``--store``."""
    command = main.commands[name]
    for param in command.params:
        if isinstance(param, click.Option) and not param.is_flag and isinstance(param.default, str | int | float):
            assert param.show_default is True, (name, param.name)
    if any(p.name == "store_path" for p in command.params):
        assert "[default: (BUDGETLOD_STORE_PATH or budgetlod-store)]" in help_text(name)

"""The programs outside Python that some tests need, and the one way a test skips without them.

``requires("chromium")`` is a mark (``@requires("virtuoso")``) skipping the test where the tool is missing;
``require("npm:jsonld")`` skips at once (in a fixture or a helper) and returns the program's path. Every reason
has the same shape — ``needs NAME: what is missing (how to install it)`` — so that a run's skip summary says what
to install and ``tests/allowed-skips.txt`` can tell a skip that CI should have removed (none of these may skip in
CI: ``.ci/run`` installs what needs root, ``bash .ci/test`` the Node packages).

Names: ``chromium`` (Debian's chromium and its chromedriver), ``virtuoso`` (virtuoso-t and isql-vt),
``soffice`` (LibreOffice), ``node`` (Node.js), ``npm:PACKAGE`` (Node.js and ``tests/node/node_modules/PACKAGE``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

NODE_DIR = Path(__file__).resolve().parent / "node"
NPM_CI = "run `cd tests/node && npm ci`, which `bash .ci/test` does"


def _programs(name: str) -> tuple[list[str], str]:
    """The programs a tool name stands for (all needed) and how to install them."""
    if name == "chromium":
        return ["chromium", "chromedriver"], "apt-get install chromium chromium-driver; .ci/run installs them"
    if name == "soffice":
        return ["soffice"], "apt-get install libreoffice-writer-nogui libreoffice-calc-nogui; .ci/run installs them"
    if name == "node" or name.startswith("npm:"):
        return ["node"], "apt-get install nodejs npm, then " + NPM_CI
    raise ValueError(f"tests/tools.py knows no tool {name!r}")


def missing(name: str) -> str | None:
    """Why the tool ``name`` cannot be used here (the skip reason), or None when it can."""
    if name == "virtuoso":
        from virtuoso import virtuoso_missing

        why = virtuoso_missing()
        return None if why is None else f"needs virtuoso: {why}"
    programs, install = _programs(name)
    absent = [program for program in programs if shutil.which(program) is None]
    if absent:
        return f"needs {name}: {' and '.join(absent)} not on PATH ({install})"
    if name.startswith("npm:"):
        package = name.removeprefix("npm:")
        if not (NODE_DIR / "node_modules" / package).is_dir():
            return f"needs {name}: tests/node/node_modules/{package} is not installed ({NPM_CI})"
    return None


def requires(*names: str) -> pytest.MarkDecorator:
    """A mark that skips the test, with the reason, unless every named tool is here."""
    reasons = [why for why in map(missing, names) if why is not None]
    return pytest.mark.skipif(bool(reasons), reason="; ".join(reasons) or "all present")


def require(*names: str) -> str:
    """Skip the running test, with the reason, unless every named tool is here; the path of the first one's
    program (``node`` for ``npm:…``; for ``virtuoso`` its server, ``virtuoso-t``)."""
    for name in names:
        why = missing(name)
        if why is not None:
            pytest.skip(why)
    first = names[0]
    program = "virtuoso-t" if first == "virtuoso" else _programs(first)[0][0]
    path = shutil.which(program)
    assert path is not None, program
    return path

"""One base for the errors a user can act on, and the exit codes of the command line.

An error of this kind is not a bug: its message is one line that says what is wrong and what was expected
(a file that is not a disclosure, a store that is damaged, a query parameter of the wrong type), and its
``exit_code`` is what a command that stops on it exits with. The command line catches :class:`BudgetlodError`
in one place (``budgetlod.cli.Main``) and prints ``[ERROR] message``; the per-file boundary
(:mod:`budgetlod.boundary`) prints ``[ERROR] FILE: message``. Any other exception is a bug: exit code 3.

Exit codes: 0 ok; 1 violations (``--strict``: warnings too); 2 cannot run; 3 internal error (please report).
"""

from __future__ import annotations

EXIT_OK, EXIT_VIOLATIONS, EXIT_CANNOT_RUN, EXIT_INTERNAL = 0, 1, 2, 3


class BudgetlodError(Exception):
    """An error the user can act on: ``str(error)`` is its one-line message."""

    exit_code: int = EXIT_CANNOT_RUN

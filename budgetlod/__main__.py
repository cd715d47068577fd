"""``python -m budgetlod`` — the same as the ``budgetlod`` command."""

from budgetlod.cli import main

main()

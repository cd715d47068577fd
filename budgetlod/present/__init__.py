"""Presentation: what both the server's pages and the published static site show, without HTTP.

Describing a resource from the store (:mod:`~budgetlod.present.describe`), rebuilding a disclosure's tables from
its observations (:mod:`~budgetlod.present.rebuild`), the views of pages (:mod:`~budgetlod.present.views`), charts
(:mod:`~budgetlod.present.chart`), the zh/en interface strings (:mod:`~budgetlod.present.text`), and the one folder
of templates with its one Jinja environment (:mod:`~budgetlod.present.jinja`). ``serve/`` (HTTP) and ``publish/``
(files) both build on it; it imports neither.
"""

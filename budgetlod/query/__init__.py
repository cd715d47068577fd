"""Running the named queries of ``queries/``: typed parameters (:mod:`.params`), execution against the
embedded store or a SPARQL endpoint (:mod:`.run`), output as a terminal table, CSV or JSON (:mod:`.output`),
and the ``budgetlod query`` command (:mod:`.command`). The query files and their headers are read by
:mod:`budgetlod.query.library`."""

"""rdflib-endpoint serving an N-Quads dump, for bench/serve_bench.py.

python bench/rdflib_endpoint_server.py DUMP PORT
"""

from __future__ import annotations

import sys

import rdflib
import uvicorn
from rdflib_endpoint import SparqlEndpoint


def main() -> None:
    dump, port = sys.argv[1], int(sys.argv[2])
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(dump, format="nquads")
    app = SparqlEndpoint(graph=dataset, public_url=f"http://127.0.0.1:{port}/")
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()

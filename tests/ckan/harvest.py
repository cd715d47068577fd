"""Harvest a DCAT catalogue file the way a CKAN portal does: ckanext-dcat's RDFParser, printed as JSON.

Run with the python of tests/ckan/.venv (``bash tests/ckan/setup.sh``), never budgetlod's:

    tests/ckan/.venv/bin/python tests/ckan/harvest.py CATALOGUE [--format turtle|json-ld]
        [--locale zh_Hans_CN] [--profile euro_dcat_ap_3]

prints ``{"datasets": [dataset dict, …], "next_page": URL or null}``: the dicts ckanext-dcat's harvester passes
to ``package_create`` (title, notes, tags, license_id, extras such as temporal_start and publisher_name,
resources with url, format, mimetype, size, hash, access_services …).

How CKAN runs here without a site. ckanext-dcat's parser needs no database and no CKAN application: importing
``ckanext.dcat.processors`` imports CKAN's modules (models are only declared), and the parser reads its
settings through ``ckan.common.config``, a plain mapping until a site loads its ini file. So nothing is
monkeypatched in CKAN: the only setting given is ``ckan.locale_default`` (``--locale``), put into that
mapping before parsing, as a CKAN site's ini file would. (The profiles also ask for
``scheming_dataset_schema_show``; with no plugin loaded CKAN answers KeyError, which the profile expects when
ckanext-scheming is not installed.)

The network is closed for the whole run (every socket connection raises): a catalogue that needs anything
from outside — a remote JSON-LD context — fails here as it fails a harvester without network access.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
from pathlib import Path
from typing import Any, NoReturn


def _no_network(*args: Any, **kwargs: Any) -> NoReturn:
    raise OSError(f"harvest.py: network access is closed (asked for {args[1:2] or args[:1]})")


def close_network() -> None:
    socket.socket.connect = _no_network  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = _no_network  # type: ignore[method-assign,assignment]
    socket.create_connection = _no_network  # type: ignore[assignment]
    socket.getaddrinfo = _no_network  # type: ignore[assignment]


def harvest(path: Path, rdf_format: str, locale: str, profile: str) -> dict[str, Any]:
    from ckan.common import config  # CKAN's settings: a mapping, filled by a site's ini file

    config["ckan.locale_default"] = locale
    from ckanext.dcat.processors import RDFParser

    parser = RDFParser(profiles=[profile])
    parser.parse(path.read_bytes(), _format=rdf_format)
    return {"datasets": list(parser.datasets()), "next_page": parser.next_page()}


def main(argv: list[str] | None = None) -> int:
    arguments = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    arguments.add_argument("catalogue", type=Path)
    arguments.add_argument("--format", default="turtle", help="rdflib parser: turtle, json-ld, xml …")
    arguments.add_argument("--locale", default="en", help="ckan.locale_default: en, zh_Hans_CN, zh_CN …")
    arguments.add_argument("--profile", default="euro_dcat_ap_3")
    options = arguments.parse_args(argv)
    close_network()
    result = harvest(options.catalogue, options.format, options.locale, options.profile)
    json.dump(result, sys.stdout, ensure_ascii=False, indent=1, sort_keys=True, default=str)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The vendored DCAT-AP 3.0.1 shapes (tests/conformance/) are the published files, unchanged: each file's SHA-256
as its README lists it, and the same bytes as ``../shared/conformance/`` where that folder lies beside the
repository (a clone without it checks the hashes only)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent / "conformance"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "conformance"
LISTED = dict((path, digest) for digest, path in
              re.findall(r"^([0-9a-f]{64})  (\S+)$", (HERE / "README.md").read_text(encoding="utf-8"), re.MULTILINE))


def test_the_readme_lists_every_vendored_file() -> None:
    files = {p.relative_to(HERE).as_posix() for p in (HERE / "dcat-ap-3.0.1").iterdir() if p.suffix != ".txt"}
    assert set(LISTED) == files == {
        "dcat-ap-3.0.1/shapes.ttl", "dcat-ap-3.0.1/range.ttl", "dcat-ap-3.0.1/shapes_recommended.ttl",
        "dcat-ap-3.0.1/mdr-vocabularies.shape.ttl", "dcat-ap-3.0.1/dcat-ap.context.jsonld"}
    assert (HERE / "dcat-ap-3.0.1" / "LICENSE-CC-BY-4.0.txt").read_text(encoding="utf-8").startswith(
        "Creative Commons Attribution 4.0 International Public License")


@pytest.mark.parametrize("name", sorted(LISTED))
def test_a_vendored_file_is_the_published_one(name: str) -> None:
    data = (HERE / name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == LISTED[name]
    if (SHARED / name).is_file():  # beside the repository (CI has it): the same bytes
        assert data == (SHARED / name).read_bytes()

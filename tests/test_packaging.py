"""The built wheel carries every data file, and the accessor finds them in an installed copy."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from budgetlod import resources

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    (path,) = out.glob("budgetlod-*.whl")
    return path


def source_data_files() -> set[str]:
    return {
        f"budgetlod/_data/{p.relative_to(resources.data_root()).as_posix()}"
        for name in resources.DATA_FOLDERS
        for p in resources.files(name)
    }


def test_wheel_contains_every_data_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = source_data_files()
    assert "budgetlod/_data/mapping/tables/t01.yaml" in expected
    assert {"budgetlod/_data/publish/context/v1.jsonld", "budgetlod/_data/publish/frames/disclosure.jsonld"} <= expected
    assert expected <= names, f"missing from the wheel: {sorted(expected - names)[:5]}"


@pytest.mark.slow
def test_installed_wheel_loads_every_resource(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], check=True)
    script = (
        "import budgetlod, json\n"
        "from budgetlod import resources, specs\n"
        "root = resources.data_root()\n"
        "assert '_data' in root.parts and 'site-packages' in str(root), root\n"
        "loaded = {}\n"
        "for name in resources.DATA_FOLDERS:\n"
        "    for p in resources.files(name):\n"
        "        loaded[p.relative_to(root).as_posix()] = len(p.read_bytes())\n"
        "context = resources.context()['@context']\n"
        "frame = json.loads(resources.frame('disclosure').read_bytes())\n"
        "assert resources.context_bytes() == resources.context_path().read_bytes()\n"
        "from pyoxigraph import NamedNode as N, Triple as T\n"
        "from budgetlod.publish import jsonld\n"
        "d = N('https://w3id.org/budgetlod/id/disclosure/x')\n"
        "a = N('http://www.w3.org/1999/02/22-rdf-syntax-ns#type')\n"
        "doc = jsonld.disclosure_document([T(d, a, N('https://w3id.org/budgetlod/ontology#Disclosure'))])\n"
        "print(json.dumps({'n': len(loaded), 'specs': [s.id for s in specs.table_specs()],"
        " 'files': sorted(loaded), 'context': [context['@version'], context['amount']],"
        " 'frame': [frame['@context'], frame['@type']], 'framed': doc}))\n"
    )
    # run from tmp_path so that the source tree is not importable
    result = subprocess.run([str(python), "-c", script], check=True, capture_output=True, text=True, cwd=tmp_path)
    import json

    report = json.loads(result.stdout)
    from budgetlod.specs import table_specs

    assert report["specs"] == [s.id for s in table_specs()]  # every family's specs, as in the source tree
    assert {f"t{n:02d}" for n in range(1, 12)} | {f"f{n:02d}" for n in range(1, 10)} <= set(report["specs"])
    assert report["context"] == [1.1, {"@id": "obeu-measure:amount", "@type": "xsd:decimal"}]
    assert report["frame"] == ["https://w3id.org/budgetlod/context/v1.jsonld", "Disclosure"]
    assert report["framed"] == {  # pyld, with the context loaded from the installed data
        "@context": "https://w3id.org/budgetlod/context/v1.jsonld",
        "@id": "https://w3id.org/budgetlod/id/disclosure/x",
        "@type": "Disclosure",
        "table": [],  # the frame asks for the tables; a @set: an empty array when there are none
    }
    expected = sorted(p.removeprefix("budgetlod/_data/") for p in source_data_files())
    assert report["files"] == expected

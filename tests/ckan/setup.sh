#!/usr/bin/env bash
# Creates tests/ckan/.venv: CKAN 2.12.0 and ckanext-dcat 2.4.4 with the versions they pin (requirements.txt),
# apart from budgetlod's own venv. Idempotent: when the venv exists and was made from this requirements.txt
# (its SHA-256 is kept in .venv/requirements.sha256), it only checks that ckanext.dcat imports and exits.
# Usage: bash tests/ckan/setup.sh    (PYTHON=python3.11 to choose the interpreter; CKAN needs Python >= 3.10)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
stamp="$venv/requirements.sha256"
want="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    "$venv/bin/python" -c "import ckanext.dcat.processors" && { echo "tests/ckan/.venv is ready"; exit 0; }
    echo "tests/ckan/.venv does not import ckanext.dcat: making it again" >&2
fi
rm -rf "$venv"
"${PYTHON:-python3}" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
"$venv/bin/python" -c "import ckanext.dcat.processors"
echo "$want" > "$stamp"
echo "tests/ckan/.venv made: ckan $("$venv/bin/python" -c 'import ckan; print(ckan.__version__)')"

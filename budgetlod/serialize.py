"""The documented JSON form of the model (``budgetlod parse --json``).

Decimals become strings exactly as printed (``"1487.40"``, never a JSON number:
JSON numbers lose trailing zeros and invite floats); dates become ISO strings;
tuples become lists.  Field order follows the dataclasses.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from decimal import Decimal
from typing import Any

from budgetlod.model import Disclosure

JSON_FORMAT_VERSION = "1"


def to_jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value


def disclosure_json(disclosure: Disclosure) -> str:
    body = {"format": f"budgetlod-parse/{JSON_FORMAT_VERSION}", **to_jsonable(disclosure)}
    return json.dumps(body, ensure_ascii=False, indent=1)

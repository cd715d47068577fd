"""The server's configuration: the settings table, overridden by ``budgetlod serve`` flags."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from budgetlod.settings import setting


@dataclass(frozen=True)
class ServerConfig:
    store_path: Path
    base_iri: str
    query_timeout: float
    row_limit: int
    query_workers: int
    max_request_bytes: int
    cors: bool
    public_base_url: str
    result_cache_bytes: int = 0
    endpoint: str | None = None  # a remote SPARQL 1.1 query endpoint served instead of the store (serve --endpoint)

    @classmethod
    def from_settings(cls, **overrides: Any) -> ServerConfig:
        config = cls(
            store_path=Path(str(setting("store_path"))),
            base_iri=str(setting("base_iri")),
            query_timeout=float(setting("query_timeout")),
            row_limit=int(setting("row_limit")),
            query_workers=int(setting("query_workers")),
            max_request_bytes=int(setting("max_request_bytes")),
            cors=str(setting("cors")).lower() in ("1", "true", "yes", "on"),
            public_base_url=str(setting("public_base_url")),
            result_cache_bytes=int(setting("result_cache_bytes")),
        )
        return replace(config, **{k: v for k, v in overrides.items() if v is not None})

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
    long_queries: int = 2
    slow_query_seconds: float = 1.0
    query_queue: int = 8
    client_queries: int = 2
    worker_memory_bytes: int = 0
    answer_bytes: int = 32 * 1024 * 1024
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
            cors=bool(setting("cors")),
            public_base_url=str(setting("public_base_url")),
            result_cache_bytes=int(setting("result_cache_bytes")),
            long_queries=int(setting("long_queries")),
            slow_query_seconds=float(setting("slow_query_seconds")),
            query_queue=int(setting("query_queue")),
            client_queries=int(setting("client_queries")),
            worker_memory_bytes=int(setting("worker_memory_bytes")),
            answer_bytes=int(setting("answer_bytes")),
        )
        return replace(config, **{k: v for k, v in overrides.items() if v is not None})

"""mypy checks here that both stores satisfy the protocols of :mod:`budgetlod.store.base`; nothing runs.

(A module of its own, above the stores, so that ``base`` imports none of them.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

from budgetlod.store.base import GraphReader, GraphWriter, QuadReader

if TYPE_CHECKING:  # mypy checks that both stores satisfy the protocols; nothing runs
    from pyoxigraph import Store

    from budgetlod.store.embedded import Writer
    from budgetlod.store.remote import RemoteStore
    from budgetlod.store.remote_reader import RemoteReader

    def _conforms(
        writer: Writer, remote: RemoteStore, store: Store, reader: RemoteReader
    ) -> tuple[GraphWriter, GraphWriter, GraphReader, GraphReader, QuadReader, QuadReader]:
        return writer, remote, store, remote, store, reader

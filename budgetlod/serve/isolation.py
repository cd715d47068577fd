"""What a process that runs users' SPARQL may reach: no network, bounded memory, the lowest CPU priority first.

pyoxigraph evaluates ``SERVICE`` by making the HTTP request itself and offers no switch to turn that off, so the
endpoint refuses SERVICE in any spelling before a query is run (:mod:`budgetlod.serve.querycheck`) *and*, as a
second defence, runs queries in processes that have no network at all: :func:`isolate` moves the calling process
into a new, empty network namespace (``unshare(CLONE_NEWNET)``; without the privilege for that, a new user
namespace with its own network namespace, which unprivileged users may make on most Linux systems). There, any
connection fails with "Network is unreachable" — 127.0.0.1 included, as the namespace's loopback is down — while the
store on disk and the pipe to the server still work. Where neither is allowed (another OS, a container that forbids
namespaces) the process keeps the network and :func:`isolate` says why; ``/health`` shows it
(``network_isolation``) and the server logs it once.

:func:`limit_memory` caps the process's data segment (``RLIMIT_DATA``: heap and anonymous mappings, not the store's
memory-mapped files): an allocation past it fails, and Oxigraph aborts the process, which the pool reports as a query
stopped at the memory limit.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import sys

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000


def _unshare(flags: int) -> str | None:
    """None on success, else the OS's reason."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        unshare = libc.unshare
    except (OSError, AttributeError) as exc:
        return f"unshare is not available ({exc})"
    if unshare(flags) == 0:
        return None
    return os.strerror(ctypes.get_errno())


def isolate() -> str:
    """Cut this process off every network (call it first thing in a new, single-threaded process). Returns how:
    ``"network namespace"``, ``"user and network namespace"``, or ``"none: <reason>"``."""
    if not sys.platform.startswith("linux"):
        return f"none: network namespaces are Linux only (this is {sys.platform})"
    reason = _unshare(CLONE_NEWNET)
    if reason is None:
        return "network namespace"
    second = _unshare(CLONE_NEWUSER | CLONE_NEWNET)
    if second is None:
        return "user and network namespace"
    return f"none: unshare(CLONE_NEWNET) failed ({reason}), with a user namespace too ({second})"


def limit_memory(limit_bytes: int) -> None:
    """Cap this process's data segment at ``limit_bytes`` (0: no cap)."""
    if limit_bytes <= 0:
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    cap = limit_bytes if hard == resource.RLIM_INFINITY else min(limit_bytes, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (cap, hard))


def lower_priority(increment: int) -> None:
    """Make this process yield the CPU to the server's own (pages, checks): ``nice`` by ``increment``."""
    with contextlib.suppress(OSError):  # nice only fails past the system's bounds
        os.nice(increment)


def demote(pid: int) -> None:
    """Give another process the lowest CPU priority (a query that has run long)."""
    with contextlib.suppress(OSError):  # it has just ended
        os.setpriority(os.PRIO_PROCESS, pid, 19)


def resident_bytes(pid: int) -> int | None:
    """The anonymous resident memory of a process (``RssAnon`` in ``/proc``: its heap, not the pages of the store's
    files it has read), or None where that cannot be read."""
    try:
        with open(f"/proc/{pid}/status", "rb") as status:
            for line in status:
                if line.startswith(b"RssAnon:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None

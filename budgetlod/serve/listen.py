"""The socket ``budgetlod serve`` listens on, bound before uvicorn starts: a port that cannot be used is one line
and exit code 2 (:class:`PortUnavailable`), never a traceback from inside the server."""

from __future__ import annotations

import errno
import socket

from budgetlod.errors import BudgetlodError


class PortUnavailable(BudgetlodError):
    """``serve`` cannot listen where it was asked to (exit code 2)."""


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` and listening, handed to uvicorn (so no other process can take the port
    between the check and the start); :class:`PortUnavailable` with what to do when it cannot be bound."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn: a port in TIME_WAIT is free
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise PortUnavailable(
                f"port {port} on {host} is taken (by another process): choose another with --port"
            ) from None
        if exc.errno == errno.EACCES:
            raise PortUnavailable(
                f"port {port} on {host} is not allowed (ports below 1024 need privileges): choose another with --port"
            ) from None
        reason = exc.strerror or str(exc)
        raise PortUnavailable(f"cannot listen on {host} port {port}: {reason}: choose another with --host") from None
    sock.set_inheritable(True)
    return sock

"""Running the sandbox: in process (an httpx transport) or over HTTP on loopback.

``in_process_transport`` gives the Publer client an ``httpx.BaseTransport``
that calls the WSGI app directly. ``serve`` binds a threaded stdlib server
to 127.0.0.1 (or another loopback address), reports its URL through
``on_ready`` and serves until SIGTERM or SIGINT. In both, a create chosen by
``drop_after_commit`` loses its answer: the transport raises
``httpx.RemoteProtocolError``; the server closes the socket unanswered.
"""

from __future__ import annotations

import ipaddress
import signal
import socket
import socketserver
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import IO, cast
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, WSGIServer

import httpx

from contentctl.errors import ConfigError
from contentctl.model import Config
from contentctl.publer_facts import DEFAULT_PUBLER_PLAN, RATE_LIMIT_REQUESTS
from contentctl.sandbox.app import PREFIX, SandboxApp
from contentctl.sandbox.faults import Faults, Variants
from contentctl.sandbox.seed import SANDBOX_API_KEY, default_db_path, seed
from contentctl.sandbox.store import Store
from contentctl.sandbox.wsgi import DropConnection

IN_PROCESS_BASE_URL = "http://sandbox.invalid/api/v1"


class SandboxTransport(httpx.WSGITransport):
    """WSGITransport that turns ``DropConnection`` into the error a cut socket gives.

    ``sandbox`` is the app behind it, so tests can read ``transport.sandbox.store``.
    """

    def __init__(self, app: SandboxApp) -> None:
        super().__init__(app=app)
        self.sandbox = app

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return super().handle_request(request)
        except DropConnection:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            ) from None


def in_process_transport(
    config: Config | None,
    *,
    db: Path | str | None = None,
    clock: Callable[[], datetime] | None = None,
    faults: Faults | None = None,
    rate_limit: int | None = RATE_LIMIT_REQUESTS,
    variants: Variants | None = None,
    publer_plan: str | None = DEFAULT_PUBLER_PLAN,
) -> SandboxTransport:
    """A transport serving the sandbox in this process (base URL ``IN_PROCESS_BASE_URL``).

    ``publer_plan`` sets whose daily post limits the jobs enforce; None turns them off.
    """
    if db is None:
        db = default_db_path(config) if config is not None else ":memory:"
    store = Store(db)
    seed(store, config)
    app = SandboxApp(store, clock, faults, rate_limit, variants=variants, publer_plan=publer_plan)
    return SandboxTransport(app)


class _Handler(ServerHandler):
    dropped = False

    def handle_error(self) -> None:
        if isinstance(self._error(), DropConnection):
            self.dropped = True  # write nothing: the socket is closed unanswered
            return
        super().handle_error()

    @staticmethod
    def _error() -> BaseException | None:
        import sys

        return sys.exc_info()[1]


class _RequestHandler(WSGIRequestHandler):
    def handle(self) -> None:
        # Same as WSGIRequestHandler.handle, with a handler that can drop the answer.
        self.raw_requestline = self.rfile.readline(65537)
        if len(self.raw_requestline) > 65536:
            self.send_error(414)
            return
        if not self.parse_request():
            return
        stdout = cast("IO[bytes]", self.wfile)  # a socket file: what ServerHandler writes to
        handler = _Handler(self.rfile, stdout, self.get_stderr(), self.get_environ(),
                           multithread=True)  # fmt: skip
        handler.request_handler = self  # type: ignore[attr-defined]
        handler.run(self.server.get_app())  # type: ignore[attr-defined]
        if handler.dropped:
            self.connection.shutdown(socket.SHUT_RDWR)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: a served sandbox prints only its URL."""


class _Server(socketserver.ThreadingMixIn, WSGIServer):
    # Non-daemon request threads: server_close() waits for answers in flight before
    # the store closes under them.
    daemon_threads = False
    allow_reuse_address = True


class _Server6(_Server):
    address_family = socket.AF_INET6


def _loopback(host: str) -> str:
    if host == "localhost":
        return "127.0.0.1"
    try:
        if ipaddress.ip_address(host).is_loopback:
            return host
    except ValueError:
        pass
    raise ConfigError(
        f"the sandbox only listens on a loopback address, not {host!r}",
        hint="use --host 127.0.0.1 (the default)",
    )


def serve(
    db: Path | str,
    config: Config | None,
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    faults: Faults = Faults(),  # noqa: B008  # frozen, so sharing the default is safe
    rate_limit: int | None = RATE_LIMIT_REQUESTS,
    on_ready: Callable[[str, str, str], None],
    variants: Variants | None = None,
    stop: threading.Event | None = None,
    clock_skew: float = 0.0,
    publer_plan: str | None = DEFAULT_PUBLER_PLAN,
) -> None:
    """Serve until SIGTERM/SIGINT (or ``stop`` is set), then return."""
    address = _loopback(host)
    store = Store(db)
    try:
        info = seed(store, config)
        app = SandboxApp(store, None, faults, rate_limit, variants=variants,
                         clock_skew=clock_skew, publer_plan=publer_plan)  # fmt: skip
        server_class = _Server6 if ":" in address else _Server
        try:
            server = server_class((address, port), _RequestHandler)
        except OSError as exc:
            raise ConfigError(f"cannot listen on {address}:{port}: {exc.strerror}") from None
        server.set_app(app)
        shown = f"[{address}]" if ":" in address else address
        url = f"http://{shown}:{server.server_address[1]}{PREFIX}"
        _serve_until_stopped(server, lambda: on_ready(url, SANDBOX_API_KEY, info.workspace_id),
                             stop or threading.Event())  # fmt: skip
    finally:
        store.close()


def _serve_until_stopped(server: _Server, ready: Callable[[], None], stop: threading.Event) -> None:
    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous: dict[signal.Signals, Callable[[int, FrameType | None], object] | int | None] = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.signal(signum, on_signal)
    worker = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              name="sandbox-server", daemon=True)  # fmt: skip
    worker.start()
    try:
        ready()
        # A timed wait, so the signal handler gets to run on the main thread.
        while not stop.wait(0.2):
            pass
    finally:
        server.shutdown()
        server.server_close()
        worker.join()
        for signum, handler in previous.items():
            signal.signal(signum, handler)

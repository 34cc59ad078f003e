"""The desk served by uvicorn in a thread of `minutier serve`, stopped with it."""

from __future__ import annotations

import logging
import socket
import threading
import time
from types import TracebackType
from typing import TYPE_CHECKING

from pipeline.errors import PipelineError
from service.layout import Home
from service.settings import DeskSettings, ServiceConfig

if TYPE_CHECKING:
    import uvicorn

logger = logging.getLogger(__name__)


class DeskError(PipelineError):
    """The desk cannot start (its port is taken)."""


def desk_url(desk: DeskSettings) -> str:
    host = f"[{desk.host}]" if ":" in desk.host else desk.host
    return f"http://{host}:{desk.port}"


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


class DeskServer:
    """``with DeskServer(settings):`` serves the desk until the block ends.

    Raises:
        DeskError: on entering, when something already listens on the desk's port.
    """

    def __init__(self, settings: ServiceConfig) -> None:
        self.settings = settings
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return desk_url(self.settings.desk)

    def __enter__(self) -> DeskServer:
        import uvicorn

        from desk.app import create_app

        desk = self.settings.desk
        if not _port_free(desk.host, desk.port):
            raise DeskError(
                f"the review desk's port {desk.port} on {desk.host} is taken: set [desk] port to a free one"
            )
        missing = [u.name for u in desk.users if u.name not in _users_with_password(self.settings)]
        if missing:
            logger.warning("Review desk: no password yet for %s (set one: minutier desk add-user NAME)", missing)
        config = uvicorn.Config(
            create_app(self.settings),
            host=desk.host,
            port=desk.port,
            log_level="warning",
            access_log=False,
            proxy_headers=bool(desk.trusted_proxies),
            forwarded_allow_ips=list(desk.trusted_proxies),  # named here, never read from the environment
        )
        server = uvicorn.Server(config)
        self._server = server
        self._thread = threading.Thread(target=server.run, name="review-desk", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 30
        while not server.started and self._thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        if not server.started:
            raise DeskError(f"the review desk did not start on {self.url} (see the log above)")
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)


def _users_with_password(settings: ServiceConfig) -> set[str]:
    from desk.accounts import read_hashes

    return set(read_hashes(Home(settings.service.home_dir).desk))

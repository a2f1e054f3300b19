"""Running the platform sandbox: `serve` in this process, `PlatformSandbox` as a child.

The server binds its socket itself before uvicorn starts, so port 0 yields a free port
with no window for another process to take it, and announces itself with exactly one
stdout line, `READY http://<host>:<port>`, once uvicorn accepts connections. Nothing else
goes to stdout; uvicorn's own warnings go to stderr, the access log is off (at seed
volumes it would be millions of lines).
"""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import IO, TextIO

from erpsync.errors import ErpsyncError

__all__ = ["PlatformSandbox", "SandboxStartFailed", "serve"]

_READY = "READY "


class SandboxStartFailed(ErpsyncError):
    """The sandbox process died or did not announce itself in time."""


def serve(
    store_path: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    max_batch: int = 1000,
    allow_faults: bool = False,
    exit_with_parent: bool = False,
    out: TextIO = sys.stdout,
) -> None:
    """Serve the sandbox API until SIGTERM/SIGINT (or, with `exit_with_parent`, until
    stdin closes: the parent holds the other end, so a parent that dies, even by
    SIGKILL, never leaves an orphaned sandbox holding the store)."""
    import uvicorn

    from sandbox.platform.app import create_app

    class ReadyServer(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets)
            if not self.should_exit:
                print(ready_line, file=out, flush=True)

    app = create_app(store_path, max_batch=max_batch, allow_faults=allow_faults)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose
    # proto says TCP, and without it every response's body waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    ready_line = f"{_READY}http://{shown}:{bound}"
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="on", timeout_keep_alive=30
    )
    if exit_with_parent:
        threading.Thread(target=_exit_on_stdin_eof, name="parent-watch", daemon=True).start()
    ReadyServer(config).run(sockets=[sock])


def _exit_on_stdin_eof() -> None:
    while sys.stdin.buffer.read(4096):
        pass
    os.kill(os.getpid(), signal.SIGTERM)  # uvicorn's own graceful shutdown


class PlatformSandbox:
    """The sandbox in a child process (`python -m sandbox.platform serve`), for a command,
    a test session or the benchmark."""

    def __init__(
        self,
        store_path: str | Path,
        *,
        max_batch: int = 1000,
        allow_faults: bool = False,
        startup_timeout: float = 30,
        host: str = "127.0.0.1",
    ) -> None:
        self.store_path = Path(store_path)
        self.max_batch = max_batch
        self.allow_faults = allow_faults
        self.startup_timeout = startup_timeout
        self.host = host
        self._proc: subprocess.Popen[str] | None = None
        self._stderr: IO[bytes] | None = None
        self._url: str | None = None

    def __repr__(self) -> str:
        return f"PlatformSandbox(store={str(self.store_path)!r}, url={self._url!r})"

    @property
    def url(self) -> str:
        if self._url is None:
            raise RuntimeError("the platform sandbox is not running; call start() first")
        return self._url

    @property
    def pid(self) -> int:
        if self._proc is None:
            raise RuntimeError("the platform sandbox is not running; call start() first")
        return self._proc.pid

    def start(self) -> PlatformSandbox:
        if self._proc is not None:
            raise RuntimeError("the platform sandbox is already running")
        cmd = [
            sys.executable, "-m", "sandbox.platform", "serve",
            "--store", str(self.store_path), "--host", self.host, "--port", "0",
            "--max-batch", str(self.max_batch), "--exit-with-parent",
        ]  # fmt: skip
        if self.allow_faults:
            cmd.append("--allow-faults")
        # Lives as long as the child; stop() closes it.
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115
        self._proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            self._url = self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self) -> str:
        assert self._proc is not None and self._proc.stdout is not None
        lines: queue.Queue[str | None] = queue.Queue()
        stdout = self._proc.stdout

        def pump() -> None:
            # Keeps draining after READY, so the child can never block on a full pipe.
            with stdout:
                for line in stdout:
                    lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, name="platform-sandbox-stdout", daemon=True).start()
        deadline = time.monotonic() + self.startup_timeout
        while True:
            left = deadline - time.monotonic()
            try:
                line = lines.get(timeout=max(left, 0.01))
            except queue.Empty:
                raise SandboxStartFailed(
                    f"platform sandbox did not start within {self.startup_timeout:g}s"
                    f"{self._stderr_tail()}"
                ) from None
            if line is None:
                code = self._proc.wait()
                raise SandboxStartFailed(
                    f"platform sandbox exited with code {code} before it was ready"
                    f"{self._stderr_tail()}"
                )
            if line.startswith(_READY):
                return line[len(_READY) :].strip()

    def _stderr_tail(self, lines: int = 15) -> str:
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        text = self._stderr.read().decode(errors="replace").strip().splitlines()[-lines:]
        return (": " + "\n".join(text)) if text else ""

    def stop(self, grace: float = 10) -> None:
        proc, self._proc, self._url = self._proc, None, None
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc is not None and proc.stdin is not None:
            proc.stdin.close()  # after the exit: its EOF would be a second SIGTERM
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def __enter__(self) -> PlatformSandbox:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

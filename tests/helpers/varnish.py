"""A real Varnish in front of the live test server, running the VCL kept in deploy/varnish/.

The ``varnish`` fixture gives a running cache whose backend is pytest-django's ``live_server``,
emptied before each test, with the application's purges sent to it
(``FRONTEND_CACHE_BACKEND="varnish"``). ``varnish.get(path)`` asks it for a page; the answer's
``X-Cache`` header says ``HIT``, ``MISS`` or ``PASS``. One ``varnishd`` serves the whole session.

Varnish is Debian's (``apt-get install varnish varnish-modules``, the latter for the xkey vmod).
Outside CI a missing ``varnishd`` or xkey vmod skips these tests with the reason; under CI
(``CI=true``) it fails them, so a broken install cannot pass silently.
"""

import glob
import http.client
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from http.client import HTTPMessage
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.helpers.tools import require_tool

PROJECT = Path(__file__).resolve().parents[2]
VCL = PROJECT / "deploy" / "varnish" / "newsroom.vcl"
VARNISHD = Path(os.environ.get("VARNISHD", "/usr/sbin/varnishd"))
VARNISHADM = Path(os.environ.get("VARNISHADM", "/usr/bin/varnishadm"))
XKEY_VMOD = "/usr/lib/*/varnish/vmods/libvmod_xkey.so"
BACKEND_VCL = """\
backend default {{
    .host = "{host}";
    .port = "{port}";
}}
"""
START_TIMEOUT = 30


@dataclass
class Response:
    status: int
    reason: str
    headers: HTTPMessage
    body: str


@dataclass
class Varnish:
    url: str
    directory: Path
    process: subprocess.Popen

    @property
    def port(self) -> int:
        return urlsplit(self.url).port

    def request(
        self,
        method: str,
        path: str,
        headers: dict | None = None,
        source: str = "127.0.0.1",
        body: str | None = None,
    ) -> Response:
        """Send one request from ``source``, an address of this machine."""
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=10, source_address=(source, 0)
        )
        try:
            connection.request(method, path, body=body, headers=headers or {})
            answer = connection.getresponse()
            body = answer.read().decode()
            return Response(answer.status, answer.reason, answer.headers, body)
        finally:
            connection.close()

    def get(self, path: str, headers: dict | None = None) -> Response:
        return self.request("GET", path, headers)

    def admin(self, *command: str) -> str:
        """Run a varnishadm command against this Varnish: ``admin("ban", "req.url", "~", ".")``."""
        done = subprocess.run(
            [VARNISHADM, "-n", str(self.directory / "work"), *command],
            capture_output=True,
            text=True,
            timeout=30,
        )
        if done.returncode != 0:
            raise RuntimeError(f"varnishadm {' '.join(command)}: {done.stdout}{done.stderr}")
        return done.stdout

    def empty(self) -> None:
        """Forget every stored response, and let the backend's health be probed again."""
        self.admin("ban", "obj.status", "!=", "0")
        self.admin("backend.set_health", "default", "auto")

    def log(self) -> str:
        return (self.directory / "varnishd.log").read_text(errors="replace")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_varnish(backend_host: str, backend_port: int) -> Varnish:
    """Start ``varnishd`` in the foreground on a free port of 127.0.0.1, with the repository's
    VCL and its own working directory; wait until it answers."""
    for name, tool in (("varnishd", VARNISHD), ("varnishadm", VARNISHADM)):
        require_tool(tool.exists(), f"{name} not found at {tool} (apt-get install varnish)")
    require_tool(
        bool(glob.glob(XKEY_VMOD)),
        "Varnish's xkey vmod not found (apt-get install varnish-modules)",
    )
    # Varnish compiles the VCL as its own unprivileged user, who may not be able to read the
    # checkout: the repository's VCL runs from a copy, beside the backend.vcl it includes.
    directory = Path(tempfile.mkdtemp(prefix="newsroom-varnish-"))
    directory.chmod(0o755)
    shutil.copy(VCL, directory)
    (directory / "backend.vcl").write_text(
        BACKEND_VCL.format(host=backend_host, port=backend_port)
    )
    port = free_port()
    with open(directory / "varnishd.log", "wb") as log:
        process = subprocess.Popen(
            [
                VARNISHD,
                "-F",
                "-n", str(directory / "work"),
                "-a", f"127.0.0.1:{port}",
                "-T", "127.0.0.1:0",
                "-f", str(directory / VCL.name),
                "-p", f"vcl_path={directory}",
                "-s", "malloc,32m",
                "-p", "thread_pools=1",
                "-p", "thread_pool_min=5",
                "-p", "thread_pool_max=50",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    varnish = Varnish(f"http://127.0.0.1:{port}", directory, process)
    try:
        wait_until_answering(varnish)
    except BaseException:
        stop_varnish(varnish)
        raise
    return varnish


def wait_until_answering(varnish: Varnish) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if varnish.process.poll() is not None:
            pytest.fail(f"varnishd stopped at start:\n{varnish.log()}", pytrace=False)
        try:
            # Answered by the VCL itself, without the backend: a purge naming no keys.
            if varnish.request("PURGE", "/").status == 400:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(
                f"varnishd did not answer within {START_TIMEOUT} s:\n{varnish.log()}",
                pytrace=False,
            )
        time.sleep(0.1)


def stop_varnish(varnish: Varnish) -> None:
    varnish.process.terminate()
    try:
        varnish.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        varnish.process.kill()
        varnish.process.wait()
    shutil.rmtree(varnish.directory, ignore_errors=True)


@pytest.fixture(scope="session")
def varnish_server(live_server):
    backend = urlsplit(live_server.url)
    # The live server listens on IPv4; "localhost" could resolve to ::1 as well, which
    # Varnish refuses for a backend.
    host = "127.0.0.1" if backend.hostname == "localhost" else backend.hostname
    varnish = start_varnish(host, backend.port)
    yield varnish
    stop_varnish(varnish)


@pytest.fixture
def varnish(varnish_server, settings):
    """A running Varnish in front of ``live_server``, empty, receiving the application's purges."""
    varnish_server.empty()
    settings.FRONTEND_CACHE_BACKEND = "varnish"
    settings.FRONTEND_CACHE_URL = [varnish_server.url]
    return varnish_server

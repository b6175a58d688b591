"""The purge backends of caching.frontends, against small HTTP receivers on this machine.

How Varnish itself takes the purges is in test_varnish.py.
"""

import logging
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured

from caching import frontends


class Receiver(ThreadingHTTPServer):
    """Records the requests it gets and answers each with ``status``."""

    def __init__(self, status=200):
        super().__init__(("127.0.0.1", 0), ReceiverHandler)
        self.status = status
        self.received: list[tuple[str, str, dict[str, str]]] = []

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


class ReceiverHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep the connection open between purges, as a cache does

    def do_PURGE(self):
        self.server.received.append((self.command, self.path, dict(self.headers)))
        self.send_response(self.server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    servers = []

    def start(status=200):
        server = Receiver(status)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def closed_port():
    """The address of a port on which nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def use(settings, backend, *urls):
    settings.FRONTEND_CACHE_BACKEND = backend
    settings.FRONTEND_CACHE_URL = list(urls)


def test_the_http_backend_sends_one_purge_per_key_with_its_surrogate_key(settings, receiver):
    cache = receiver()
    use(settings, "http", cache.url + "/purge")

    frontends.purge(["story-1", "list-all"])

    assert [
        (method, path, headers["Surrogate-Key"]) for method, path, headers in cache.received
    ] == [
        ("PURGE", "/purge", "story-1"),
        ("PURGE", "/purge", "list-all"),
    ]


def test_the_varnish_backend_sends_the_keys_in_xkey_purge_headers(settings, receiver):
    cache = receiver()
    use(settings, "varnish", cache.url)

    frontends.purge(["story-1", "list-all"])

    assert [(method, path, headers["xkey-purge"]) for method, path, headers in cache.received] == [
        ("PURGE", "/", "story-1 list-all")
    ]


def test_many_keys_are_sent_in_few_requests_of_bounded_header_length(settings, receiver):
    cache = receiver()
    use(settings, "varnish", cache.url)
    keys = [f"list-archive-2026-01-{n:04}" for n in range(3000)]

    frontends.purge(keys)

    headers = [headers["xkey-purge"] for _, _, headers in cache.received]
    assert all(len(header) <= frontends.MAX_HEADER_LENGTH for header in headers)
    assert [key for header in headers for key in header.split(" ")] == keys
    total = sum(len(key) + 1 for key in keys)
    assert len(headers) == -(-total // frontends.MAX_HEADER_LENGTH)


def test_each_key_is_purged_once(settings, receiver):
    cache = receiver()
    use(settings, "http", cache.url)

    frontends.purge(["story-1", "list-all", "story-1"])

    assert [headers["Surrogate-Key"] for _, _, headers in cache.received] == [
        "story-1",
        "list-all",
    ]


@pytest.mark.parametrize("key", ["", "story 1", "story-1,list-all", "story-1\r\nX-Evil: 1", "é"])
def test_a_key_that_is_not_a_header_token_is_refused_with_an_error(
    settings, receiver, caplog, key
):
    cache = receiver()
    use(settings, "varnish", cache.url)

    frontends.purge([key, "story-2"])

    assert [headers["xkey-purge"] for _, _, headers in cache.received] == ["story-2"]
    assert [record.levelno for record in caplog.records] == [logging.ERROR]


def test_every_configured_cache_receives_the_purge(settings, receiver):
    first, second = receiver(), receiver()
    settings.FRONTEND_CACHE_BACKEND = "varnish"
    settings.FRONTEND_CACHE_URL = f"{first.url}, {second.url}"

    frontends.purge(["story-1"])

    assert len(first.received) == len(second.received) == 1


def test_backend_none_sends_nothing(settings, receiver):
    cache = receiver()
    use(settings, "none", cache.url)

    frontends.purge(["story-1"])

    assert cache.received == []


def test_a_cache_that_is_down_is_logged_once_and_never_raises(settings, closed_port, caplog):
    use(settings, "varnish", closed_port)

    frontends.purge([f"tag-{n}" for n in range(3000)])

    assert [(record.levelno, record.name) for record in caplog.records] == [
        (logging.WARNING, "caching.frontends")
    ]
    assert f"Could not purge 3000 keys from {closed_port}" in caplog.records[0].getMessage()


def test_a_cache_that_is_down_does_not_keep_the_others_from_their_purge(
    settings, receiver, closed_port, caplog
):
    cache = receiver()
    use(settings, "http", closed_port, cache.url)

    frontends.purge(["story-1", "list-all"])

    assert len(cache.received) == 2
    assert len(caplog.records) == 1


def test_a_cache_that_refuses_is_logged_with_its_answer(settings, receiver, caplog):
    cache = receiver(status=403)
    use(settings, "varnish", cache.url)

    frontends.purge(["story-1"])

    assert "answered 403 Forbidden" in caplog.records[0].getMessage()
    assert len(caplog.records) == 1


def test_a_cache_that_does_not_answer_is_given_up_after_the_timeout(settings, caplog):
    # Connections are accepted by the kernel, but no answer ever comes.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        use(settings, "varnish", f"http://127.0.0.1:{silent.getsockname()[1]}")
        settings.FRONTEND_CACHE_TIMEOUT = 0.3

        started = time.monotonic()
        frontends.purge(["story-1"])
        elapsed = time.monotonic() - started

    assert elapsed < 2
    assert "timed out" in caplog.records[0].getMessage()


def test_an_address_that_is_not_http_is_logged(settings, caplog):
    use(settings, "varnish", "ftp://cache.example")

    frontends.purge(["story-1"])

    assert "is not an http:// or https:// address" in caplog.records[0].getMessage()


def test_an_unknown_backend_is_a_configuration_error(settings):
    settings.FRONTEND_CACHE_BACKEND = "fastly"

    with pytest.raises(ImproperlyConfigured, match="FRONTEND_CACHE_BACKEND is 'fastly'"):
        frontends.purge(["story-1"])

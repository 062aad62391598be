"""A real HTTP server on 127.0.0.1 playing a unit's survey API, for the http source tests."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


@dataclass
class SurveyApi:
    records: list[dict]
    token: str = "rahasia-token"
    fail_first: int = 0
    """Answer `failure_status` to this many requests before answering properly."""
    failure_status: int = 503
    malformed: bool = False
    delay: float = 0.0
    html: bool = False
    """Answer 200 with an HTML page (a login or maintenance page) instead of JSON."""
    endless_bytes: int = 0
    """Stream a JSON body of this many bytes without a Content-Length, counting what was sent."""
    bytes_sent: int = 0
    requests: list[str] = field(default_factory=list)

    def answer(self, path: str, query: dict, authorization: str | None) -> tuple[int, bytes]:
        self.requests.append(path + ("?" + "&".join(f"{k}={v[0]}" for k, v in query.items()) if query else ""))
        time.sleep(self.delay)
        if authorization != f"Bearer {self.token}":
            return 401, b'{"error": "unauthorised"}'
        if self.fail_first > 0:
            self.fail_first -= 1
            return self.failure_status, b"<html>Service Unavailable</html>"
        if self.html:
            return 200, b"<!DOCTYPE html><html><body><h1>Silakan login</h1></body></html>"
        if self.malformed:
            return 200, b'{"data": [{"id": "1", "u1_persyaratan": 4'
        if path == "/api/v1/responses":
            page, size = int(query.get("page", ["1"])[0]), int(query.get("per_page", ["100"])[0])
            return 200, json.dumps({"data": self.records[(page - 1) * size : page * size]}).encode()
        if path == "/api/v2/responses":  # next-link pagination, three records a page
            start = int(query.get("cursor", ["0"])[0])
            following = f"/api/v2/responses?cursor={start + 3}" if start + 3 < len(self.records) else None
            return 200, json.dumps({"data": self.records[start : start + 3], "next": following}).encode()
        return 404, b'{"error": "not found"}'


@contextmanager
def serve(api: SurveyApi) -> Iterator[str]:
    """Run the API on a free loopback port; yields its base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlparse(self.path)
            status, body = api.answer(url.path, parse_qs(url.query), self.headers.get("Authorization"))
            if status == 200 and api.endless_bytes:
                self._stream(api.endless_bytes)
                return
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError):  # the client gave up waiting (the timeout test)
                self.wfile.write(body)

        def _stream(self, size: int) -> None:
            """A body of `size` bytes in 64 KiB chunks, ended by closing the connection (no Content-Length)."""
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Connection", "close")
            self.end_headers()
            chunk = b'{"data": [' + b" " * ((1 << 16) - 10)
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                while api.bytes_sent < size:
                    self.wfile.write(chunk)
                    api.bytes_sent += len(chunk)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()

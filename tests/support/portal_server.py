"""The unit portal served by uvicorn on 127.0.0.1, and a client that uses it as a browser's form posts do."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
import uvicorn

from tests.support.postgres_server import free_port

REPO = Path(__file__).resolve().parents[2]


@contextmanager
def portal_server() -> Iterator[str]:
    """The portal, built from the environment as it is now, in a thread of this process; yields its base URL."""
    from pipelines.portal.app import create_app

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the portal did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def portal_process(env: dict[str, str], log: Path) -> Iterator[str]:
    """The portal as operators run it (`python -m pipelines portal serve`) with `env`; yields its base URL."""
    port = free_port()
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "pipelines", "portal", "serve", "--port", str(port)],
            env=env, cwd=REPO, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, f"the portal exited:\n{log.read_text()[-3000:]}"
            try:
                if requests.get(f"{base_url}/kesehatan", timeout=5).ok:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, f"the portal did not answer:\n{log.read_text()[-3000:]}"
            time.sleep(0.2)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=15)


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"no hidden field {name} in the page"
    return found.group(1)


class PortalClient:
    """One browser: its own cookies; every request goes to the portal over HTTP."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = requests.Session()

    def get(self, path: str, **options) -> requests.Response:
        return self.http.get(self.base_url + path, allow_redirects=False, timeout=30, **options)

    def post(self, path: str, **options) -> requests.Response:
        return self.http.post(self.base_url + path, allow_redirects=False, timeout=30, **options)

    def login(self, username: str, password: str) -> requests.Response:
        token = hidden(self.get("/masuk").text, "login_token")
        return self.post("/masuk", data={"username": username, "password": password, "login_token": token})

    def csrf(self, path: str = "/sandi") -> str:
        return hidden(self.get(path).text, "csrf_token")

    def upload(self, name: str, data: bytes, **fields) -> requests.Response:
        return self.post("/unggah", data={"csrf_token": self.csrf(), **fields}, files={"berkas": (name, data)})

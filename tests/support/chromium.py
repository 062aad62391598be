"""Headless Chromium (Debian's `chromium` package) to open pages the way a reader's browser does."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

FLAGS = [
    "--headless",
    "--no-sandbox",  # tests run as root in containers
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-extensions",
    "--disable-background-networking",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # no waiting on CDNs: loopback and files only
]


def _run(arguments: list[str], home: Path) -> str:
    binary = shutil.which("chromium")
    assert binary, "Debian's chromium package is missing: `make test` installs it (ensure-debian-packages.sh)"
    home.mkdir(parents=True, exist_ok=True)
    environment = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"),
                   "XDG_CACHE_HOME": str(home / "cache")}  # fmt: skip
    completed = subprocess.run(
        [binary, *FLAGS, f"--user-data-dir={home / 'profile'}", *arguments],
        env=environment, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-2000:]
    return completed.stdout


def rendered_dom(page: Path, home: Path) -> str:
    return _run(["--dump-dom", page.as_uri()], home)


def screenshot(page: Path, image: Path, home: Path, width: int = 1280, height: int = 1600) -> None:
    _run(["--hide-scrollbars", f"--window-size={width},{height}", f"--screenshot={image}", page.as_uri()], home)


def png_size_and_distinct_bytes(image: Path) -> tuple[int, int, int]:
    """Width, height and how many distinct byte values the pixel data holds (a blank page has very few)."""
    data = image.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{image} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    position, pixels = 8, b""
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        if kind == b"IDAT":
            pixels += data[position + 8 : position + 8 + length]
        position += length + 12
    return width, height, len(set(zlib.decompress(pixels)))

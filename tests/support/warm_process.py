"""Processes forked from a warm interpreter: each run is a process of its own, which may be killed at any moment
or run beside another, without paying Python's start-up and the GX import (several seconds) again.

The interpreter imports the given modules once, then forks one child per `start`; a child sets its environment,
optionally makes a function kill its own process (SIGKILL, no clean-up), runs its code, and writes its output
to its own log.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.airflow_cli import REPO

SERVER = r"""
import importlib, json, os, signal, sys, traceback
for module in sys.argv[1:]:
    importlib.import_module(module)
requests, replies = sys.stdin, os.fdopen(os.dup(1), "w")
for line in requests:
    request = json.loads(line)
    if request["op"] == "wait":
        _, status = os.waitpid(request["pid"], 0)
        print(json.dumps(os.waitstatus_to_exitcode(status)), file=replies, flush=True)
        continue
    pid = os.fork()
    if pid:
        print(json.dumps(pid), file=replies, flush=True)
        continue
    status = 1
    try:
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(log, 1), os.dup2(log, 2)
        os.environ.update(request["env"])
        if request["killed_at"]:
            module, _, name = request["killed_at"].rpartition(".")
            kill = lambda *args, **kwargs: os.kill(os.getpid(), signal.SIGKILL)
            setattr(importlib.import_module(module), name, kill)
        exec(request["code"], {"__name__": "__main__"})
        status = 0
    except SystemExit as stop:
        status = stop.code if isinstance(stop.code, int) else 1
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush(), sys.stderr.flush()
        os._exit(status)
"""


class WarmInterpreter:
    def __init__(self, process: subprocess.Popen, logs: Path) -> None:
        self._process, self._logs, self._started = process, logs, 0

    def _ask(self, request: dict) -> int:
        self._process.stdin.write(json.dumps(request) + "\n")
        self._process.stdin.flush()
        return json.loads(self._process.stdout.readline())

    def start(self, code: str, env: dict[str, str], killed_at: str | None = None) -> tuple[int, Path]:
        """Fork a child running `code`; returns its pid and its log. `killed_at` names a function (module.name)
        whose call kills the child."""
        self._started += 1
        log = self._logs / f"run-{self._started}.log"
        request = {"op": "start", "code": code, "env": env, "killed_at": killed_at, "log": str(log)}
        return self._ask(request), log

    def wait(self, pid: int) -> int:
        """The child's exit code; minus the signal's number when a signal killed it."""
        return self._ask({"op": "wait", "pid": pid})

    def run(self, code: str, env: dict[str, str], killed_at: str | None = None) -> tuple[int, str]:
        pid, log = self.start(code, env, killed_at)
        return self.wait(pid), log.read_text(errors="replace")


@contextmanager
def warm_interpreter(logs: Path, *modules: str) -> Iterator[WarmInterpreter]:
    """An interpreter that has imported `modules` (from the repository, as the tests see it), stopped after."""
    logs.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER, *modules],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield WarmInterpreter(process, logs)
    finally:
        process.stdin.close()
        process.wait(timeout=60)

"""Open a page in headless Chromium and look at it: the DOM, console errors, a screenshot.

Speaks the Chrome DevTools Protocol over ``--remote-debugging-pipe`` (two file descriptors,
JSON messages ended by a NUL byte), so it needs only the standard library and Debian's
``chromium``: no webdriver, no websocket client, no browser download. Console messages,
uncaught exceptions and browser log entries of level error (a resource that failed to
load, a Content-Security-Policy violation) are collected as ``errors``.

Without ``chromium`` the checks are skipped, saying so; under CI (``CI`` set) a missing
browser fails instead, because ``.ci/run`` installs it.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: Screenshots of the pages checked, kept after the run for a person to look at.
ARTIFACTS = Path(os.environ.get("TRUCE_TEST_ARTIFACTS", ROOT / "build" / "test-artifacts"))
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
)


def chromium() -> str:
    """The browser's path, or skip (fail under CI) when it is not installed."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    message = "chromium is not installed: browser checks skipped (apt-get install chromium; .ci/run installs it)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


class Page:
    """One loaded page: evaluate expressions in it, read what went wrong, take a screenshot."""

    def __init__(self, url: str, *, width: int = 1280, height: int = 900, timeout: float = 60) -> None:
        self.errors: list[str] = []
        self._timeout = timeout
        self._next = 0
        self._events: list[dict[str, Any]] = []
        self._profile = tempfile.TemporaryDirectory(prefix="truce-chromium-")
        to_browser_read, to_browser_write = _above_4(os.pipe())
        from_browser_read, from_browser_write = _above_4(os.pipe())
        command = [
            chromium(),
            *FLAGS,
            "--remote-debugging-pipe",
            f"--user-data-dir={self._profile.name}",
            f"--window-size={width},{height}",
            "about:blank",
        ]
        # the protocol expects its pipes as fds 3 (commands in) and 4 (replies out)
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            preexec_fn=_dup_to(to_browser_read, from_browser_write),
        )
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._out = os.fdopen(to_browser_write, "wb", buffering=0)
        self._in = os.fdopen(from_browser_read, "rb", buffering=0)
        self._buffer = b""
        target = self._call("Target.createTarget", url="about:blank")["targetId"]
        self._session = self._call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self._call(f"{domain}.enable", session=True)
        self._call("Page.navigate", session=True, url=url)
        self._wait("Page.loadEventFired")
        time.sleep(0.3)  # late console messages and resource errors
        self._drain()

    def evaluate(self, expression: str) -> Any:
        """The JSON value of ``expression`` evaluated in the page (DevTools evaluation is not bound by its CSP)."""
        reply = self._call("Runtime.evaluate", session=True, expression=expression, returnByValue=True)
        if "exceptionDetails" in reply:
            raise AssertionError(f"{expression}: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def screenshot(self, name: str) -> Path:
        """A full-page PNG in the artifacts directory; returns its path."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        size = self._call("Page.getLayoutMetrics", session=True)["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 12000), "scale": 1}
        data = self._call("Page.captureScreenshot", session=True, format="png", clip=clip, captureBeyondViewport=True)
        path = ARTIFACTS / name
        path.write_bytes(base64.b64decode(data["data"]))
        return path

    def close(self) -> None:
        with contextlib.suppress(OSError, AssertionError, TimeoutError):
            self._call("Browser.close")
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._out.close()
        self._in.close()
        self._profile.cleanup()

    def __enter__(self) -> Page:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the protocol -----------------------------------------------------------------

    def _call(self, method: str, *, session: bool = False, **params: Any) -> dict[str, Any]:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if session:
            message["sessionId"] = self._session
        self._out.write(json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise AssertionError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self._note(reply)

    def _wait(self, event: str) -> dict[str, Any]:
        for seen in self._events:
            if seen.get("method") == event:
                return seen
        while True:
            message = self._read()
            self._note(message)
            if message.get("method") == event:
                return message

    def _drain(self) -> None:
        self.evaluate("1")  # a round trip: every event sent before its reply has been read

    def _note(self, message: dict[str, Any]) -> None:
        self._events.append(message)
        method, params = message.get("method"), message.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert", "warning"):
            texts = [str(a.get("value", a.get("description", ""))) for a in params.get("args", [])]
            self.errors.append(f"console.{params['type']}: {' '.join(texts)}")
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            self.errors.append(f"exception: {details.get('exception', {}).get('description', details.get('text'))}")
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            self.errors.append(f"{entry.get('source')}: {entry.get('text')} {entry.get('url', '')}".strip())

    def _read(self) -> dict[str, Any]:
        deadline = time.monotonic() + self._timeout
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("no reply from chromium")
            chunk = self._in.read(65536)
            if not chunk:
                raise AssertionError("chromium closed its pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        parsed: dict[str, Any] = json.loads(message)
        return parsed


def _above_4(fds: tuple[int, int]) -> tuple[int, int]:
    """The pipe's ends moved above fd 4, so putting them on 3 and 4 in the child cannot clobber one."""
    import fcntl

    moved = tuple(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in fds)
    for fd in fds:
        os.close(fd)
    return moved[0], moved[1]


def _dup_to(commands: int, replies: int) -> Any:
    def setup() -> None:
        os.dup2(commands, 3)
        os.dup2(replies, 4)

    return setup

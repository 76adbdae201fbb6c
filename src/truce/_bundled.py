"""The agreements shipped with truce, and a pre-parsed snapshot of their YAML.

The YAML files in ``truce/agreements/`` are the source of truth (their comments carry the
provenance notes). Parsing them needs PyYAML, whose import alone costs more than a third
of what ``truce blockers gaza-2025 phase_two`` may take from start to finish, so the same
data also ships pre-parsed in ``agreements/parsed.json``. Each entry records the size and
CRC-32 of the YAML it came from; a YAML file edited since (or a snapshot missing) is simply
parsed, so the snapshot can make loading faster but never different. ``make bundle``
rewrites it and a test fails while it is stale.

The folder is read with ``os`` rather than ``pathlib`` or ``importlib.resources`` (a few ms
of imports each); a zipped install falls back to ``importlib.resources``.
"""

from __future__ import annotations

import json
import os
import sys
import zlib
from typing import Any

from truce._yaml import read_yaml

__all__ = ["names", "parsed", "read_bytes", "snapshot"]

FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "agreements")
SNAPSHOT = "parsed.json"
FORMAT = 1
_snapshot: dict[str, Any] | None = None


def read_bytes(filename: str) -> bytes | None:
    """The bytes of a file in the bundled folder, or None if there is no such file."""
    if os.path.isdir(FOLDER):
        try:
            with open(os.path.join(FOLDER, filename), "rb") as file:
                return file.read()
        except FileNotFoundError:
            return None
    from importlib import resources

    entry = resources.files("truce").joinpath("agreements", filename)
    return entry.read_bytes() if entry.is_file() else None


def _listing() -> list[str]:
    if os.path.isdir(FOLDER):
        return os.listdir(FOLDER)
    from importlib import resources

    return [entry.name for entry in resources.files("truce").joinpath("agreements").iterdir()]


def names() -> list[str]:
    """The bundled agreement names, sorted."""
    return sorted(
        entry.removesuffix(".yaml")
        for entry in _listing()
        if entry.endswith(".yaml") and not entry.endswith(".events.yaml")
    )


def _fingerprint(raw: bytes) -> list[int]:
    return [len(raw), zlib.crc32(raw)]


def parsed(filename: str, raw: bytes) -> Any:
    """The snapshot's parse of ``filename`` if it was taken from exactly ``raw``, else a miss.

    A miss is ``NotImplemented`` (None is a valid parse: an empty document).
    """
    global _snapshot
    if _snapshot is None:
        text = read_bytes(SNAPSHOT)
        try:
            loaded = json.loads(text) if text is not None else {}
        except ValueError:
            loaded = {}
        _snapshot = loaded if isinstance(loaded, dict) and loaded.get("format") == FORMAT else {"files": {}}
    entry = _snapshot.get("files", {}).get(filename)
    if not isinstance(entry, dict) or entry.get("fingerprint") != _fingerprint(raw):
        return NotImplemented
    return entry.get("data")


def snapshot() -> dict[str, Any]:
    """A fresh snapshot of every bundled YAML file, parsed the way the loader parses it."""

    files = {}
    for filename in sorted(_listing()):
        if filename.endswith(".yaml"):
            raw = read_bytes(filename)
            assert raw is not None
            data = read_yaml(raw, path=f"truce/agreements/{filename}", trusted=True)
            files[filename] = {"fingerprint": _fingerprint(raw), "data": data}
    return {"format": FORMAT, "files": files}


def write_snapshot() -> str:
    """Rewrite ``agreements/parsed.json`` from the YAML files; returns its path."""
    path = os.path.join(FOLDER, SNAPSHOT)
    text = json.dumps(snapshot(), ensure_ascii=False, separators=(",", ":"))
    with open(path, "w", encoding="utf-8") as file:
        file.write(text + "\n")
    return path


if __name__ == "__main__":  # python -m truce._bundled  (what `make bundle` runs)
    sys.stdout.write(f"wrote {write_snapshot()}\n")

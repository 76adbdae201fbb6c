"""The YAML shown in the docs is the YAML truce loads (the Python blocks are doctests)."""

from __future__ import annotations

import re
from pathlib import Path

import truce

DOCS = Path(__file__).resolve().parent.parent / "docs"


def yaml_blocks(page: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", (DOCS / page).read_text(encoding="utf-8"), re.S)


def test_authoring_definition_is_the_file_the_examples_load():
    definition, _log = yaml_blocks("authoring.md")
    shown = truce.load_agreement("authoring.md", text=definition)
    assert shown == truce.load_agreement(DOCS / "riverside.yaml")


def test_authoring_event_log_is_the_file_the_examples_load():
    definition, log = yaml_blocks("authoring.md")
    agreement = truce.load_agreement("authoring.md", text=definition)
    shown = truce.load_events("authoring.md", agreement, text=log)
    assert shown == truce.load_events(DOCS / "riverside.events.yaml", agreement)
    assert len(shown) == 4


def test_every_docs_page_is_linked_from_the_readme():
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    for page in DOCS.glob("*.md"):
        assert f"docs/{page.name}" in readme, f"README does not link docs/{page.name}"

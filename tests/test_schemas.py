"""The JSON Schemas describe what truce reads and what ``--json`` prints, checked with jsonschema.

Every bundled definition and event log, the docs' example files and every CLI ``--json``
output (every command, every bundled agreement, several dates) is validated; planted
mistakes show the schemas refuse what truce refuses.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

import truce
from truce import _reading, definitions, logs
from truce.cli import JSON_SCHEMA, main

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is in the dev extra")

ROOT = Path(__file__).resolve().parent.parent
AGREEMENTS = resources.files("truce") / "agreements"
SCHEMAS = resources.files("truce") / "schemas"


def schema(name: str) -> Any:
    return json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))


def validator(name: str) -> Any:
    return jsonschema.Draft202012Validator(schema(name), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


class _TextDates(yaml.SafeLoader):
    """YAML as an editor's schema validator sees it: ``2025-04-01`` is a string, not a date object."""


_TextDates.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read(path: Path | Any) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_TextDates)


BUNDLED = sorted(AGREEMENTS.iterdir(), key=lambda p: p.name)
DEFINITIONS = [*(p for p in BUNDLED if p.name.endswith(".yaml") and not p.name.endswith(".events.yaml")),
               ROOT / "docs" / "riverside.yaml"]  # fmt: skip
LOGS = [*(p for p in BUNDLED if p.name.endswith(".events.yaml")), ROOT / "docs" / "riverside.events.yaml"]


def errors(name: str, data: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(name).iter_errors(data)]


@pytest.mark.parametrize("name", ["agreement", "events", "output"])
def test_schemas_are_valid_json_schemas(name):
    jsonschema.Draft202012Validator.check_schema(schema(name))


def test_schemas_ship_in_the_package():
    assert sorted(p.name for p in SCHEMAS.iterdir() if p.name.endswith(".json")) == [
        "agreement.schema.json",
        "events.schema.json",
        "output.schema.json",
    ]


@pytest.mark.parametrize("path", DEFINITIONS, ids=lambda p: p.name)
def test_every_bundled_definition_is_valid(path):
    assert errors("agreement", read(path)) == []


@pytest.mark.parametrize("path", LOGS, ids=lambda p: p.name)
def test_every_bundled_event_log_is_valid(path):
    assert errors("events", read(path)) == []


def test_the_authoring_page_examples_are_valid():
    import re

    definition, log = re.findall(r"```yaml\n(.*?)```", (ROOT / "docs" / "authoring.md").read_text(), re.S)
    assert errors("agreement", yaml.load(definition, Loader=_TextDates)) == []
    assert errors("events", yaml.load(log, Loader=_TextDates)) == []


def test_a_json_lines_log_validates_line_by_line(tmp_path):
    agreement = truce.load_agreement(ROOT / "docs" / "riverside.yaml")
    events = truce.load_events(ROOT / "docs" / "riverside.events.yaml", agreement)
    event_schema = {**schema("events"), "$ref": "#/$defs/event"}
    del event_schema["oneOf"]
    check = jsonschema.Draft202012Validator(event_schema)
    for event in events:
        line = json.loads(json.dumps(logs.event_to_data(event)))
        assert list(check.iter_errors(line)) == []


def test_the_schemas_know_the_keys_the_loader_knows():
    definition = schema("agreement")
    assert set(definition["properties"]) == set(definitions._TOP)
    obligation = definition["properties"]["obligations"]["additionalProperties"]
    assert set(obligation["properties"]) == set(definitions._OBLIGATION_KEYS)
    assert set(definition["$defs"]["source"]["properties"]) == set(_reading._SOURCE_KEYS)
    assert set(schema("events")["$defs"]["event"]["properties"]) == set(logs._EVENT_KEYS)


def test_the_schemas_know_the_enumerations():
    definition = schema("agreement")
    assert definition["properties"]["parties"]["additionalProperties"]["properties"]["kind"]["enum"] == [
        str(k) for k in truce.PartyKind
    ]
    obligation = definition["properties"]["obligations"]["additionalProperties"]
    assert obligation["properties"]["kind"]["enum"] == [str(k) for k in truce.ObligationKind]
    assert definition["$defs"]["source"]["properties"]["kind"]["enum"] == [str(k) for k in truce.SourceKind]
    event = schema("events")["$defs"]["event"]["properties"]
    assert event["kind"]["enum"] == [str(k) for k in truce.EventKind]
    assert event["precision"]["enum"] == [str(p) for p in truce.Precision]
    status = schema("output")["$defs"]["status"]["properties"]["obligations"]["items"]["properties"]["status"]
    assert status["enum"] == [str(s) for s in truce.ObligationStatus]


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d.update(colour="red"), ""),
        (lambda d: d.pop("in_force"), ""),
        (lambda d: d["parties"]["north"].update(kind="army"), "parties/north/kind"),
        (lambda d: d["obligations"]["pull_back"].update(due={"after": "phase_two", "weeks": 4}), "obligations"),
        (lambda d: d["transitions"][0].pop("to"), "transitions/0"),
        (lambda d: d.update(in_force="1 April 2025"), "in_force"),
    ],
)
def test_the_definition_schema_refuses_what_the_loader_refuses(change, where):
    data = read(ROOT / "docs" / "riverside.yaml")
    bad = copy.deepcopy(data)
    change(bad)
    assert any(e.startswith(where) for e in errors("agreement", bad))
    with pytest.raises(truce.TruceError):
        truce.load_agreement("planted.yaml", text=yaml.safe_dump(bad))


def test_the_events_schema_refuses_an_unknown_kind():
    assert errors("events", [{"date": "2025-04-02", "kind": "rumour"}])
    assert errors("events", [{"kind": "fulfilled"}])


def cli_json(*argv: str) -> Any:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main([*argv, "--json"])
    assert code in (0, 1), argv
    return json.loads(out.getvalue())


def outputs() -> list[tuple[str, Any]]:
    found = [("list", cli_json("list"))]
    names = [*truce.agreements(), str(ROOT / "docs" / "riverside.yaml")]
    for name in names:
        ceasefire = truce.load(name)
        agreement = ceasefire.agreement
        days = sorted({agreement.in_force, *(e.date for e in ceasefire.events), ceasefire.date})
        dates = [d.isoformat() for d in days[:: max(1, len(days) // 3)]]
        found += [(f"show {name}", cli_json("show", name)), (f"check {name}", cli_json("check", name))]
        for day in dates:
            for command in ("status", "history", "deadlines"):
                found.append((f"{command} {name} {day}", cli_json(command, name, "--as-of", day)))
            found.append((f"blockers {name} {day}", cli_json("blockers", name, "--as-of", day)))  # every way out
            here = ceasefire.as_of(day)
            for target in (*here.triggers, *agreement.phase_ids):
                if target == here.phase:
                    continue
                try:
                    found.append(
                        (f"blockers {name} {target} {day}", cli_json("blockers", name, target, "--as-of", day))
                    )
                    found.append((f"unblock {name} {target} {day}", cli_json("unblock", name, target, "--as-of", day)))
                except AssertionError:  # not reachable from this phase: an error, not JSON
                    continue
        party = agreement.parties[0].id
        trigger = agreement.transitions[0].trigger
        with contextlib.suppress(AssertionError):
            found.append((f"blockers {name} {trigger} view", cli_json("blockers", name, trigger, "--view", party)))
    return found


def test_every_cli_json_output_is_valid_and_versioned(tmp_path):
    checked = outputs()
    commands = {label.split()[0] for label, _ in checked}
    assert commands == {"list", "show", "check", "status", "history", "deadlines", "blockers", "unblock"}
    assert len(checked) > 100
    shapes = {("ways" in data, bool(data.get("steps"))) for _, data in checked if data["command"] == "blockers"}
    assert shapes == {(True, False), (False, False), (False, True)}  # ways out, one move, a route of steps
    for label, data in checked:
        assert data["schema"] == JSON_SCHEMA == 1, label
        assert errors("output", data) == [], label
        if label != "list":
            assert "agreement" in data, label
        if data["command"] == "show":
            assert errors("agreement", data["definition"]) == [], label


def test_a_failed_check_is_valid_output_too(tmp_path):
    typo = tmp_path / "typo.yaml"
    typo.write_text((ROOT / "docs" / "riverside.yaml").read_text().replace("party: south", "party: sooth"))
    data = cli_json("check", str(typo))
    assert data["ok"] is False
    assert errors("output", data) == []

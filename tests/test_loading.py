"""Loading: bad input gets a clear TruceError naming file, line and field; nothing else escapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

import truce
from truce.dumping import agreement_to_data


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_round_trip_through_yaml(riverside_agreement):
    text = truce.dump_agreement(riverside_agreement)
    assert truce.read_agreement(yaml.safe_load(text)) == riverside_agreement
    assert truce.load_agreement("again.yaml", text=text) == riverside_agreement


def test_round_trip_through_json(riverside_agreement):
    data = json.loads(json.dumps(agreement_to_data(riverside_agreement), default=str))
    assert truce.read_agreement(data) == riverside_agreement


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("id: [unclosed", "malformed YAML"),
        ("- just\n- a list\n", "expected a mapping"),
        ("", "expected a mapping, got nothing"),
        ("a: !!python/object/apply:os.system ['id']\n", "malformed YAML"),
        ("id: x\nid: y\n", "duplicate key 'id'"),
        ("\x00\x01binary", "binary data"),
    ],
)
def test_malformed_definitions(tmp_path, text, complaint):
    path = write(tmp_path, "bad.yaml", text)
    with pytest.raises(truce.LoadError if "mapping" not in complaint else truce.DefinitionError) as caught:
        truce.load(path)
    assert complaint in str(caught.value)
    assert str(path) in str(caught.value)


def test_definition_errors_name_file_line_and_field(tmp_path, riverside_path):
    text = (
        riverside_path.read_text().replace("party: south", "party: southh").replace("kind: withdrawal", "kind: retreat")
    )
    text = text.replace("in_force: 2025-04-01", "in_force: 2025-04-31")
    path = write(tmp_path, "bad.yaml", text)
    with pytest.raises(truce.DefinitionError) as caught:
        truce.load(path)
    rendered = str(caught.value)
    assert "obligations.pull_back.kind: 'retreat' is not one of cessation, freeze" in rendered
    assert "agreement.in_force: '2025-04-31' is not a date" in rendered
    assert all(p.path == str(path) for p in caught.value.problems)
    assert any(p.line for p in caught.value.problems)


def test_unknown_references_after_parsing(tmp_path, riverside_path):
    text = riverside_path.read_text().replace("party: south", "party: southh")
    with pytest.raises(truce.DefinitionError, match=r"obligations\.detainees_released\.party: unknown party 'southh'"):
        truce.load(write(tmp_path, "bad.yaml", text))


def test_unknown_keys_are_typos_not_silence(tmp_path, riverside_path):
    text = riverside_path.read_text().replace("    text: Release all 12 detainees", "    txt: Release all 12 detainees")
    with pytest.raises(truce.DefinitionError, match=r"unknown key.*txt"):
        truce.load(write(tmp_path, "bad.yaml", text))


def test_unknown_source_reference(tmp_path, riverside_path):
    text = riverside_path.read_text().replace("source: text#2", "source: txt#2")
    with pytest.raises(truce.DefinitionError, match="unknown source 'txt'"):
        truce.load(write(tmp_path, "bad.yaml", text))


def test_a_bad_guard_names_its_transition(tmp_path, riverside_path):
    text = riverside_path.read_text().replace("guard: fulfilled(pull_back)", "guard: __import__('os').system('id')")
    with pytest.raises(truce.DefinitionError, match=r"transitions\[1\] \(complete\).guard: .*not allowed"):
        truce.load(write(tmp_path, "bad.yaml", text))


def test_event_logs_with_errors_name_the_line(tmp_path, riverside_path):
    definition = write(tmp_path, "r.yaml", riverside_path.read_text())
    write(
        tmp_path,
        "r.events.yaml",
        "- {date: 2025-04-02, kind: fulfilled, obligation: detainees_released}\n"
        "- {date: 2025-04-03, kind: exploded}\n"
        "- {date: 2025-04-31, kind: incident, text: x}\n",
    )
    with pytest.raises(truce.LoadError) as caught:
        truce.load(definition)
    assert [p.line for p in caught.value.problems] == [2, 3]
    assert "events[1]" in str(caught.value)


def test_event_logs_out_of_order(tmp_path, riverside_path):
    definition = write(tmp_path, "r.yaml", riverside_path.read_text())
    write(
        tmp_path,
        "r.events.yaml",
        "- {date: 2025-04-05, kind: incident, text: x}\n- {date: 2025-04-02, kind: incident, text: y}\n",
    )
    with pytest.raises(truce.LoadError, match="out of order"):
        truce.load(definition)


def test_json_lines_logs_and_torn_last_lines(tmp_path, riverside_path):
    definition = write(tmp_path, "r.yaml", riverside_path.read_text())
    line = json.dumps({"date": "2025-04-02", "kind": "progress", "obligation": "detainees_released", "value": 5})
    write(tmp_path, "r.events.jsonl", line + "\n")
    assert truce.load(definition).status("detainees_released").progress == 5
    write(tmp_path, "r.events.jsonl", line + "\n" + line[:20])
    with pytest.warns(truce.TornLogWarning, match=r"r\.events\.jsonl:2: torn last line"):
        kept = truce.load(definition)
    assert kept.status("detainees_released").progress == 5
    write(tmp_path, "r.events.jsonl", line[:20] + "\n" + line + "\n")
    with pytest.raises(truce.LoadError, match=r"r\.events\.jsonl:1: events\[0\]: malformed JSON"):
        truce.load(definition)


def test_events_resolve_sources_from_the_log_and_the_definition(riverside):
    sources = {e.source.title for e in riverside.events if e.source}
    assert sources == {"Five detainees freed", "Detainee swap completed"}


def test_bundled_names_are_validated():
    with pytest.raises(truce.LoadError, match="no bundled agreement named 'nowhere'"):
        truce.load("nowhere")
    with pytest.raises(truce.LoadError, match="no such file"):
        truce.load("../../etc/passwd.yaml")
    with pytest.raises(truce.LoadError, match=r"no bundled agreement named '\.\.x'"):
        truce.load("..x")


def test_missing_and_directory_paths(tmp_path):
    with pytest.raises(truce.LoadError, match="no such file"):
        truce.load(tmp_path / "missing.yaml")
    folder = tmp_path / "dir.yaml"
    folder.mkdir()
    with pytest.raises(truce.LoadError, match="is a directory"):
        truce.load(folder)


def test_alias_bombs_and_deep_nesting_fail_fast(tmp_path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    with pytest.raises(truce.LoadError, match="alias"):
        truce.load(write(tmp_path, "bomb.yaml", bomb))
    with pytest.raises(truce.LoadError, match="nested deeper"):
        truce.load(write(tmp_path, "deep.yaml", "a: " + "[" * 500 + "]" * 500))


def test_a_bad_source_is_reported_once_not_again_at_every_citation(tmp_path):
    """Found by a hostile review: an ftp url also made every citation of the source 'unknown'."""
    text = (Path(__file__).resolve().parent.parent / "docs" / "riverside.yaml").read_text(encoding="utf-8")
    bad = text.replace("url: https://example.org/riverside", "url: ftp://example.org/riverside", 1)
    assert bad != text
    (tmp_path / "r.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(truce.DefinitionError) as caught:
        truce.load_agreement(tmp_path / "r.yaml")
    messages = [p.message for p in caught.value.problems]
    assert len(messages) == 1, messages
    assert "url must start with http:// or https://" in messages[0]

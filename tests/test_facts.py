"""Local facts: the model, the scaffold (`motions facts new`) and the check (`motions facts check`)."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from motions.cli import cli
from motions.communes import lookup
from motions.errors import FactsError
from motions.facts import FIELD_NAMES, Facts, load_facts, parse_facts
from motions.facts_scaffold import _check_table, scaffold_text
from motions.schema import FACT_NAMES

from helpers import ROOTS


def run(*args):
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_scaffold_is_valid_as_written_and_with_every_example():
    _check_table()
    empty = parse_facts(scaffold_text(), "facts.yaml")
    assert empty.used() == [] and empty.commune is None
    full = parse_facts(scaffold_text(commented=False), "facts.yaml")
    assert set(full.used()) == set(FIELD_NAMES) - {"commune", "mayor_title"}
    assert full.mayor_title == "la maire" and not full.unsourced()


def test_scaffold_for_a_commune_names_it_and_says_what_each_field_changes():
    text = scaffold_text(lookup("Villejuif"))
    assert 'commune: "Villejuif (94)"' in text and "Grand-Orly Seine Bièvre" in text
    assert "source" in text and "date" in text and "docs/facts.md" in text
    for name in FIELD_NAMES:
        if name != "commune":
            assert f"# ── {name}\n#    " in text, name
    assert parse_facts(text, "f.yaml").commune == "Villejuif (94)"


def test_every_fact_a_condition_may_require_is_a_facts_field():
    assert set(FACT_NAMES) <= set(FIELD_NAMES)
    for name in ("drones", "prefectoral_authorisations", "vendor_offer"):
        assert name in FACT_NAMES


def test_known_absent_and_used():
    facts = Facts.model_validate({"csu": {"exists": False}, "cameras": {"count": 0}, "session": {}})
    assert not facts.known("csu") and facts.absent("csu")
    assert not facts.known("cameras") and facts.absent("cameras")
    assert facts.used() == []  # an empty session is not a fact used
    facts = Facts.model_validate({"session": {"date": "2026-03-14"}, "drones": {}})
    assert facts.used() == ["session", "drones"]


def test_topics_select_contracts():
    facts = Facts.model_validate({"contracts": [
        {"vendor": "A", "object": "caméras", "covers": ["video"]},
        {"vendor": "B", "object": "micros", "covers": ["sound"]},
        {"vendor": "C", "object": "divers"},
    ]})
    assert [c.vendor for c in facts.contracts_on("sound")] == ["B"]
    assert [c.vendor for c in facts.contracts_on("video", unspecified=True)] == ["A", "C"]


def test_commune_mismatch():
    facts = Facts(commune="Villejuif (94)")
    assert facts.commune_mismatch(lookup("Villejuif")) is None
    assert "not Le Mans (72)" in facts.commune_mismatch(lookup("Le Mans"))


def test_errors_name_file_line_and_suggest(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text("cameras:\n  count: 3\n  sourc: x\ncamera: {}\ncontracts:\n  - vendor: A\n", encoding="utf-8")
    with pytest.raises(FactsError) as info:
        load_facts(path)
    message = info.value.format_message()
    assert f"{path}:3: cameras.sourc: unknown field 'sourc'; did you mean 'source'?" in message
    assert f"{path}:4: camera: unknown field 'camera'; did you mean 'cameras'?" in message
    assert f"{path}:6: contracts.0.object: Field required" in message


def test_facts_new_writes_never_overwrites(tmp_path):
    target = tmp_path / "v.yaml"
    code, out = run("facts", "new", str(target), "--commune", "Villejuif")
    assert code == 0 and str(target) in out
    first = target.read_bytes()
    code, out = run("facts", "new", str(target))
    assert code == 9 and "already exists" in out and "Traceback" not in out
    assert target.read_bytes() == first
    assert [p.name for p in tmp_path.iterdir()] == ["v.yaml"]  # no temporary file left


def test_facts_new_default_name(tmp_path):
    os.chdir(tmp_path)
    assert run("facts", "new", "--commune", "L'Haÿ-les-Roses")[0] == 0
    assert (tmp_path / "facts-l-hay-les-roses.yaml").is_file()
    assert run("facts", "new")[0] == 0 and (tmp_path / "facts.yaml").is_file()
    code, out = run("facts", "new", "x.yaml", "--commune", "Villejuiff")
    assert code == 3 and "Villejuif (94)" in out and not (tmp_path / "x.yaml").exists()


def test_facts_check(tmp_path):
    code, out = run("facts", "check", str(ROOTS / "catalogue" / "facts-villejuif.yaml"))
    assert code == 0 and "valid" in out and "cameras" in out and "warning" not in out
    bad = tmp_path / "bad.yaml"
    bad.write_text("cameras:\n  count: beaucoup\n", encoding="utf-8")
    code, out = run("facts", "check", str(bad))
    assert code == 8 and f"{bad}:2: cameras.count" in out
    unsourced = tmp_path / "u.yaml"
    unsourced.write_text("commune: Villejuif\ncsu:\n  name: centre\ncontracts:\n  - vendor: A\n    object: b\n    source: x\n",
                         encoding="utf-8")
    code, out = run("facts", "check", str(unsourced))
    assert code == 0
    assert f"{unsourced}:2: warning: csu: no source and no date" in out
    assert f"{unsourced}:5: warning: contracts.0: no date" in out
    wrong = tmp_path / "w.yaml"
    wrong.write_text("commune: Villejuiff\n", encoding="utf-8")
    code, out = run("facts", "check", str(wrong))
    assert code == 8 and f"{wrong}:1: commune:" in out and "Villejuif (94)" in out

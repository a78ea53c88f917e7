"""Local facts: the model, the scaffold (`motions facts new`) and the check (`motions facts check`)."""

from __future__ import annotations

import datetime as dt
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
    from helpers import invoke

    result = invoke(*args)
    return result.code, result.output


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
    assert code == 0 and "valid" in out and "cameras" in out
    # the only warnings: its contracts whose end date is now past
    ended = [d for d in ("2027-12-31", "2026-06-30", "2026-12-31") if dt.date.fromisoformat(d) < dt.date.today()]
    assert out.count("warning") == len(ended) == out.count("this contract ended on")
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


# --------------------------------------------------------------------------- plain text, dates, commune


def test_citation_syntax_in_a_facts_value_is_refused_with_its_line(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text("csu:\n  name: centre de supervision [@cnil-2022, p. 3]\n  source: site\n"
                    "group:\n  name: Collectif\n  contact: contact@example.org\n", encoding="utf-8")
    with pytest.raises(FactsError) as e:
        load_facts(path)
    msg = e.value.format_message()
    assert f"{path}:2: csu.name: « [@cnil-2022, p. 3] » is citation syntax" in msg
    assert "contact" not in msg  # an e-mail address is plain text
    code, out = run("facts", "check", str(path))
    assert code == 8 and f"{path}:2: csu.name" in out


def test_the_citation_never_reaches_a_motion(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text("csu:\n  name: centre [@cle]\n", encoding="utf-8")
    code, out = run("--library", str(ROOTS / "small"), "generate", "Villejuif", "--facts", str(path),
                    "-f", "txt", "-o", str(tmp_path / "o"))
    assert code == 8 and "citation syntax" in out and not (tmp_path / "o").exists()


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01"])
def test_implausible_dates_are_refused_with_their_line(tmp_path, value):
    path = tmp_path / "f.yaml"
    path.write_text(f"cameras:\n  count: 3\n  source: rapport\n  date: {value}\n", encoding="utf-8")
    with pytest.raises(FactsError, match=rf"f\.yaml:4: cameras\.date: the date {value} can't be right"):
        load_facts(path)


def test_a_contract_that_has_ended_and_a_source_from_the_future_are_warned(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text("contracts:\n  - vendor: A\n    object: caméras\n    until: 1999-12-31\n"
                    "  - vendor: B\n    object: logiciel\n    until: 2030-01-01\n"
                    "cameras:\n  count: 2\n  date: 2030-05-01\n", encoding="utf-8")
    facts = load_facts(path, today=dt.date(2026, 1, 1))
    warnings = facts.warnings()
    assert len(warnings) == 2
    assert warnings[0].startswith(f"{path}:4: contracts.0.until: this contract ended on 1999-12-31")
    assert warnings[1].startswith(f"{path}:10: cameras.date: the source is dated 2030-05-01, in the future")
    code, out = run("facts", "check", str(path))
    assert code == 0 and f"{path}:4: warning: contracts.0.until: this contract ended on 1999-12-31" in out


@pytest.mark.warns("ended on 1999-12-31")
def test_generate_warns_about_an_ended_contract(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text("contracts:\n  - vendor: A\n    object: caméras\n    until: 1999-12-31\n", encoding="utf-8")
    code, out = run("--library", str(ROOTS / "small"), "generate", "Villejuif", "--facts", str(path),
                    "-f", "txt", "-o", str(tmp_path / "o"))
    assert code == 0 and "Warning:" in out and "ended on 1999-12-31" in out


@pytest.mark.parametrize("written, generated, warned", [
    ("Villejuif (94)", "Villejuif", False),  # as the scaffold writes it
    ("94076", "Villejuif", False),
    ("insee:13001", "Aix-en-Provence", False),
    ("Pierrefitte-sur-Seine", "Saint-Denis (93)", False),  # a commune déléguée: its commune nouvelle
    ("Villejuif (94)", "Le Mans", True),
    ("Sainte-Colombe", "Sainte-Colombe (69)", False),  # ambiguous: compared by name
    ("Saint-Denis (974)", "Saint-Denis (93)", True),
    ("Paris", "Paris 15e", False),
])
def test_commune_mismatch_uses_the_lookup(written, generated, warned):
    from motions.communes import resolve

    message = Facts(commune=written).commune_mismatch(resolve(generated).commune)
    assert (message is not None) == warned, message


def test_the_scaffold_names_a_commune_the_check_accepts():
    from motions.communes import resolve

    for query in ("Villejuif", "La Rochelle (17)", "Marseille 1er", "Saint-Denis (974)"):
        commune = resolve(query).commune
        facts = parse_facts(scaffold_text(commune), "f.yaml")
        assert facts.commune == commune.label and facts.commune_mismatch(commune) is None

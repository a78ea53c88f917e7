"""The editorial checks (motions/checks.py) on a small library built to fail them.

tests/roots/checks holds one argument per defect and one that passes every check;
each test names the file and line a finding must point to, so a check that fires
on the wrong line, or stays silent, fails here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import ROOTS
from motions.checks import Finding, check_library, normalise
from motions.library import inspect_library, shipped_root

CHECKS = ROOTS / "checks"
TODAY = dt.date(2026, 11, 29)


@pytest.fixture(scope="module")
def findings() -> list[Finding]:
    lib, _errors = inspect_library(CHECKS, with_cwd=False)
    return [f for f in check_library(lib, today=TODAY) if CHECKS.resolve() in Path(f.path).resolve().parents]


def at(findings, name: str) -> list[tuple[int, str, str]]:
    """(line, severity, message) of the findings in one fixture file."""
    return [(f.line, f.severity, f.message) for f in findings if Path(f.path).name == name]


def test_an_argument_that_follows_the_rules_has_no_finding(findings):
    # quotation with ’ in the text and ' in the excerpt; a decision cited by its
    # number; a campaign page in the exposé only; a one-article entry with « al. 4 »
    assert at(findings, "conforme.yaml") == []


def test_a_considerant_resting_only_on_a_campaign_and_an_essay_is_an_error(findings):
    got = at(findings, "considerant-campagne.yaml")
    assert [(line, sev) for line, sev, msg in got if "campaign pages or essays" in msg] == [(6, "error")]
    # the short and the exposé may cite a campaign page: no finding there
    assert all(line == 6 for line, _, _ in got)


def test_a_quotation_not_in_the_stored_excerpt_is_found_in_the_text_and_in_the_claim(findings):
    got = at(findings, "citation-inexacte.yaml")
    wrong = [(line, sev) for line, sev, msg in got if "« totalement inutile »" in msg]
    assert wrong == [(6, "error"), (15, "error")]
    # an elided quotation whose parts are both in the excerpt passes
    assert not [m for _, _, m in got if "Faute d" in m]
    # a claim quoting a source that stores no excerpt: a warning, not an error
    assert (20, "warning") in [(line, sev) for line, sev, msg in got if "cannot be checked" in msg]


def test_citations_no_claim_records_and_claims_without_citation(findings):
    got = at(findings, "citations-orphelines.yaml")
    orphans = sorted((line, msg.split("[")[1].split("]")[0]) for line, _, msg in got if "recorded by no claim" in msg)
    # al. 4 is cited but only al. 2 is recorded: the locator must match
    assert orphans == [(5, "@decision"), (6, "@cgct-l2121-29, al. 4"), (8, "@rapport-cour, p. 70")]
    assert (14, "error", "claim 2 has no citation: write cite: [@key, p. 3]") in got
    unknown = [(line, sev) for line, sev, msg in got if "unknown source key '@source-inconnue'" in msg]
    assert unknown == [(6, "error")]


def test_a_locator_repeating_the_article_of_a_one_article_entry(findings):
    got = at(findings, "localisateurs.yaml")
    repeats = sorted(line for line, _, msg in got if "repeats the article" in msg)
    # « art. L2121-29 » and « article L. 2121-29, al. 4 » both repeat art. L2121-29
    assert repeats == [5, 6, 13, 15]


def test_a_paged_work_cited_without_locator_is_a_warning_unless_no_locator(findings):
    got = at(findings, "localisateurs.yaml")
    missing = sorted((line, sev) for line, sev, msg in got if "has no locator" in msg)
    assert missing == [(6, "warning"), (9, "warning"), (17, "warning")]
    # the four press pages are marked no_locator: not reported
    assert not [m for _, _, m in got if "has no locator" in m and "rapport-cour" not in m]


def test_sources_without_kind_or_a_recent_check(findings):
    got = at(findings, "sources.yaml")
    assert (52, "error") in [(line, sev) for line, sev, msg in got if "'sans-genre' has no custom.kind" in msg]
    assert [(line, sev) for line, sev, msg in got if "custom.kind 'blog'" in msg] == [(60, "error")]
    assert [(line, sev) for line, sev, msg in got if "more than a year ago" in msg] == [(69, "warning")]
    assert [(line, sev) for line, sev, msg in got if "no custom.checked" in msg] == [(78, "error")]
    assert [(line, sev) for line, sev, msg in got if "CSL 'note'" in msg] == [(78, "warning")]


def test_the_year_is_counted_from_the_date_given():
    lib, _ = inspect_library(CHECKS, with_cwd=False)
    early = check_library(lib, today=dt.date(2025, 1, 1))
    assert not [f for f in early if "more than a year ago" in f.message]


def test_findings_print_as_file_line_message():
    f = Finding(Path("arguments/x.yaml"), 12, "the citation [@a] is recorded by no claim")
    assert str(f) == "arguments/x.yaml:12: the citation [@a] is recorded by no claim"
    assert f.severity == "error"


@pytest.mark.parametrize("text, same", [
    ("l’intérêt local", "L'INTÉRÊT  local"),
    ("« aucune\u00a0corrélation »", "aucune corrélation"),
    ("cœur de la ville", "coeur de la ville"),
])
def test_normalise_ignores_case_apostrophes_spaces_and_guillemets(text, same):
    assert normalise(text) == normalise(same)


def test_the_legal_half_of_the_shipped_library_passes_its_checks():
    """The themes owned by library-a, and droit.yaml, have no finding."""
    lib, errors = inspect_library(None, with_cwd=False)
    if errors:
        pytest.skip(f"the shipped library does not load ({len(errors)} problems)")
    root = shipped_root() / "arguments"
    owned = [root / t for t in ("biometrie", "vsa", "droit", "efficacite", "objections")]
    mine = [f for f in check_library(lib, today=TODAY)
            if any(d in Path(f.path).parents for d in owned) or Path(f.path) == root / "sources" / "droit.yaml"]
    assert mine == [], "\n".join(str(f) for f in mine)

"""Hypothesis over the command line and over the files of a library.

What a user can type after ``motions generate``, ``flyer``, ``explain`` and
``communes show``, and what a library someone else wrote can hold (argument,
source and template-header files with any content). The only outcomes allowed
are those of the README's table: an exit code and at most a sentence. Never an
internal error (exit 70) nor a traceback; never a hang (each example has a
deadline); never a file written outside the output folder.

``tests/test_fuzz.py`` covers commune queries and facts files; here the
commune is mostly a real one, so that the options are what gets exercised.
The library is loaded once for the option fuzzing (it does not depend on the
options), and again for each example of the library fuzzing.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import ROOTS, invoke

FUZZ = settings(max_examples=25, deadline=dt.timedelta(seconds=60), database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])
#: The README's exit codes (70 is a bug; 130 an interruption, not fuzzed).
DOCUMENTED = set(range(0, 15))

HOSTILE = ["\x1b[2J", "\u202e", "\u200b", "\x00", "🎉", "{0}", "{a.__class__}", "%s", "\\", "'", "’", "\n", "\t",
           "\udcff", "caf\udce9", "<script>", "]]>", "[@rgpd]", "javascript:alert(1)", "../../etc/passwd",
           "x" * 5000, "", " ", "-", "--", "--help"]
TEXT = st.one_of(st.text(max_size=40), st.sampled_from(HOSTILE), st.lists(st.sampled_from(HOSTILE + ["Villejuif"]),
                                                                           max_size=4).map("".join))
COMMUNES = st.one_of(st.sampled_from(["Villejuif", "Amiens", "Le Mans", "Marseille 1er", "Paris", "97501",
                                      "Saint-Pierre (975)", "Strasbourg", "insee:98735"]), TEXT)
DATES = st.one_of(st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(dt.date.isoformat), TEXT,
                  st.sampled_from(["2026-02-30", "2026-13-01", "20260314", "14/03/2026", "2026-03-14T10:00"]))
IDS = st.one_of(TEXT, st.lists(st.sampled_from(["visage-identifie", "csu-local", "donnee-sensible", "nulle",
                                                "", " ", "ia-interdite"]), max_size=5).map(",".join))


def option(name: str, values) -> st.SearchStrategy:
    """Either nothing, or the option with a value."""
    return st.one_of(st.just([]), values.map(lambda v: [name, v]))


def flag(name: str) -> st.SearchStrategy:
    return st.sampled_from([[], [name]])


def argv(*parts) -> st.SearchStrategy:
    return st.tuples(*parts).map(lambda lists: [x for part in lists for x in part])


# --------------------------------------------------------------------------- the sandbox


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """A folder that holds everything a command may see, and a check that a
    command wrote only into its output folder."""
    box = tmp_path / "box"
    shutil.copytree(ROOTS / "flyer", box / "lib")
    monkeypatch.chdir(box)
    monkeypatch.setenv("HOME", str(box / "home"))

    from motions import resources as R

    monkeypatch.setattr(R, "load", functools.lru_cache(maxsize=4)(R.load))  # one load for all examples
    counter = iter(range(10**6))

    def run(args: list[str], output: bool = True):
        out = box / f"out-{next(counter)}"
        before = _snapshot(box)
        result = invoke(*args, *(["-o", str(out)] if output else []))
        _check(result)
        after = _snapshot(box)
        touched = [p for p in set(after) | set(before) if after.get(p) != before.get(p)]
        stray = [p for p in touched if not Path(p).is_relative_to(out)]
        assert not stray, f"{args} wrote outside its output folder: {stray}"
        return result
    return run


def _snapshot(folder: Path) -> dict[str, tuple]:
    out = {}
    for root, dirs, files in os.walk(folder):
        for name in files:
            p = os.path.join(root, name)
            st_ = os.stat(p)
            out[p] = (st_.st_size, st_.st_mtime_ns)
    return out


def _check(result) -> None:
    assert result.code != 70, result.output
    assert result.code in DOCUMENTED, (result.code, result.output)
    assert "Traceback" not in result.output, result.output
    if result.code != 0:
        assert result.err.strip(), "a failure with no sentence"


# --------------------------------------------------------------------------- options


GENERATE = argv(st.just(["generate"]), COMMUNES.map(lambda c: [c]),
                option("--motion", st.one_of(st.sampled_from(["biometrie", "vsa", "capteurs-sonores", "dossier"]), TEXT)),
                option("--format", st.sampled_from(["txt", "html", "txt,html", "docx", "", ",", "TXT", "exe",
                                                    "txt;rm -rf /", "txt,txt"])),
                option("--date", DATES), option("--group", TEXT), option("--arguments", IDS),
                option("--theme", TEXT), option("--notes", st.sampled_from(["footnotes", "endnotes", "x"])),
                flag("--annex"), flag("--allow-overseas"), flag("--force"))


@pytest.mark.warns(".")
@FUZZ
@given(GENERATE)
def test_generate_options_give_a_document_or_a_sentence(sandbox, args):
    if "--format" not in args:
        args = args + ["--format", "txt"]
    sandbox(["--library", "lib", *args])


FLYER = argv(st.just(["flyer"]), COMMUNES.map(lambda c: [c]),
             option("--layout", st.sampled_from(["a5", "a6x4", "a4", "a3", ""])),
             option("--date", DATES), option("--place", TEXT), option("--contact", TEXT),
             option("--url", st.one_of(TEXT, st.sampled_from(["https://example.org/x", "example.org",
                                                               "mailto:a@example.org", "tel:+33100000000",
                                                               "ftp://x", "https://" + "x" * 300]))),
             option("--group", TEXT), option("--headline", st.one_of(TEXT, st.sampled_from(["Non {a}", "{de}{de}",
                                                                                            "{commune!r}"]))),
             option("--arguments", IDS), flag("--print-shop"), flag("--force"))


@pytest.mark.warns(".")
@settings(FUZZ, max_examples=15)
@given(FLYER)
def test_flyer_options_give_a_flyer_or_a_sentence(sandbox, args):
    sandbox(["--library", "lib", *args])


EXPLAIN = argv(st.just(["explain"]), COMMUNES.map(lambda c: [c]),
               option("--motion", st.one_of(st.sampled_from(["biometrie", "vsa"]), TEXT)),
               option("--date", DATES), option("--group", TEXT), option("--arguments", IDS), option("--theme", TEXT),
               flag("--allow-overseas"))


@pytest.mark.warns(".")
@FUZZ
@given(EXPLAIN)
def test_explain_options_give_an_explanation_or_a_sentence(sandbox, args):
    sandbox(["--library", "lib", *args], output=False)


@pytest.mark.warns(".")
@FUZZ
@given(st.lists(COMMUNES, min_size=1, max_size=3), flag("--allow-overseas"))
def test_communes_show_gives_a_regime_or_a_sentence(sandbox, words, overseas):
    sandbox(["communes", "show", *overseas, *words], output=False)


# --------------------------------------------------------------------------- library files


YAML_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.text(max_size=40), st.dates(),
              st.sampled_from(["[@cnil-2019-rf, p. 4]", "[@nulle]", "{{ x }}", "{% for %}", "Considérant que ;",
                               "x" * 2000, "2026-02-30"])),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=5)),
    max_leaves=20)
FIELDS = ["id", "title", "themes", "checked", "short", "considerant", "paragraph", "kind", "objection",
          "applies_when", "point", "claims", "notes", "type", "issued", "URL", "custom", "arguments",
          "considerants", "expose_arguments", "flyer_headline", "description"]


@st.composite
def mutated(draw, original: str):
    """Random content for a file: a structure, bytes of noise, or its own text damaged."""
    how = draw(st.sampled_from(["structure", "fields", "noise", "cut", "insert", "swap"]))
    if how == "structure":
        return yaml.safe_dump(draw(YAML_VALUES), allow_unicode=True)
    if how == "fields":
        data = draw(st.dictionaries(st.sampled_from(FIELDS), YAML_VALUES, max_size=8))
        return yaml.safe_dump(data, allow_unicode=True)
    if how == "noise":
        return draw(st.text(max_size=300))
    lines = original.splitlines()
    i = draw(st.integers(0, max(len(lines) - 1, 0)))
    if how == "cut":
        return "\n".join(lines[:i] + lines[i + 1:])
    if how == "insert":
        return "\n".join(lines[:i] + [draw(st.sampled_from(HOSTILE + ["  - :", ": :", "- [", "{{", "---"]))]
                         + lines[i:])
    j = draw(st.integers(0, max(len(lines) - 1, 0)))
    lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


TARGETS = ["arguments/biometrie/visage-identifie.yaml", "arguments/sources/flyer.yaml", "arguments/themes.yaml",
           "motions-library.yaml", "templates/motions/vsa.md.j2"]
COMMANDS = [["generate", "Villejuif", "--format", "txt"], ["arguments", "check"], ["explain", "Villejuif"],
            ["flyer", "Amiens"], ["generate", "Amiens", "--motion", "vsa", "--format", "html"]]


@pytest.fixture
def library_box(tmp_path, monkeypatch):
    box = tmp_path / "box"
    shutil.copytree(ROOTS / "flyer", box / "lib")
    template = box / "lib" / "templates" / "motions" / "vsa.md.j2"
    template.parent.mkdir(parents=True)
    shutil.copy(Path(__file__).resolve().parents[1] / "templates" / "motions" / "vsa.md.j2", template)
    monkeypatch.chdir(box)
    monkeypatch.setenv("HOME", str(box / "home"))
    return box


@pytest.mark.warns(".")
@settings(FUZZ, max_examples=12)
@given(st.data())
def test_any_library_file_gives_documents_or_problems_with_their_place(library_box, data):
    target = library_box / "lib" / data.draw(st.sampled_from(TARGETS))
    original = target.read_text(encoding="utf-8")
    content = data.draw(mutated(original if not target.name.endswith(".j2") else original.split("\n---\n")[0]))
    if target.name.endswith(".j2"):  # the header only: the body stays the shipped one
        body = original.split("\n---\n", 1)[1]
        content = "---\n" + content.removeprefix("---\n") + "\n---\n" + body
    command = data.draw(st.sampled_from(COMMANDS))
    target.write_text(content, encoding="utf-8", errors="surrogatepass")
    try:
        out = library_box / "out"
        before = _snapshot(library_box)
        output = ["-o", str(out)] if command[0] in ("generate", "flyer") else []
        result = invoke("--library", "lib", *command, *output)
        _check(result)
        if result.code == 5:  # the library's problems: each names its file
            assert "lib/" in result.output or str(library_box) in result.output, result.output
        after = _snapshot(library_box)
        stray = [p for p in set(after) | set(before) if after.get(p) != before.get(p)
                 and not Path(p).is_relative_to(out) and Path(p) != target]
        assert not stray, stray
    finally:
        target.write_text(original, encoding="utf-8")
        shutil.rmtree(library_box / "out", ignore_errors=True)

"""Hypothesis over what a user (or a hostile file) can type: commune queries and
facts files. The only failure allowed is a MotionsError (a sentence with an exit
code); inputs are bounded and each example has a deadline, so a hang fails; and
drafting never touches a file outside its output folder.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motions import communes as C
from motions.errors import MotionsError
from motions.facts import FIELD_NAMES, parse_facts

FUZZ = settings(max_examples=300, deadline=dt.timedelta(seconds=5),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

NAMES = ["Villejuif", "La Rochelle", "Saint-Denis", "Sainte-Colombe", "Marseille 1er", "Pierrefitte-sur-Seine",
         "L'Haÿ-les-Roses", "Paris 15e", "13001", "2A004", "insee:13001", "cp:01000", "Val-de-Marne"]
NOISE = st.text(alphabet=st.characters(codec="utf-8"), max_size=20)
HOSTILE = st.sampled_from(["\x1b[2J", "\u202e", "\u200b", "\x00", "🎉", "(", ")", ",", ":", "insee:", "cp:",
                           " (94)", " (Zorglub)", "\n", "\t", "  ", "'", "’", "St ", "%s", "{0}", "\\"])


def _resolve_or_sentence(query: str) -> None:
    try:
        found = C.resolve(query)
    except MotionsError as exc:
        message = exc.format_message()
        assert message and "\x1b" not in message and "\u202e" not in message
        assert len(message) < 4000
        return
    assert isinstance(found.commune, C.Commune)
    assert all(isinstance(n, str) and "\n" not in n for n in found.notices)


@FUZZ
@given(st.text(max_size=300))
def test_any_text_is_a_commune_or_a_sentence(query):
    _resolve_or_sentence(query)


@FUZZ
@given(st.lists(st.one_of(st.sampled_from(NAMES), HOSTILE, NOISE), max_size=6))
def test_names_with_noise_are_a_commune_or_a_sentence(parts):
    _resolve_or_sentence("".join(parts))


@FUZZ
@given(st.from_regex(r"\A(insee:|cp:|)?[0-9AB]{4,6}\Z"))
def test_codes_are_a_commune_or_a_sentence(code):
    _resolve_or_sentence(code)


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True),
                    st.text(max_size=60), st.dates(), st.sampled_from(["[@cle]", "x" * 300, "2026-02-30", "video"]))
KEYS = st.one_of(st.sampled_from(list(FIELD_NAMES) + ["source", "date", "count", "vendor", "object", "covers",
                                                     "until", "exists", "name", "members"]), st.text(max_size=10))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(KEYS, inner, max_size=4)), max_leaves=25)


def _parse_or_sentence(text: str) -> None:
    try:
        parse_facts(text, "fuzz.yaml")
    except MotionsError as exc:
        assert exc.format_message()


@FUZZ
@given(st.dictionaries(KEYS, VALUES, max_size=6))
def test_facts_structures_are_facts_or_a_sentence(data):
    _parse_or_sentence(yaml.safe_dump(data, allow_unicode=True))


@FUZZ
@given(st.text(max_size=2000))
def test_facts_raw_text_is_facts_or_a_sentence(text):
    _parse_or_sentence(text)


BOMBY = st.lists(st.sampled_from(["a: &a [1, 2]\n", "b: &b [*a, *a, *a]\n", "c: [*b, *b, *b, *b]\n", "d: *d\n",
                                  "e: &e {x: *e}\n", "cameras: {count: 3}\n", "---\n", "f: !!python/object:os.system\n",
                                  "g: !!binary aGVsbG8=\n", "h: [[[[[[[[[[]]]]]]]]]]\n"]), max_size=8)


@FUZZ
@given(BOMBY)
def test_facts_yaml_features_are_facts_or_a_sentence(lines):
    _parse_or_sentence("".join(lines))


def _snapshot(root: Path) -> dict[str, tuple]:
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*")}


@settings(max_examples=40, deadline=dt.timedelta(seconds=20),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(query=st.one_of(st.sampled_from(NAMES + ["Villejuif", "Cachan", "Le Mans"]), st.text(max_size=40)),
       facts=st.dictionaries(st.sampled_from(["commune", "cameras", "csu", "group", "session"]),
                             st.one_of(SCALARS, st.dictionaries(KEYS, SCALARS, max_size=3)), max_size=3),
       name=st.sampled_from(["../escape", "/tmp/abs", "ok", "sub/dir", "..", "."]))
def test_drafting_touches_nothing_outside_its_output_folder(small_lib, query, facts, name):
    from motions.api import Request, generate
    from motions.resources import Resources

    with tempfile.TemporaryDirectory() as sandbox:
        root = Path(sandbox)
        (root / "facts.yaml").write_text(yaml.safe_dump(facts, allow_unicode=True), encoding="utf-8")
        (root / "outside.txt").write_text("keep")
        out = root / "out"
        before = _snapshot(root)
        try:
            from motions.facts import load_facts

            commune = C.resolve(query).commune
            generate(Request(commune, "biometrie", load_facts(root / "facts.yaml"), formats=("txt",)),
                     Resources(small_lib), out)
        except MotionsError:
            pass
        after = _snapshot(root)
        changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
        assert all(k == "out" or k.startswith("out/") for k in changed), changed

"""Never the wrong commune: codes that are both INSEE and postal, homonyms with
one prominent commune, communes déléguées, and hostile queries.

The counts are over the whole shipped data, so that a new COG that changes them
is noticed and the rules are looked at again.
"""

from __future__ import annotations

import collections
import logging

import pytest
from click.testing import CliRunner

from motions import communes as C
from motions.errors import AmbiguousCommune, CommuneNotFound


@pytest.fixture(scope="module")
def index() -> C.CommuneIndex:
    return C.load()


# -- codes that are both an INSEE code and a postal code ------------------------


def _postal_table(index) -> dict[str, list[str]]:
    out = {}
    for line in index._postal.lines():
        code, rest = line.decode().split("\t")
        out[code] = rest.split()
    return out


def test_every_code_that_names_two_places_is_ambiguous_and_counted(index):
    """Computed here independently of the lookup: an INSEE code of a current
    commune or arrondissement that is also the postal code of another commune."""
    postal = _postal_table(index)
    not_served, shared = [], []
    for c in C.all_communes(None):
        served = postal.get(c.insee)
        if not served or served == [c.parent_insee or c.insee]:
            continue
        (shared if c.insee in served else not_served).append(c.insee)
    assert len(not_served) == 3004  # 13001, 59100, 69001...: the postal code is another commune's only
    assert len(shared) == 42  # 02350: Goudelancourt's INSEE code, the postal code of it and of 20 others
    for code in not_served + shared:
        with pytest.raises(AmbiguousCommune) as e:
            index.resolve(code)
        assert f"insee:{code}" in e.value.message and f"cp:{code}" in e.value.message
        assert index.resolve(f"insee:{code}").commune.insee == code
    # a code that reads the same both ways is not ambiguous: 75116 is Paris 16e and a Paris postal code
    assert index.resolve("75116").commune.insee == "75116"
    assert index.resolve("94800").commune.insee == "94076"


@pytest.mark.parametrize("code, insee_name, postal_name", [
    ("13001", "Aix-en-Provence (13)", "Marseille (13)"),
    ("59100", "Bousignies (59)", "Roubaix (59)"),
    ("69001", "Affoux (69)", "Lyon (69)"),
])
def test_the_reported_codes_list_both_and_say_how_to_choose(code, insee_name, postal_name):
    with pytest.raises(AmbiguousCommune) as e:
        C.lookup(code)
    msg = e.value.message
    assert f"INSEE code of {insee_name}" in msg and f"postal code of {postal_name}" in msg
    assert f"Write insee:{code} or cp:{code} to choose" in msg
    assert e.value.exit_code == 4
    assert C.resolve(f"insee:{code}").commune.label == insee_name
    assert C.resolve(f"cp:{code}").commune.label == postal_name
    assert C.resolve(f"CP : {code}").commune.label == postal_name
    assert C.resolve(f"code postal: {code}").commune.label == postal_name


def test_prefixes_are_checked():
    with pytest.raises(CommuneNotFound, match="is a postal code: write cp:94800"):
        C.resolve("insee:94800")
    with pytest.raises(CommuneNotFound, match="is an INSEE code: write insee:94076"):
        C.resolve("cp:94076")
    with pytest.raises(CommuneNotFound, match="takes a five-character code"):
        C.resolve("insee:Villejuif")
    with pytest.raises(AmbiguousCommune, match="shared by 2 communes"):
        C.resolve("cp:01000")


def test_former_commune_codes_that_are_postal_codes_elsewhere_are_ambiguous(index):
    postal = _postal_table(index)
    clashes = 0
    for line in index._former.lines():
        code, _key, _name, _kind, parent = line.decode().split("\t")
        if index._rows.find(code) is not None or code not in postal or postal[code] == [parent]:
            continue
        clashes += 1
        with pytest.raises(AmbiguousCommune):
            index.resolve(code)
        assert index.resolve(f"insee:{code}").commune.insee == parent
    assert clashes == 145


def test_ambiguity_suggests_an_insee_code_that_is_not_ambiguous_itself():
    with pytest.raises(AmbiguousCommune) as e:
        C.resolve("Saint-Denis")
    assert "e.g. insee:97411" in e.value.message  # 97411 is also Saint-Paul (974)'s postal code
    assert C.resolve("insee:97411").commune.insee == "97411"


# -- homonyms: a prominent commune and tiny others ------------------------------------


def _shared_names() -> dict[str, list]:
    names = collections.defaultdict(list)
    for c in C.all_communes():
        names[c.name].append(c)
    return {k: v for k, v in names.items() if len(v) > 1}


def test_every_shared_name_is_ambiguous_or_resolved_by_the_rule(index):
    shared = _shared_names()
    assert len(shared) == 1441
    resolved = {}
    for name, group in shared.items():
        try:
            found = index.resolve(name)
        except AmbiguousCommune as e:
            for c in group:
                assert c.summary in e.message
            continue
        resolved[name] = found.commune
        top = found.commune
        assert top in group and len(found.notices) == 1
        notice = found.notices[0]
        assert notice.startswith(f'"{name}" is taken as {top.label}')
        others = sorted((c for c in group if c.insee != top.insee), key=lambda c: -c.population)
        for c in others[:5]:
            assert c.label in notice
        # the rule, checked from the data: a prominent commune, every other tiny
        assert index.seat(top) or top.population >= 10_000
        for c in others:
            assert index.seat(c) is None and c.population < 2_000 and c.population * 20 <= top.population
    assert len(resolved) == 58
    assert resolved["La Rochelle"].insee == "17300"
    assert resolved["Montreuil"].insee == "93048"
    assert resolved["Castres"].insee == "81065"


def test_no_pair_of_comparable_communes_is_resolved(index):
    """Every pair of homonyms within a factor 20 of each other, or where both are
    seats, stays ambiguous."""
    for name, group in _shared_names().items():
        ordered = sorted(group, key=lambda c: -c.population)
        top, second = ordered[0], ordered[1]
        comparable = (second.population * 20 > top.population or second.population >= 2_000
                      or index.seat(second) is not None)
        if comparable:
            with pytest.raises(AmbiguousCommune):
                index.resolve(name)


@pytest.mark.parametrize("name", ["Saint-Denis", "Valence", "Saint-Pierre", "Saint-Claude", "La Trinité",
                                  "Saint-Nazaire", "Sainte-Colombe"])
def test_comparable_homonyms_stay_ambiguous(name):
    with pytest.raises(AmbiguousCommune):
        C.resolve(name)


def test_la_rochelle_resolves_with_a_notice_naming_the_other():
    found = C.resolve("La Rochelle")
    assert found.commune.insee == "17300"
    (notice,) = found.notices
    assert "préfecture de la Charente-Maritime" in notice
    assert "La Rochelle (70)" in notice and '"La Rochelle (70)"' in notice
    assert C.resolve("La Rochelle (70)").commune.insee == "70450"
    assert C.resolve("La Rochelle (70)").notices == ()


@pytest.mark.warns("is taken as", "commune déléguée", "homonym")
def test_the_old_lookup_logs_the_notices(caplog):
    with caplog.at_level(logging.WARNING, logger="motions.communes"):
        assert C.lookup("La Rochelle").insee == "17300"
    assert any("La Rochelle (70)" in r.getMessage() for r in caplog.records)


def test_seats_come_from_the_data(index):
    assert index.seat(C.get("17300")) == "préfecture"
    assert index.seat(C.get("81065")) == "sous-préfecture"
    assert index.seat(C.get("94076")) is None
    assert C.DATA_PROVENANCE["counts"]["prefectures"] == 108


# -- communes déléguées and associées --------------------------------------------


def test_a_commune_deleguee_routes_to_its_commune_nouvelle():
    for query in ("Pierrefitte-sur-Seine", "pierrefitte sur seine", "93059", "Pierrefitte-sur-Seine (93)"):
        found = C.resolve(query)
        assert found.commune.insee == "93066", query
        (notice,) = found.notices
        assert "commune déléguée of Saint-Denis (93)" in notice and "council votes" in notice


def test_every_former_commune_resolves_or_is_ambiguous_never_not_found(index):
    routed = ambiguous = 0
    for line in index._former.lines():
        code, _key, name, kind, parent = line.decode().split("\t")
        try:
            found = index.resolve(name)
        except AmbiguousCommune:
            ambiguous += 1
            continue
        if found.notices and "no longer a commune" in found.notices[0]:
            assert found.commune.insee == parent or name in found.notices[0]
            routed += 1
    assert routed > 1500 and ambiguous < 200


def test_a_former_name_merged_into_two_communes_is_ambiguous(index):
    keys = collections.defaultdict(set)
    for line in index._former.lines():
        code, key, name, kind, parent = line.decode().split("\t")
        if index._keys.find(key) is None and index._sans_article.find(key) is None:
            keys[name].add(parent)
    name = next(n for n, parents in sorted(keys.items()) if len(parents) > 1)
    with pytest.raises(AmbiguousCommune, match="former commune merged into"):
        index.resolve(name)


# -- hostile queries -------------------------------------------------------------------


@pytest.mark.parametrize("query, named", [
    ("\x1b[2JVillejuif", "U+001B"),
    ("Villejuif\x1b[31m", "U+001B"),
    ("\u202eVillejuif", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("Villejuif \U0001F389", "U+1F389 PARTY POPPER"),
    ("Ville\u200bjuif", "U+200B ZERO WIDTH SPACE"),
    ("Villejuif\x00", "U+0000"),
])
def test_odd_characters_are_refused_and_named_never_echoed_raw(query, named):
    with pytest.raises(CommuneNotFound) as e:
        C.resolve(query)
    msg = e.value.message
    assert named in msg and "nothing was ignored" in msg
    assert "\x1b" not in msg and "\u202e" not in msg and "\x00" not in msg and "\u200b" not in msg


def test_a_huge_query_is_refused_and_echoed_short():
    query = "Villejuif" * 1200
    with pytest.raises(CommuneNotFound) as e:
        C.resolve(query)
    assert len(e.value.message) < 300 and "10800 characters" in e.value.message
    with pytest.raises(CommuneNotFound):
        C.search(query)


def test_echoed_names_are_cut():
    with pytest.raises(CommuneNotFound) as e:
        C.resolve("Zq" * 90)
    assert len(e.value.message) < 400


def test_every_real_name_passes_the_character_check(index):
    """No commune, département or région name holds a character the check refuses."""
    names = [c.name for c in C.all_communes(None)] + [a.name for a in index.departements.values()]
    names += [a.name for a in index.regions.values()]
    names += [line.decode().split("\t")[2] for line in index._former.lines()]
    assert not [n for n in names if C._odd_characters(n)]
    assert max(len(n) for n in names) <= 45 < C.MAX_QUERY_CHARS


def test_cli_shows_the_notice_and_the_sanitised_error():
    from motions.cli.communes import communes as communes_cli

    result = CliRunner().invoke(communes_cli, ["show", "\x1b[2JParis"])
    assert result.exit_code == 3 and "\x1b" not in result.output


def test_generate_refuses_a_code_with_two_readings_and_shows_notices(tmp_path):
    import subprocess
    import sys

    from conftest import ROOTS

    def run(*args):
        proc = subprocess.run([sys.executable, "-m", "motions", "--library", str(ROOTS / "small"), "generate", *args,
                               "-f", "txt", "-o", str(tmp_path / "o")], capture_output=True, text=True, timeout=120)
        return proc.returncode, proc.stdout, proc.stderr

    code, out, err = run("13001")
    assert code == 4 and "insee:13001" in err and not (tmp_path / "o").exists()
    code, out, err = run("cp:13001")
    assert code == 0 and "13055-marseille-biometrie.txt" in out
    code, out, err = run("La Rochelle")
    assert code == 0 and "17300-la-rochelle" in out and "Warning: \"La Rochelle\" is taken as La Rochelle (17)" in err
    code, out, err = run("Pierrefitte-sur-Seine")
    assert code == 0 and "93066-saint-denis" in out and "commune déléguée of Saint-Denis (93)" in err
    code, out, err = run("\x1b[2JParis")
    assert code == 3 and "\x1b" not in err and "U+001B" in err

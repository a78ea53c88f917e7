"""Tests of the commune data: French forms, groupings, lookup, errors, CLI."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from motions import communes as C
from motions.cli.communes import communes as communes_cli
from motions.errors import AmbiguousCommune, CommuneNotFound

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "data" / "decoupage-administratif"


@pytest.fixture(scope="module")
def index() -> C.CommuneIndex:
    return C.load()


# -- counts and provenance -------------------------------------------------


def test_counts(index):
    assert sum(1 for _ in C.all_communes()) == 34969
    arrs = list(C.all_communes("arrondissement"))
    assert len(arrs) == 45
    by_parent = {}
    for a in arrs:
        by_parent.setdefault(a.parent.name, []).append(a)
    assert {k: len(v) for k, v in by_parent.items()} == {"Paris": 20, "Lyon": 9, "Marseille": 16}
    assert sum(1 for _ in C.all_communes(None)) == 34969 + 45


def test_provenance():
    p = C.DATA_PROVENANCE
    assert p["source"] == "@etalab/decoupage-administratif"
    assert p["version"] == "6.0.0"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", p["built"])
    assert p["counts"]["communes"] == 34969
    assert p["counts"]["arrondissements"] == 45
    assert p["counts"]["shared_names"] == 1441
    assert C.load().provenance == p


def test_runtime_never_reads_the_source_folder():
    """Only the shipped file is opened, whatever the lookup does."""
    code = (
        "import sys\n"
        "opened = []\n"
        "sys.addaudithook(lambda ev, args: opened.append(str(args[0])) if ev == 'open' else None)\n"
        "import motions.communes as C\n"
        "C.lookup('Villejuif'); C.search('saint etienne'); C.DATA_PROVENANCE\n"
        "try: C.lookup('Villejuiff')\n"
        "except Exception: pass\n"
        "print('\\n'.join(p for p in opened if 'motions' in p and not p.endswith(('.py', '.pyc'))))\n"
        "assert not [p for p in opened if 'decoupage' in p or 'shared' in p], opened\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    data_files = {Path(p).name for p in out.stdout.split()}
    assert data_files <= {"communes.tsv", "communes.meta.json", "data", "motions"}


# -- Villejuif and Grand Paris ---------------------------------------------


def test_objects_are_complete_dataclasses():
    import dataclasses

    v = C.get("94076")
    rebuilt = C.Commune(**{f.name: getattr(v, f.name) for f in dataclasses.fields(C.Commune)})
    assert rebuilt == v and hash(rebuilt) == hash(v)
    assert set(vars(v)) == {f.name for f in dataclasses.fields(C.Commune)}
    with pytest.raises(dataclasses.FrozenInstanceError):
        v.name = "Other"


def test_villejuif(index):
    v = C.lookup("Villejuif")
    assert v.insee == "94076" and v.kind == "commune" and v.tncc == 0
    assert (v.de, v.a, v.le, v.nom_sans_article) == ("de Villejuif", "à Villejuif", "Villejuif", "Villejuif")
    assert v.label == "Villejuif (94)"
    assert v.departement.code == "94" and v.departement.name == "Val-de-Marne"
    assert v.region.code == "11" and v.region.name == "Île-de-France"
    assert v.epci.code == "200054781" and v.epci.name == "Métropole du Grand Paris"
    assert v.epci.kind == "metropole" and v.metropole is v.epci
    assert v.epci.de == "de la Métropole du Grand Paris"
    assert v.ept.name == "Grand-Orly Seine Bièvre" and v.ept.kind == "ept" and v.ept.code == "200058014"
    assert v.ept.kind_label == "établissement public territorial"
    assert v.ept.de == "de l'établissement public territorial Grand-Orly Seine Bièvre"
    assert v.population > 50000 and v.postal_codes == ("94800",)
    assert v.zone == "metro" and not v.is_overseas and not v.is_alsace_moselle and not v.is_arrondissement
    assert v.parent is None


def test_paris_is_in_the_metropole_but_no_ept(index):
    p = C.lookup("Paris")
    assert p.insee == "75056" and p.metropole.name == "Métropole du Grand Paris" and p.ept is None
    members = C.by_epci("200054781")
    assert len(members) == 130 and p in members
    assert len(C.by_epci("200058014")) == 24  # Grand-Orly Seine Bièvre


# -- French forms by TNCC ---------------------------------------------------


@pytest.mark.parametrize(
    "query, insee, de, a, sans",
    [
        ("Le Mans", "72181", "du Mans", "au Mans", "Mans"),
        ("Les Lilas", "93045", "des Lilas", "aux Lilas", "Lilas"),
        ("L'Haÿ-les-Roses", "94038", "de L'Haÿ-les-Roses", "à L'Haÿ-les-Roses", "Haÿ-les-Roses"),
        ("La Rochelle (17)", "17300", "de La Rochelle", "à La Rochelle", "Rochelle"),
        ("Amiens", "80021", "d'Amiens", "à Amiens", "Amiens"),
        ("Aux Marais", "60703", "des Marais", "aux Marais", "Marais"),
        ("Los Masos", "66104", "de Los Masos", "à Los Masos", "Masos"),
    ],
)
def test_commune_forms(query, insee, de, a, sans):
    c = C.lookup(query)
    assert (c.insee, c.de, c.a, c.nom_sans_article) == (insee, de, a, sans)
    assert c.le == c.name


def test_tncc_fixed_where_the_name_says_otherwise():
    # The data gives TNCC 0 to "Le Vernet-Chaméane"; the build reads the article.
    c = C.get("63448")
    assert c.name == "Le Vernet-Chaméane" and c.de == "du Vernet-Chaméane"
    assert C.get("98817").de == "du Mont-Dore"  # COM: no TNCC in the data


@pytest.mark.parametrize(
    "code, de, le, dans",
    [
        ("94", "du Val-de-Marne", "le Val-de-Marne", "dans le Val-de-Marne"),
        ("80", "de la Somme", "la Somme", "dans la Somme"),
        ("01", "de l'Ain", "l'Ain", "dans l'Ain"),
        ("13", "des Bouches-du-Rhône", "les Bouches-du-Rhône", "dans les Bouches-du-Rhône"),
        ("78", "des Yvelines", "les Yvelines", "dans les Yvelines"),
        ("75", "de Paris", "Paris", "à Paris"),
        ("35", "d'Ille-et-Vilaine", "Ille-et-Vilaine", "en Ille-et-Vilaine"),
        ("77", "de Seine-et-Marne", "Seine-et-Marne", "en Seine-et-Marne"),
        ("971", "de la Guadeloupe", "la Guadeloupe", "en Guadeloupe"),
        ("974", "de La Réunion", "La Réunion", "à La Réunion"),
        ("987", "de la Polynésie française", "la Polynésie française", "en Polynésie française"),
    ],
)
def test_departement_forms(index, code, de, le, dans):
    d = index.departements[code]
    assert (d.de, d.le, d.dans) == (de, le, dans)


@pytest.mark.parametrize(
    "code, de, dans",
    [
        ("11", "d'Île-de-France", "en Île-de-France"),
        ("44", "du Grand Est", "dans le Grand Est"),
        ("32", "des Hauts-de-France", "dans les Hauts-de-France"),
        ("75", "de la Nouvelle-Aquitaine", "en Nouvelle-Aquitaine"),
        ("76", "d'Occitanie", "en Occitanie"),
        ("93", "de Provence-Alpes-Côte d'Azur", "en Provence-Alpes-Côte d'Azur"),
    ],
)
def test_region_forms(index, code, de, dans):
    r = index.regions[code]
    assert (r.de, r.dans) == (de, dans)


# -- EPCI names ---------------------------------------------------------------


def test_epci_display_names(index):
    cc = index.epci("200000172")
    assert cc.name == "CC Faucigny - Glières" and cc.kind == "cc"
    assert cc.display_name == "Communauté de communes Faucigny-Glières"
    assert cc.kind_label == "communauté de communes"
    assert cc.de == "de la communauté de communes Faucigny-Glières"
    assert index.epci("200000438").display_name.endswith("Pontchâteau Saint-Gildas-des-Bois")
    lens = index.epci("246200364")
    assert lens.display_name == "Communauté d'agglomération de Lens-Liévin" and lens.kind == "ca"
    assert "–" in index.epci("248719262").display_name  # "Gartempe – Saint Pardoux"
    saclay = C.lookup("Orsay").epci
    assert saclay.display_name == "Communauté Paris-Saclay" and saclay.de == "de la Communauté Paris-Saclay"
    mans = C.lookup("Le Mans").epci
    assert (mans.kind, mans.display_name) == ("cu", "Communauté urbaine Le Mans Métropole")
    assert mans.kind_label == "communauté urbaine"


def test_metropole_forms(index):
    assert C.lookup("Strasbourg").epci.de == "de l'Eurométropole de Strasbourg"
    assert C.lookup("Orléans").epci.de == "d'Orléans Métropole"
    assert C.lookup("Metz").metropole.de == "de Metz Métropole"
    lyon = C.lookup("Lyon")
    assert lyon.epci.name == "Métropole de Lyon" and lyon.epci.kind == "metropole"
    assert lyon.epci.de == "de la Métropole de Lyon"
    assert C.lookup("Amiens").metropole is None  # "Amiens Métropole" is a communauté d'agglomération


def test_every_epci_has_forms(index):
    for line in index._epci_table.lines():
        e = index.epci(line.split(b"\t", 1)[0].decode())
        assert e.kind in ("metropole", "cu", "ca", "cc", "ept")
        assert e.de.startswith(("de la ", "de l'", "de ", "d'")) and " - " not in e.display_name
        assert not e.display_name.startswith(("CC ", "CA ", "CU "))


# -- lookup -------------------------------------------------------------------


@pytest.mark.parametrize("query", ["saint etienne", "ST-ETIENNE", "Saint-Étienne", "st etienne", "42218"])
def test_saint_etienne(query):
    c = C.lookup(query)
    assert (c.insee, c.label) == ("42218", "Saint-Étienne (42)")


def test_codes():
    assert C.lookup("94076").name == "Villejuif"
    assert C.lookup("2A004").name == "Ajaccio"
    assert C.lookup("2a004").name == "Ajaccio"
    assert C.lookup("94800").insee == "94076"  # postal code
    assert C.lookup("75015").insee == "75056"  # a Paris postal code names the commune
    # 13001 is both Aix-en-Provence's INSEE code and a Marseille postal code: the
    # user says which (tests/test_resolution.py has the rest)
    assert C.lookup("insee:13001").name == "Aix-en-Provence"
    assert C.lookup("cp:13001").name == "Marseille"
    index = C.load()
    assert C.get("94076", index) is C.lookup("Villejuif", index)  # one index, one object per commune
    with pytest.raises(KeyError):
        C.get("00000")


def test_shared_postal_code_is_ambiguous():
    with pytest.raises(AmbiguousCommune) as e:
        C.lookup("01000")
    msg = e.value.message
    assert "Bourg-en-Bresse (01)" in msg and "Saint-Denis-lès-Bourg (01)" in msg and "01053" in msg


def test_name_variants():
    assert C.lookup("lhay les roses").insee == "94038"
    assert C.lookup("L’Haÿ-les-Roses").insee == "94038"  # typographic apostrophe
    assert C.lookup("VILLEJUIF").insee == "94076"
    assert C.lookup("  villejuif ").insee == "94076"
    assert C.lookup("Mans").insee == "72181"  # without its article


def test_sainte_colombe_ambiguity():
    with pytest.raises(AmbiguousCommune) as e:
        C.lookup("Sainte-Colombe")
    msg = e.value.message
    lines = [l for l in msg.splitlines() if l.strip().startswith("Sainte-Colombe (")]
    assert len(lines) == 12
    assert "Sainte-Colombe (69) — INSEE 69189, Rhône" in msg
    for dep in ("05", "17", "25", "33", "35", "40", "46", "50", "69", "76", "77", "89"):
        assert f"Sainte-Colombe ({dep}) — INSEE {dep}" in msg
    assert '"Sainte-Colombe (69)"' in msg and "INSEE code" in msg
    assert e.value.exit_code == 4


@pytest.mark.parametrize("query", ["Sainte-Colombe (69)", "sainte colombe (Rhône)", "Sainte-Colombe, 69", "69189"])
def test_sainte_colombe_resolved(query):
    assert C.lookup(query).insee == "69189"


def test_saint_denis():
    with pytest.raises(AmbiguousCommune) as e:
        C.lookup("Saint-Denis")
    assert "93066" in e.value.message and "97411" in e.value.message
    r = C.lookup("Saint-Denis (974)")
    assert r.insee == "97411" and r.zone == "drom" and r.is_overseas
    assert r.departement.name == "La Réunion" and r.region.code == "04"
    assert r.epci is not None and r.epci.kind == "ca"
    assert C.lookup("Saint-Denis (La Réunion)").insee == "97411"
    assert C.lookup("Saint-Denis (93)").ept.name == "Plaine Commune"


def test_accents_narrow_homonyms():
    # "Saint-Remy" without accent may mean any "Saint-Rémy": ambiguous.
    with pytest.raises(AmbiguousCommune) as e:
        C.lookup("Saint-Remy")
    assert "Saint-Remy (88)" in e.value.message and "Saint-Rémy (71)" in e.value.message
    # Typed with its accent, the name is taken as written.
    with pytest.raises(AmbiguousCommune) as e:
        C.lookup("Saint-Rémy")
    assert "Saint-Remy (88)" not in e.value.message
    # Words matter: "Latour" is not "La Tour".
    assert all(c.name == "Latour" for c in C.search("Latour", 3)[:1])


def test_typo_suggests():
    with pytest.raises(CommuneNotFound) as e:
        C.lookup("Villejuiff")
    msg = e.value.message
    assert "Did you mean Villejuif (94)" in msg
    suggestions = msg.split("Did you mean ", 1)[1].split("?", 1)[0]
    assert 1 <= len(re.findall(r"\((?:\d{2,3}|2[AB])\)", suggestions)) <= 5
    assert e.value.exit_code == 3
    with pytest.raises(CommuneNotFound) as e:
        C.lookup("Villejuiff (94)")
    assert "Villejuif (94)" in e.value.message


def test_not_found_messages():
    with pytest.raises(CommuneNotFound, match="nor anything close"):
        C.lookup("Xqzwvkj")
    with pytest.raises(CommuneNotFound, match="INSEE code or postal code 99999"):
        C.lookup("99999")
    with pytest.raises(CommuneNotFound, match="neither a département nor a région"):
        C.lookup("Villejuif (Zorglub)")
    with pytest.raises(CommuneNotFound, match=r"in Somme \(80\); there is Villejuif \(94\)"):
        C.lookup("Villejuif (Somme)")
    with pytest.raises(CommuneNotFound, match="No commune was given"):
        C.lookup("  ")
    with pytest.raises(CommuneNotFound, match="from 1 to 20"):
        C.lookup("Paris 21e")


def test_merged_commune_points_to_its_new_commune():
    found = C.resolve("Annecy-le-Vieux")
    assert found.commune.insee == "74010"
    assert len(found.notices) == 1 and "commune déléguée of Annecy (74)" in found.notices[0]


# -- arrondissements ------------------------------------------------------------


@pytest.mark.parametrize(
    "query, insee",
    [
        ("Marseille 1er", "13201"),
        ("Marseille 1er arrondissement", "13201"),
        ("Marseille 1er Arrondissement", "13201"),
        ("1er arrondissement de Marseille", "13201"),
        ("13201", "13201"),
        ("Paris 15e", "75115"),
        ("paris 15eme", "75115"),
        ("Lyon 3e", "69383"),
        ("Marseille 16e", "13216"),
    ],
)
def test_arrondissement_queries(query, insee):
    assert C.lookup(query).insee == insee


def test_arrondissement_fields():
    m = C.lookup("Marseille")
    assert m.insee == "13055" and m.kind == "commune" and m.population > 800000
    a = C.lookup("Marseille 1er")
    assert a.kind == "arrondissement" and a.is_arrondissement and a.parent_insee == "13055"
    assert a.parent == m
    assert a.name == "Marseille 1er Arrondissement"
    assert a.display_name == "1er arrondissement de Marseille"
    assert a.de == "du 1er arrondissement de Marseille"
    assert a.label == "1er arrondissement de Marseille (13)"
    assert a.epci == m.epci and a.epci.name == "Métropole d'Aix-Marseille-Provence"
    assert a.population < m.population and a.postal_codes == ("13001",)
    p15 = C.lookup("Paris 15e")
    assert p15.metropole.name == "Métropole du Grand Paris" and p15.ept is None
    assert C.lookup("Lyon 3e").epci.code == "200046977"


# -- overseas, islands, Alsace-Moselle -------------------------------------------


def test_com_commune():
    sp = C.lookup("97502")
    assert sp.name == "Saint-Pierre" and sp.zone == "com" and sp.is_overseas
    assert sp.epci is None and sp.ept is None
    assert sp.departement.dans == "à Saint-Pierre-et-Miquelon"
    papeete = C.lookup("Papeete")
    assert papeete.zone == "com" and papeete.departement.de == "de la Polynésie française"


def test_communes_without_epci():
    orphans = [c for c in C.all_communes() if c.epci is None]
    assert len(orphans) == 98
    metro = sorted(c.name for c in orphans if c.zone == "metro")
    assert metro == ["L'Île-d'Yeu", "Ouessant", "Île-de-Bréhat", "Île-de-Sein"]
    assert all(c.zone == "com" for c in orphans if c.zone != "metro")
    assert C.lookup("Ouessant").epci is None and C.lookup("Ouessant").metropole is None


def test_alsace_moselle():
    assert C.lookup("Strasbourg").is_alsace_moselle
    assert C.lookup("Metz").is_alsace_moselle
    assert C.lookup("Mulhouse").is_alsace_moselle
    assert not C.lookup("Nancy").is_alsace_moselle


# -- bulk queries ------------------------------------------------------------------


def test_by_area():
    val_de_marne = C.by_departement("94")
    assert len(val_de_marne) == 47 and all(c.departement.code == "94" for c in val_de_marne)
    assert len(C.by_departement("2A")) == 124
    assert len(C.by_departement("1")) == len(C.by_departement("01"))
    assert len(C.by_region("11")) == sum(len(C.by_departement(d)) for d in ("75", "77", "78", "91", "92", "93", "94", "95"))
    with pytest.raises(KeyError):
        C.by_departement("20")


# -- search ----------------------------------------------------------------------


def test_search():
    found = C.search("saint etienne", 5)
    assert found[0].insee == "42218" and len(found) == 5
    assert all("Saint-Étienne" in c.name for c in found)
    assert C.search("villejuiff", 3)[0].insee == "94076"
    assert C.search("94800")[0].insee == "94076"
    assert [c.insee for c in C.search("Sainte-Colombe (69)", 1)] == ["69189"]
    assert C.search("", 5) == []
    col = C.search("Sainte-Colombe", 20)
    assert len({c.insee for c in col if c.name == "Sainte-Colombe"}) == 12


# -- CLI -------------------------------------------------------------------------


def test_cli_search():
    result = CliRunner().invoke(communes_cli, ["search", "saint", "etienne", "--limit", "3"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["Name", "Dept", "INSEE", "Population", "EPCI"]
    assert "Saint-Étienne" in lines[2] and "42218" in lines[2] and "Saint-Étienne Métropole" in lines[2]
    assert len(lines) == 5


def test_cli_show():
    result = CliRunner().invoke(communes_cli, ["show", "Villejuif"])
    assert result.exit_code == 0, result.output
    out = result.output
    for expected in (
        "Villejuif (94)",
        "94076",
        "de Villejuif / à Villejuif",
        "du Val-de-Marne",
        "d'Île-de-France",
        "Métropole du Grand Paris (métropole, SIREN 200054781)",
        "Grand-Orly Seine Bièvre (établissement public territorial",
        "94800",
        "Alsace-Moselle",
        "6.0.0",
    ):
        assert expected in out


def test_cli_errors():
    result = CliRunner().invoke(communes_cli, ["show", "Sainte-Colombe"])
    assert result.exit_code == 4 and "Sainte-Colombe (69) — INSEE 69189" in result.output
    result = CliRunner().invoke(communes_cli, ["show", "Villejuiff"])
    assert result.exit_code == 3 and "Villejuif (94)" in result.output


# -- the build ----------------------------------------------------------------------


def test_import_is_light():
    code = (
        "import sys; import motions.communes as C; C.lookup('Villejuif');"
        "print(sorted(m for m in ('click', 'rapidfuzz') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.skipif(not (SOURCE / "communes.json").is_file(), reason="the COG source folder is not available")
def test_build_is_deterministic_and_up_to_date(tmp_path):
    script = ROOT / "scripts" / "build_communes.py"
    for out in (tmp_path / "a", tmp_path / "b"):
        subprocess.run([sys.executable, str(script), str(SOURCE), "--out", str(out)], check=True, capture_output=True)
    for name in ("communes.tsv", "communes.meta.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
        assert (tmp_path / "a" / name).read_bytes() == (ROOT / "motions" / "data" / name).read_bytes()
    size = (ROOT / "motions" / "data" / "communes.tsv").stat().st_size
    assert size < 4_000_000


def test_every_row_can_be_found(index):
    """The runtime bisects sorted sections: every key must be reachable."""
    for table in (index._rows, index._keys, index._postal, index._epci_table, index._sans_article, index._seats):
        for line in table.lines():
            key = line.split(b"\t", 1)[0].decode()
            assert table.find(key) == line
    assert index._keys.find("zzzzzz") is None and index._rows.find("00000") is None

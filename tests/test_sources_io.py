"""Sources in from Zotero and Better BibTeX, out to Pandoc (motions.sources_io).

What a user does: export a collection from Zotero (CSL-JSON) or Better BibTeX
(.bib), import it, edit an item in Zotero, import again, and cite the library
from a Markdown file with ``pandoc --citeproc``. The fixtures in
tests/roots/zotero hold eight fictional items in both formats.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import ROOTS
from motions.cli import cli
from motions.library import inspect_library
from motions.sources_io import make_key, read_entries

ZOTERO = ROOTS / "zotero"
KEYS = ["berger-2021-oeil", "martin-2023-capteurs", "celn-2022-cameras", "ce-2024-400001", "loi-2024-999",
        "petit-2024-carte", "dupont-2025-maire", "durand-2020-visage"]


def run(*args, ok=True):
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def empty_library(path: Path) -> Path:
    (path / "arguments").mkdir(parents=True)
    (path / "motions-library.yaml").write_text("shipped_arguments: false\n", encoding="utf-8")
    return path


def sources_of(lib: Path) -> dict:
    loaded, errors = inspect_library(lib, with_cwd=False)
    assert not [e for e in errors if "/sources/" in e], errors
    return {k: v for k, v in loaded.sources.items() if k in KEYS or Path(loaded.source_where[k][0]).is_relative_to(lib)}


def imported(lib: Path) -> str:
    return (lib / "arguments/sources/imported.yaml").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- Zotero identity


def test_a_zotero_export_imports_with_its_citation_keys_and_item_uris(tmp_path):
    lib = empty_library(tmp_path / "lib")
    out = run("--library", lib, "sources", "import", ZOTERO / "items.json").output
    assert "8 new, 0 updated, 0 unchanged, 0 conflicts" in out
    s = sources_of(lib)
    assert sorted(s) == sorted(KEYS)
    assert s["berger-2021-oeil"]["custom"]["zotero_uri"] == "http://zotero.org/users/local/Qx7Lm2/items/B3RG2021"
    # Zotero's « Extra » (CSL note) gave its lines to their fields; no note is kept, since none is printed
    assert s["berger-2021-oeil"]["original-date"] == {"date-parts": [[2015]]}
    assert s["loi-2024-999"]["NOR"] == "EXMX2400001L"
    assert s["ce-2024-400001"]["ECLI"] == "ECLI:FR:CECHR:2024:400001.20240312"
    assert not any("note" in item for item in s.values())
    # the web page had no citation key: one is made, author-year-firstword
    assert s["petit-2024-carte"]["custom"]["zotero_uri"].endswith("/items/P3T12024")


def test_a_better_bibtex_file_imports_the_same_items(tmp_path):
    lib = empty_library(tmp_path / "lib")
    out = run("--library", lib, "sources", "import", ZOTERO / "items.bib").output
    assert "8 new, 0 updated, 0 unchanged, 0 conflicts" in out
    assert "left out: file, keywords" in out
    s = sources_of(lib)
    assert s["berger-2021-oeil"]["translator"] == [{"family": "Durand", "given": "Marc"}]
    assert s["berger-2021-oeil"]["collection-number"] == "12" and s["berger-2021-oeil"]["language"] == "fr-FR"
    assert s["dupont-2025-maire"]["type"] == "article-newspaper"
    assert s["ce-2024-400001"]["authority"] == "Conseil d'État"


def _edited_copy(tmp_path: Path, name: str, old: str, new: str) -> Path:
    copy = tmp_path / name
    text = (ZOTERO / name).read_text(encoding="utf-8")
    assert text.count(old) == 1
    copy.write_text(text.replace(old, new), encoding="utf-8")
    return copy


@pytest.mark.parametrize("name", ["items.json", "items.bib"])
def test_importing_again_after_an_edit_updates_in_place_and_says_what_changed(tmp_path, name):
    lib = empty_library(tmp_path / "lib")
    run("--library", lib, "sources", "import", ZOTERO / name)
    first = imported(lib)
    again = run("--library", lib, "sources", "import", ZOTERO / name).output
    assert "Nothing to write" in again and "0 new, 0 updated, 8 unchanged" in again
    assert imported(lib) == first
    copy = _edited_copy(tmp_path, name, "Des capteurs sonores dans la rue", "Des capteurs sonores dans nos rues")
    out = run("--library", lib, "sources", "import", copy).output
    assert "0 new, 1 updated, 7 unchanged, 0 conflicts" in out
    assert "  updated    martin-2023-capteurs\n" in out
    assert "      title: 'Des capteurs sonores dans la rue' -> 'Des capteurs sonores dans nos rues'\n" in out
    text = imported(lib)
    assert all(text.count(f"- id: {key}\n") == 1 for key in KEYS)
    assert sources_of(lib)["martin-2023-capteurs"]["title"] == "Des capteurs sonores dans nos rues"
    assert text.startswith("# Sources imported with `motions sources import`")


def test_an_item_without_citation_key_is_found_again_by_its_zotero_uri(tmp_path):
    lib = empty_library(tmp_path / "lib")
    run("--library", lib, "sources", "import", ZOTERO / "items.json")
    copy = _edited_copy(tmp_path, "items.json", '"Carte participative de la vidéosurveillance"',
                        '"Nouvelle carte participative de la vidéosurveillance"')
    out = run("--library", lib, "sources", "import", copy).output
    assert "0 new, 1 updated, 7 unchanged" in out
    assert "  updated    petit-2024-carte (matched by Zotero URI)\n" in out
    assert "the file calls it 'petit-2024-nouvelle'; the library keeps the key 'petit-2024-carte'" in out
    assert "petit-2024-nouvelle" not in imported(lib)


def test_a_renamed_better_bibtex_key_is_matched_by_doi_and_the_cited_key_kept(tmp_path):
    lib = empty_library(tmp_path / "lib")
    run("--library", lib, "sources", "import", ZOTERO / "items.bib")
    copy = _edited_copy(tmp_path, "items.bib", "@article{martin-2023-capteurs,", "@article{martinCapteurs2023,")
    copy.write_text(copy.read_text(encoding="utf-8").replace("volume = {12}", "volume = {13}"), encoding="utf-8")
    out = run("--library", lib, "sources", "import", copy).output
    assert "  updated    martin-2023-capteurs (matched by DOI)\n" in out
    assert "      volume: '12' -> '13'\n" in out
    assert "martinCapteurs2023" not in imported(lib)


def test_an_update_keeps_the_fields_the_library_added_under_custom(tmp_path):
    lib = empty_library(tmp_path / "lib")
    run("--library", lib, "sources", "import", ZOTERO / "items.json")
    path = lib / "arguments/sources/imported.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "    zotero_uri: http://zotero.org/users/local/Qx7Lm2/items/M4RT2023\n",
        "    zotero_uri: http://zotero.org/users/local/Qx7Lm2/items/M4RT2023\n    kind: academic\n"
        "    checked: '2026-11-22'\n")
    path.write_text(text, encoding="utf-8")
    copy = _edited_copy(tmp_path, "items.json", '"page": "45-67"', '"page": "45-68"')
    out = run("--library", lib, "sources", "import", copy).output
    assert "      page: '45-67' -> '45-68'\n" in out and "custom.kind" not in out
    custom = sources_of(lib)["martin-2023-capteurs"]["custom"]
    assert custom["kind"] == "academic" and custom["checked"] == "2026-11-22"


def test_made_up_keys_are_author_year_firstword_in_plain_ascii():
    def key(**item):
        return make_key({"type": "book", **item})

    assert key(title="Œuvres du cœur", author=[{"family": "Lefèvre", "given": "Anne"}],
               issued={"date-parts": [[1999]]}) == "lefevre-1999-oeuvres"
    assert key(title="Œuvres du cœur") == "oeuvres"
    assert key(title="Æsthetica", issued={"date-parts": [[1750]]}) == "1750-aesthetica"
    assert key(title="La Technopolice en marche", author=[{"literal": "La Quadrature du Net"}],
               issued={"date-parts": [[2019]]}) == "quadrature-2019-technopolice"
    assert key(title="2023 : une année de surveillance", issued={"date-parts": [[2023]]}) == "2023-annee"
    assert make_key({"type": "legal_case", "authority": "Conseil d'État", "number": "472245",
                     "issued": {"date-parts": [[2025, 4, 4]]}}) == "ce-2025-472245"
    assert make_key({"type": "legislation", "title": "Code général des collectivités territoriales",
                     "section": "art. L2121-29"}) == "cgct-art-l2121-29"


def test_two_made_up_keys_that_collide_get_a_suffix(tmp_path):
    lib = empty_library(tmp_path / "lib")
    items = [{"id": f"http://zotero.org/users/local/Qx7Lm2/items/ZZZZ000{i}", "type": "book",
              "title": f"Surveiller {'et punir' if i else 'les villes'}", "author": [{"family": "Foucault"}],
              "issued": {"date-parts": [[1975]]}} for i in (1, 2)]
    path = tmp_path / "two.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    out = run("--library", lib, "sources", "import", path).output
    assert "new        foucault-1975-surveiller\n" in out and "new        foucault-1975-surveiller-b\n" in out


# --------------------------------------------------------------------------- BibTeX input


def _import_bib(tmp_path: Path, body: str, ok=True):
    lib = tmp_path / "lib"
    if not lib.exists():
        empty_library(lib)
    path = tmp_path / "in.bib"
    path.write_text(body, encoding="utf-8")
    result = run("--library", lib, "sources", "import", path, ok=ok)
    return result, (sources_of(lib) if ok else None), path


def test_bibtex_languages_translators_and_web_pages(tmp_path):
    body = r"""
@book{a, title = {A}, author = {Doe, Jane}, translator = {Roe, Rick}, langid = {english}, year = 2001}
@book{b, title = {B}, author = {Doe, Jane}, langid = {ngerman}, year = 2002}
@book{c, title = {C}, author = {Doe, Jane}, language = {french}, year = 2003}
@misc{d, title = {D}, author = {Doe, Jane}, howpublished = {\url{https://exemple.org/d_1}}, year = 2004}
@misc{e, title = {E \href{https://exemple.org/x}{lien}}, author = {Doe, Jane},
  howpublished = {\href{https://exemple.org/e}{Exemple.org}}, note = {Voir \href{https://exemple.org/n}{ici}}, year = 2005}
@misc{f, title = {F}, author = {Doe, Jane}, howpublished = {Distribué en réunion}, year = 2006}
"""
    result, s, _ = _import_bib(tmp_path, body)
    assert "6 new" in result.output
    assert s["a"]["translator"] == [{"family": "Roe", "given": "Rick"}] and s["a"]["language"] == "en-US"
    assert s["b"]["language"] == "de-DE" and s["c"]["language"] == "fr-FR"
    assert s["d"]["type"] == "webpage" and s["d"]["URL"] == "https://exemple.org/d_1"
    assert s["e"]["type"] == "webpage" and s["e"]["URL"] == "https://exemple.org/e"
    assert s["e"]["container-title"] == "Exemple.org" and s["e"]["title"] == "E lien"
    assert s["e"]["custom"]["remark"] == "Voir ici" and "note" not in s["e"]
    assert s["f"]["type"] == "document" and s["f"]["publisher"] == "Distribué en réunion"


def test_a_zotero_uri_in_a_bibtex_note_is_the_items_identity_and_the_rest_a_remark(tmp_path):
    body = ("@book{k, title = {T}, year = 2020,\n  note = {zotero://select/items/1_ABCD2345\nÀ relire avant usage}}\n"
            "@book{g, title = {G}, year = 2020, annotation = {http://zotero.org/groups/12345/items/ABCD2346}}\n")
    _, s, _ = _import_bib(tmp_path, body)
    assert s["k"]["custom"] == {"zotero_uri": "zotero://select/items/1_ABCD2345", "remark": "À relire avant usage"}
    assert s["g"]["custom"] == {"zotero_uri": "http://zotero.org/groups/12345/items/ABCD2346"}


def test_the_same_web_page_from_csl_json_and_from_bibtex_is_the_same_item(tmp_path):
    from motions.bibliography import format_entry
    from motions.document import plain_text

    csl = [{"id": "page", "type": "webpage", "title": "Carte", "container-title": "Exemple.org",
            "URL": "https://exemple.org/carte", "author": [{"family": "Petit", "given": "Aïcha"}],
            "issued": {"date-parts": [["2024", 2, 1]]}, "accessed": {"date-parts": [["2026", 11, 20]]}}]
    (tmp_path / "page.json").write_text(json.dumps(csl), encoding="utf-8")
    from_json = read_entries(tmp_path / "page.json")[0][0].item
    for bib in (
        r"@online{page, title={Carte}, author={Petit, Aïcha}, organization={Exemple.org}, date={2024-02-01}, url={https://exemple.org/carte}, urldate={2026-11-20}}",
        r"@online{page, title={Carte}, author={Petit, Aïcha}, journaltitle={Exemple.org}, date={2024-02-01}, url={https://exemple.org/carte}, urldate={2026-11-20}}",
        r"@misc{page, title={Carte}, author={Petit, Aïcha}, howpublished={\href{https://exemple.org/carte}{Exemple.org}}, year={2024}, month=feb, day={1}, urldate={2026-11-20}}",
    ):
        (tmp_path / "page.bib").write_text(bib, encoding="utf-8")
        from_bib = read_entries(tmp_path / "page.bib")[0][0].item
        assert from_bib == from_json, bib
        assert plain_text(tuple(format_entry(from_bib))) == plain_text(tuple(format_entry(from_json)))


@pytest.mark.parametrize("fields, what", [
    ("month = {13}", "date 2023-13 is not a date (there is no month 13)"),
    ("date = {2023-02-30}", "date 2023-02-30 is not a date (February 2023 has 28 days)"),
    ("month = {4}, day = {32}", "date 2023-04-32 is not a date (April 2023 has 30 days)"),
    ("urldate = {2026-13-01}", "urldate 2026-13-01 is not a date (there is no month 13)"),
    ("date = {hier}", "date 'hier' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD"),
])
def test_an_impossible_bibtex_date_is_refused_with_the_file_and_the_entry(tmp_path, fields, what):
    body = f"@book{{ok, title = {{Bon}}, year = 2020}}\n\n@book{{bad,\n  title = {{Titre}},\n  year = 2023, {fields}\n}}\n"
    result, _, path = _import_bib(tmp_path, body, ok=False)
    assert result.exit_code == 5, result.output
    assert f"{path}:3: entry 'bad': {what}" in result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert not (tmp_path / "lib/arguments/sources/imported.yaml").exists()


def test_an_impossible_csl_json_date_is_refused_too(tmp_path):
    lib = empty_library(tmp_path / "lib")
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([{"id": "x", "type": "book", "title": "T", "issued": {"date-parts": [[2020, 2, 31]]}}]),
                    encoding="utf-8")
    result = run("--library", lib, "sources", "import", path, ok=False)
    assert result.exit_code == 5
    assert f"{path}:1: entry 'x': issued 2020-02-31 is not a date (February 2020 has 29 days)" in result.output


def test_malformed_latex_names_the_entry_and_never_shows_a_traceback(tmp_path):
    body = "@book{fine, title = {Bien}, year = 2020}\n@book{broken, title = {\\href{https://x.org}}, year = 2021}\n"
    result, _, path = _import_bib(tmp_path, body, ok=False)
    assert result.exit_code == 5, result.output
    assert f"{path}:2: entry 'broken'" in result.output
    assert "Traceback" not in result.output and "internal error" not in result.output


def test_an_impossible_date_written_by_hand_is_reported_by_the_check(tmp_path):
    lib = empty_library(tmp_path / "lib")
    (lib / "arguments/sources").mkdir()
    (lib / "arguments/sources/main.yaml").write_text(
        "- id: x\n  type: book\n  title: T\n  issued: {date-parts: [[2023, 13, 1]]}\n", encoding="utf-8")
    _, errors = inspect_library(lib, with_cwd=False)
    assert any("main.yaml:1: source 'x': issued 2023-13-01 is not a date" in e for e in errors), errors


# --------------------------------------------------------------------------- out to Pandoc

PANDOC = shutil.which("pandoc")


def _pandoc_cites(bibliography: Path, keys: list[str], tmp_path: Path) -> tuple[str, str]:
    doc = tmp_path / "cites.md"
    doc.write_text("---\nlang: fr-FR\n---\n\n" + "\n\n".join(f"Voir [@{k}]." for k in keys) + "\n", encoding="utf-8")
    done = subprocess.run([PANDOC, "--citeproc", f"--bibliography={bibliography}", "-t", "plain", "--wrap=none",
                           str(doc)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout, done.stderr


@pytest.mark.skipif(PANDOC is None, reason="pandoc is not installed")
@pytest.mark.parametrize("fmt, suffix", [("csl-yaml", ".yaml"), ("csl-json", ".json")])
@pytest.mark.parametrize("fixture", ["items.json", "items.bib"])
@pytest.mark.warns("cited by no argument")
def test_pandoc_reads_the_export_without_warning_and_resolves_every_citation(tmp_path, fixture, fmt, suffix):
    lib = empty_library(tmp_path / "lib")
    run("--library", lib, "sources", "import", ZOTERO / fixture)
    out = tmp_path / f"sources{suffix}"
    run("--library", lib, "sources", "export", "--format", fmt, "-o", out)
    if fmt == "csl-yaml":
        assert list(yaml.safe_load(out.read_text(encoding="utf-8"))) == ["references"]
    else:
        assert isinstance(json.loads(out.read_text(encoding="utf-8")), list)
    text, warnings = _pandoc_cites(out, KEYS, tmp_path)
    assert warnings == ""
    assert "not found" not in text and "???" not in text
    for word in ("Berger", "Martin", "Commission d’exemple", "Association Exemple des libertés",
                 "Loi relative à l’encadrement", "Petit", "Dupont", "Durand"):
        assert word in text, word


@pytest.mark.skipif(PANDOC is None, reason="pandoc is not installed")
def test_the_shipped_library_exports_to_a_bibliography_pandoc_reads(tmp_path):
    from motions.library import inspect_library as inspect

    lib, errors = inspect(None, with_cwd=False)
    if errors:
        pytest.skip("the shipped library does not load yet")
    out = tmp_path / "all.yaml"
    run("sources", "export", "--format", "csl-yaml", "-o", out)
    data = yaml.safe_load(out.read_text(encoding="utf-8"))["references"]
    assert not any("note" in item for item in data)  # editors' remarks go to custom.remark, never printed
    text, warnings = _pandoc_cites(out, sorted(lib.sources), tmp_path)
    assert warnings == "" and "not found" not in text

"""The library editing tools: `motions arguments`, `motions sources`, `motions init`.

Each test works on a copy of a small root in a tmp folder, through the real
command line (click's CliRunner), and opens what the commands wrote: the YAML
files, the library as motions loads it, the generated motion's text.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from helpers import ROOTS, norm
from motions.cli import cli
from motions.library import inspect_library, load_library, shipped_root

BROKEN = ROOTS / "broken"
IMPORT = ROOTS / "import"
REPO = Path(__file__).resolve().parents[1]


def run(*args, env=None, ok=True):
    result = CliRunner().invoke(cli, [str(a) for a in args], env=env, catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def copy_root(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def shipped_or_skip():
    lib, errors = inspect_library(None, with_cwd=False)
    if errors:
        pytest.skip(f"the shipped library is being written and does not load yet ({len(errors)} problems)")
    return lib


# An $EDITOR that fills the fields of the file it is given, as a person would.
FILLER = textwrap.dedent('''\
    import json, re, sys
    path = sys.argv[1]
    fields = json.loads(open(sys.argv[0].replace(".py", ".json"), encoding="utf-8").read())
    out, skipping = [], False
    for line in open(path, encoding="utf-8").read().splitlines():
        m = re.match(r"^([a-z_]+):", line)
        if m and m.group(1) in fields:
            value = fields.pop(m.group(1))
            out.append(m.group(1) + ": " + value)
            skipping = True
            continue
        if skipping and (line.startswith("  ") or not line.strip()):
            continue
        skipping = False
        out.append(line)
    out += [k + ": " + v for k, v in fields.items()]
    open(path, "w", encoding="utf-8").write("\\n".join(out) + "\\n")
''')

CONSIDERANT = ("Considérant que le contrôle d'accès par reconnaissance faciale à l'entrée des écoles "
               "traite les données biométriques d'enfants, que le droit protège particulièrement [@rgpd, art. 9] ;")
PARAGRAPH = (
    "Des portiques de reconnaissance faciale ont été essayés à l'entrée de lycées, présentés comme un "
    "simple moyen de fluidifier les entrées. Ils traitent pourtant des données biométriques d'élèves, "
    "dont beaucoup sont mineurs, et que le droit européen range parmi les données dont le traitement "
    "est interdit par principe [@rgpd, art. 9]. Habituer des enfants à être identifiés par leur visage "
    "pour franchir une porte, c'est leur apprendre que la surveillance est la condition ordinaire de "
    "la vie en commun. La commune peut refuser de tels dispositifs dans les écoles dont elle a la charge."
)


def editor(tmp_path: Path, **fields) -> str:
    """An $EDITOR command that writes these fields (YAML values) into the file."""
    script = tmp_path / "fill_editor.py"
    script.write_text(FILLER, encoding="utf-8")
    script.with_suffix(".json").write_text(json.dumps(fields, ensure_ascii=False), encoding="utf-8")
    return f"{sys.executable} {script}"


def filled(arg_id: str, theme: str = "biometrie") -> dict:
    return {
        "id": arg_id,
        "title": '"Pas de reconnaissance faciale à l\'entrée des écoles"',
        "themes": f"[{theme}]",
        "short": '>-\n  Pas de portiques biométriques devant nos écoles : le visage des enfants n\'est pas un badge [@rgpd, art. 9].',
        "considerant": ">-\n  " + CONSIDERANT,
        "paragraph": ">-\n" + textwrap.fill(PARAGRAPH, 86, initial_indent="  ", subsequent_indent="  "),
    }


# --------------------------------------------------------------------------- check


def test_check_passes_on_a_valid_library_and_prints_the_counts(tmp_path):
    lib = copy_root(ROOTS / "small", tmp_path / "lib")
    result = run("--library", lib, "arguments", "check")
    # the oracle: the files themselves, read with PyYAML
    args = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in (lib / "arguments").rglob("*.yaml")
            if p.parent.name != "sources" and p.name != "themes.yaml"]
    sources = [s for p in (lib / "arguments" / "sources").glob("*.yaml")
               for s in yaml.safe_load(p.read_text(encoding="utf-8"))]
    themes = yaml.safe_load((lib / "arguments" / "themes.yaml").read_text(encoding="utf-8"))
    used = {t for a in args for t in a["themes"]}
    out = result.output
    assert "The library is valid" in out and str(lib) in out and "shipped_arguments: false" in out
    assert re.search(rf"^  arguments\s+{sum(a.get('kind', 'argument') == 'argument' for a in args)}$", out, re.M)
    assert re.search(rf"^  rebuttals\s+{sum(a.get('kind') == 'rebuttal' for a in args)}$", out, re.M)
    assert re.search(rf"^  themes\s+{len(used)} used / {len(themes)} defined$", out, re.M)
    assert re.search(rf"^  sources\s+{len(sources)} \(", out, re.M)
    n_legislation = sum(s["type"] == "legislation" for s in sources)
    assert f"legislation {n_legislation}" in out
    warnings = [line for line in out.splitlines() if line.startswith("warning: ")]
    assert re.search(rf"^  warnings\s+{len(warnings)}$", out, re.M)
    # the small root cites few of its sources: warnings, which --strict turns into a failure
    assert warnings and all(re.match(r"warning: /\S+:\d+: ", w) for w in warnings)
    strict = run("--library", lib, "arguments", "check", "--strict", ok=False)
    assert strict.exit_code == 5 and "which --strict makes fail" in strict.output


BROKEN_EXPECTED = [
    # (file, line, words of the message) — one file per kind of problem
    ("arguments/cas/schema-champ-inconnu.yaml", 5, "checked: Input should be a valid date"),
    ("arguments/cas/schema-champ-inconnu.yaml", 15, "auteur: Extra inputs are not permitted"),
    ("arguments/cas/reponse-sans-objection.yaml", 2, "a rebuttal needs an 'objection'"),
    ("arguments/cas/yaml-malforme.yaml", "6:1", "malformed YAML"),
    ("arguments/cas/source-inconnue.yaml", 7, "unknown source key '@inconnue'"),
    ("arguments/cas/doublon.yaml", 2, "duplicate argument id 'doublon'"),
    ("arguments/cas/court-trop-long.yaml", 6, "the short form has 314 characters; the limit is 280"),
    ("arguments/cas/citation-sans-source.yaml", 6, "a quotation in « » needs the citation of its source"),
    ("arguments/cas/considerant-debut.yaml", 7, "must begin with « Considérant que »"),
    ("arguments/cas/paragraphe-court.yaml", 8, "the paragraph has 13 words; write 60 to 200"),
    ("arguments/cas/paragraphe-long.yaml", 8, "words; write 60 to 200"),
    ("arguments/cas/caractere-controle.yaml", 3, "title: contains the control character U+0007"),
    ("arguments/cas/theme-inconnu.yaml", 4, "unknown theme 'inexistant'"),
    ("arguments/cas/aucune-source.yaml", 7, "the argument cites no source"),
    ("arguments/sources/z-doublon.yaml", 2, "duplicate source key 'livre'"),
    ("arguments/sources/type-inconnu.yaml", 2, "has CSL type 'journal'"),
    ("arguments/sources/type-inconnu.yaml", 2, "has no title"),
    ("arguments/sources/controle.yaml", 2, "source 'controle', title: contains the control character U+0001"),
    ("arguments/sources/malforme.json", "3:41", "malformed JSON"),
]
BROKEN_WARNINGS = [
    ("arguments/cas/sans-locator.yaml", 6, "[@livre] has no locator"),
    ("arguments/sources/sources.yaml", 14, "source 'inutilisee' is cited by no argument"),
]


def _problem_lines(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines()]


def test_check_reports_every_problem_of_a_broken_library_with_file_and_line():
    result = run("--library", BROKEN, "arguments", "check", ok=False)
    assert result.exit_code == 5
    lines = _problem_lines(result.output)
    assert re.search(r"Error: the library has \d+ errors and \d+ warnings", result.output)
    for rel, line, words in BROKEN_EXPECTED:
        prefix = f"{BROKEN / rel}:{line}:"
        assert any(x.startswith(prefix) and words in x for x in lines), f"{prefix} ... {words}\n{result.output}"
    for rel, line, words in BROKEN_WARNINGS:  # printed as warnings, not counted as errors
        assert any(x == f"warning: {BROKEN / rel}:{line}: " + x.split(f":{line}: ", 1)[-1] and words in x
                   for x in lines), words
    # no traceback, one message
    assert "Traceback" not in result.output


def test_check_strict_makes_the_warnings_of_a_broken_library_fail_too():
    result = run("--library", BROKEN, "--strict", "arguments", "check", ok=False)
    assert result.exit_code == 5
    lines = _problem_lines(result.output)
    for rel, line, words in BROKEN_EXPECTED + BROKEN_WARNINGS:
        assert any(x.startswith(f"{BROKEN / rel}:{line}:") and words in x for x in lines), words
    assert not any(x.startswith("warning:") for x in lines)


def test_every_file_of_the_broken_root_is_reported():
    """One file per problem kind: a file that stops causing its problem is a test that tests nothing."""
    result = run("--library", BROKEN, "--strict", "arguments", "check", ok=False)
    valid = {BROKEN / "arguments/themes.yaml", BROKEN / "arguments/autre/doublon.yaml"}
    for path in sorted((BROKEN / "arguments").rglob("*")):
        if path.is_file() and path not in valid:
            assert f"{path}:" in result.output, path


def test_invalid_xml_characters_are_refused_by_the_loader_itself():
    lib, errors = inspect_library(BROKEN, with_cwd=False)
    assert any("caractere-controle.yaml:3" in e and "U+0007" in e for e in errors)
    with pytest.raises(Exception) as info:
        load_library(BROKEN, with_cwd=False)
    assert info.value.exit_code == 5


# --------------------------------------------------------------------------- list and show


def test_list_filters_by_theme_kind_and_accent_insensitive_search(tmp_path):
    lib = copy_root(ROOTS / "small", tmp_path / "lib")
    out = run("--library", lib, "arguments", "list").stdout
    assert out.splitlines()[0].split() == ["ID", "KIND", "THEMES", "TITLE"]
    assert "visage-identifie" in out and "csu-local" in out
    # "supervision" is in csu-local's title; "À DISTANCE" matches "à distance" in visage-identifie
    found = run("--library", lib, "arguments", "list", "--search", "SUPERVISION").stdout
    assert "csu-local" in found and "visage-identifie" not in found
    found = run("--library", lib, "arguments", "list", "--search", "A DISTANCE").stdout
    assert "visage-identifie" in found and "csu-local" not in found
    # in the text, not only the title: "gabarits" is in visage-identifie's paragraph
    assert "visage-identifie" in run("--library", lib, "arguments", "list", "-s", "gabarits").stdout
    none = run("--library", lib, "arguments", "list", "--kind", "rebuttal")
    assert "No argument matches." in none.output and "visage-identifie" not in none.stdout
    bad = run("--library", lib, "arguments", "list", "--theme", "biometri", ok=False)
    assert bad.exit_code == 6 and "Did you mean biometrie?" in bad.output


def test_show_prints_every_form_the_condition_the_sources_and_the_use(tmp_path):
    lib_dir = copy_root(ROOTS / "small", tmp_path / "lib")
    out = run("--library", lib_dir, "arguments", "show", "csu-local").stdout
    lib = load_library(lib_dir, with_cwd=False)
    arg = lib.arguments["csu-local"].argument
    assert "Title:        Le centre de supervision urbain de la commune" in out
    assert "Applies:      facts known: csu" in out
    assert "Checked:      2026-11-22" in out
    assert "File:         lib/arguments/biometrie/csu-local.yaml:1" in out  # relative to the working directory
    assert f"Short form ({len(arg.short) - len(' [@cnil-2019-rf, p. 4]')}/280 characters" in out
    assert re.search(r"Paragraph \((\d+) words\)", out).group(1) == str(len(
        re.sub(r"\s*\[@[^\]]+\]", "", arg.paragraph).split()))
    assert norm(arg.considerant) in norm(out) and norm(arg.paragraph) in norm(out)
    # the source as the documents print it (format_citation), with its locator and file:line
    flat = " ".join(out.split())
    from motions.bibliography import format_citation
    from motions.document import plain_text

    as_in_documents = plain_text(tuple(format_citation(lib.sources["cnil-2019-rf"], "p. 4")))
    assert f"[@cnil-2019-rf, p. 4] {as_in_documents}" in flat
    assert "Reconnaissance faciale : pour un débat à la hauteur des enjeux" in as_in_documents
    assert "2019, p. 4, https://www.cnil.fr/" in as_in_documents
    assert "arguments/sources/test.yaml:" in out
    assert "Used by:      motion template 'biometrie'" in out
    missing = run("--library", lib_dir, "arguments", "show", "visage-identife", ok=False)
    assert missing.exit_code == 6 and "visage-identifie" in missing.output


# --------------------------------------------------------------------------- new


def test_a_new_user_writes_an_argument_sees_it_listed_and_finds_it_in_a_motion(tmp_path):
    lib = copy_root(ROOTS / "small", tmp_path / "lib")
    env = {"EDITOR": editor(tmp_path, **filled("ecoles-sans-biometrie"))}
    result = run("--library", lib, "arguments", "new", "--id", "ecoles-sans-biometrie", "--theme", "biometrie",
                 env=env)
    path = lib / "arguments" / "biometrie" / "ecoles-sans-biometrie.yaml"
    assert f"{path} is valid" in result.output or "ecoles-sans-biometrie.yaml is valid" in result.output
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../../schema/argument.schema.json"
    assert (lib / "schema" / "argument.schema.json").is_file()
    assert "# One line, in French." in text  # the comments stay around the filled fields

    listed = run("--library", lib, "arguments", "list", "--search", "ÉCOLES").stdout
    assert "ecoles-sans-biometrie" in listed and "Pas de reconnaissance faciale" in listed
    shown = run("--library", lib, "arguments", "show", "ecoles-sans-biometrie").stdout
    assert "Used by:      motion template 'biometrie'" in shown

    out = tmp_path / "out"
    run("--library", lib, "generate", "Villejuif", "--arguments", "ecoles-sans-biometrie,visage-identifie",
        "--format", "txt", "-o", out)
    motion = (out / "94076-villejuif-biometrie.txt").read_text(encoding="utf-8")
    considerant = re.sub(r"\s*\[@[^\]]+\]", "", CONSIDERANT).rstrip(" ;")
    assert norm(considerant) in norm(motion)
    assert "Considérant que le contrôle d’accès par reconnaissance faciale" in motion  # typography applied


def test_without_an_editor_the_draft_waits_outside_the_library_until_filled(tmp_path):
    """`arguments new` with no $EDITOR: the empty draft breaks nothing; `arguments add` checks it and moves it in."""
    lib = copy_root(ROOTS / "small", tmp_path / "lib")
    result = run("--library", lib, "arguments", "new", "--id", "a-remplir", env={"EDITOR": "", "VISUAL": ""})
    draft = lib / "drafts" / "a-remplir.yaml"
    assert draft.is_file() and not (lib / "arguments" / "mes-arguments" / "a-remplir.yaml").exists()
    assert "No editor is set" in result.output and "motions arguments add lib/drafts/a-remplir.yaml" in result.output
    assert "export EDITOR=" in result.output
    run("--library", lib, "arguments", "check")  # the library still loads: the draft is not part of it
    run("--library", lib, "generate", "Villejuif", "--format", "txt", "-o", tmp_path / "o")
    added = run("--library", lib, "arguments", "add", draft, ok=False)
    assert added.exit_code == 5 and "it stays a draft" in added.output
    for field in ("title", "themes", "short", "considerant", "paragraph"):
        line = next(i for i, x in enumerate(draft.read_text(encoding="utf-8").splitlines(), 1)
                    if x.startswith(field + ":"))
        assert f"{draft}:{line}: {field}:" in added.output, field
    assert draft.is_file() and not (lib / "arguments" / "mes-arguments" / "a-remplir.yaml").exists()
    run("--library", lib, "arguments", "check")  # still fine after the refused add
    # the same draft, filled in by hand, then added
    fill = editor(tmp_path, **{k: v for k, v in filled("a-remplir").items() if k != "id"})
    import subprocess

    subprocess.run(fill.split() + [str(draft)], check=True)
    run("--library", lib, "arguments", "add", draft)
    placed = lib / "arguments" / "biometrie" / "a-remplir.yaml"  # the folder of its first theme
    assert placed.is_file() and not draft.exists()
    assert placed.read_text(encoding="utf-8").splitlines()[0].endswith("$schema=../../schema/argument.schema.json")
    run("--library", lib, "arguments", "check")


def test_a_draft_left_unchanged_in_the_editor_is_removed(tmp_path):
    lib = copy_root(ROOTS / "small", tmp_path / "lib")
    result = run("--library", lib, "arguments", "new", "--id", "pas-touche", env={"EDITOR": "true"})
    assert "left unchanged" in result.output
    assert not (lib / "drafts" / "pas-touche.yaml").exists()
    assert not list((lib / "arguments").rglob("pas-touche.yaml"))


def test_a_new_rebuttal_needs_its_objection_filled(tmp_path):
    lib = copy_root(ROOTS / "small", tmp_path / "lib")
    fields = {k: v for k, v in filled("reponse-gratuit").items() if k != "id"}
    result = run("--library", lib, "arguments", "new", "--id", "reponse-gratuit", "--kind", "rebuttal",
                 env={"EDITOR": editor(tmp_path, **fields)}, ok=False)
    path = lib / "drafts/reponse-gratuit.yaml"
    assert result.exit_code == 5 and "a rebuttal needs an 'objection'" in result.output
    fields = {"objection": ">-\n  « C'est gratuit : l'entreprise nous le prête. »"}
    import subprocess

    subprocess.run(editor(tmp_path, **fields).split() + [str(path)], check=True)
    run("--library", lib, "arguments", "add", path)
    run("--library", lib, "arguments", "check")
    listed = run("--library", lib, "arguments", "list", "--kind", "rebuttal").stdout
    assert "reponse-gratuit  rebuttal" in listed


def test_new_renames_the_file_when_the_id_is_changed_in_the_editor(tmp_path):
    lib = copy_root(ROOTS / "small", tmp_path / "lib")
    env = {"EDITOR": editor(tmp_path, **filled("portiques-ecoles"))}
    result = run("--library", lib, "arguments", "new", "--theme", "biometrie", env=env)
    assert (lib / "arguments/biometrie/portiques-ecoles.yaml").is_file()
    assert not list(lib.rglob("nouvel-argument.yaml"))
    assert "arguments/biometrie/portiques-ecoles.yaml is valid" in result.output


def test_new_reports_the_problems_left_after_editing_with_file_and_line(tmp_path):
    lib = copy_root(ROOTS / "small", tmp_path / "lib")
    fields = filled("mal-remplie")
    fields["considerant"] = ">-\n  Attendu que la formule est fausse [@rgpd, art. 9] ;"
    fields["short"] = ">-\n  Une forme courte qui cite une clé inconnue [@nulle-part, p. 3]."
    result = run("--library", lib, "arguments", "new", "--id", "mal-remplie", "--theme", "biometrie",
                 env={"EDITOR": editor(tmp_path, **fields)}, ok=False)
    path = lib / "drafts/mal-remplie.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert result.exit_code == 5 and path.is_file()  # saved, never lost
    assert not (lib / "arguments/biometrie/mal-remplie.yaml").exists()  # and the library is not broken
    assert f"{path}:{lines.index('considerant: >-') + 1}: the considérant must begin" in result.output
    assert f"{path}:{lines.index('short: >-') + 1}: short: unknown source key '@nulle-part'" in result.output


def test_new_never_overwrites_and_never_writes_into_the_installed_package(tmp_path):
    lib = copy_root(ROOTS / "small", tmp_path / "lib")
    before = (lib / "arguments/biometrie/csu-local.yaml").read_bytes()
    again = run("--library", lib, "arguments", "new", "--id", "csu-local", "--no-edit", ok=False)
    assert again.exit_code == 1 and "already has the argument 'csu-local'" in again.output
    assert (lib / "arguments/biometrie/csu-local.yaml").read_bytes() == before
    import motions

    package = Path(motions.__file__).parent
    inside = run("--library", package / "data", "arguments", "new", "--no-edit", ok=False)
    assert inside.exit_code == 2 and "installed motions package" in inside.output
    assert not (package / "data" / "arguments").exists()
    nowhere = run("arguments", "new", "--no-edit", ok=False)  # the tmp cwd is no library
    assert nowhere.exit_code == 1 and "motions init DIR" in nowhere.output
    bad_theme = run("--library", lib, "arguments", "new", "--theme", "nulle", "--no-edit", ok=False)
    assert bad_theme.exit_code == 6 and "themes.yaml" in bad_theme.output
    bad_id = run("--library", lib, "arguments", "new", "--id", "Pas Un Id", "--no-edit", ok=False)
    assert bad_id.exit_code == 2


def test_a_broken_editor_leaves_the_file_and_says_so(tmp_path):
    lib = copy_root(ROOTS / "small", tmp_path / "lib")
    result = run("--library", lib, "arguments", "new", "--id", "x-y", env={"EDITOR": "false"}, ok=False)
    assert result.exit_code == 1 and "stopped with code 1" in result.output
    assert (lib / "drafts/x-y.yaml").is_file() and "motions arguments add" in result.output
    result = run("--library", lib, "arguments", "new", "--id", "x-z", env={"EDITOR": "/no/such/editor"}, ok=False)
    assert result.exit_code == 1 and "cannot run the editor" in result.output


# --------------------------------------------------------------------------- schema


def test_the_shipped_schema_file_is_the_generated_one():
    from motions.scaffold import schema_text

    shipped = (REPO / "schema" / "argument.schema.json").read_text(encoding="utf-8")
    assert shipped == schema_text(), "run `python scripts/build_schema.py`"
    assert shipped == run("schema").stdout


def test_filled_files_validate_against_the_json_schema(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((REPO / "schema" / "argument.schema.json").read_text(encoding="utf-8"))
    for path in (ROOTS / "small" / "arguments" / "biometrie").glob("*.yaml"):
        data = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))
        jsonschema.validate(data, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"id": "x", "auteur": "y"}, schema)


# --------------------------------------------------------------------------- init and users' libraries


def test_init_creates_a_library_ready_to_edit(tmp_path):
    folder = tmp_path / "ma-bibliotheque"
    result = run("init", folder)
    for rel in ("motions-library.yaml", "arguments/themes.yaml", "arguments/sources/mes-sources.yaml",
                "arguments/exemples/exemple-biometrie-interdite.yaml", "templates/README.txt",
                "schema/argument.schema.json"):
        assert (folder / rel).is_file(), rel
        assert rel in result.output
    if "facts" in cli.commands:  # `motions facts new` exists: its scaffold too
        assert (folder / "facts/exemple.yaml").is_file()
        run("facts", "check", folder / "facts/exemple.yaml")
    settings = (folder / "motions-library.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(settings) == {"shipped_arguments": True} and "# false:" in settings
    readme = (folder / "templates/README.txt").read_text(encoding="utf-8")
    assert "templates/motions/biometrie.md.j2" in readme and "templates/reference.docx" in readme
    assert str(shipped_root() / "templates") in readme
    example = (folder / "arguments/exemples/exemple-biometrie-interdite.yaml").read_text(encoding="utf-8")
    assert example.startswith("# yaml-language-server: $schema=../../schema/argument.schema.json\n")
    # a self-contained variant of it checks clean: the example, its source and theme are valid
    (folder / "motions-library.yaml").write_text(settings.replace("shipped_arguments: true",
                                                                  "shipped_arguments: false"), encoding="utf-8")
    with open(folder / "arguments/themes.yaml", "a", encoding="utf-8") as fh:
        fh.write("biometrie: Biométrie\nlibertes: Libertés\ndroit: Droit\n")
    check = run("--library", folder, "arguments", "check")
    assert re.search(r"^  arguments\s+1$", check.output, re.M)
    assert re.search(r"^  warnings\s+0$", check.output, re.M)
    assert "exemple-biometrie-interdite" in run("--library", folder, "arguments", "list").stdout


def test_init_refuses_a_folder_that_is_not_empty_and_never_overwrites(tmp_path):
    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / "notes.txt").write_text("mes notes", encoding="utf-8")
    refused = run("init", folder, ok=False)
    assert refused.exit_code == 2 and "--force" in refused.output
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
    (folder / "motions-library.yaml").write_text("shipped_arguments: false\n", encoding="utf-8")
    result = run("init", folder, "--force")
    assert "kept     " in result.output and "motions-library.yaml (exists)" in result.output
    assert (folder / "motions-library.yaml").read_text(encoding="utf-8") == "shipped_arguments: false\n"
    assert (folder / "arguments/themes.yaml").is_file()
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mes notes"
    assert run("init", tmp_path / "lib" / "notes.txt", ok=False).exit_code == 2


def test_a_users_library_adds_and_overrides_shipped_arguments_without_touching_the_package(tmp_path, monkeypatch):
    shipped = shipped_or_skip()
    folder = tmp_path / "lib"
    run("init", folder)
    target_id = next(iter(shipped.arguments))
    original = shipped.arguments[target_id]
    package_hash = hashlib.sha256(original.path.read_bytes()).hexdigest()
    monkeypatch.chdir(folder)  # found in the working directory, without --library
    fields = {"title": '"Un titre remplacé par la bibliothèque locale"'}
    result = run("arguments", "new", "--id", target_id, env={"EDITOR": editor(tmp_path, **fields)})
    assert "yours replaces it" in result.output
    mine = next((folder / "arguments").rglob(f"{target_id}.yaml"))
    listed = run("arguments", "list", env={"COLUMNS": "300"}).stdout  # titles uncut
    assert "Un titre remplacé par la bibliothèque locale" in listed
    assert "exemple-biometrie-interdite" in listed  # added
    assert len([x for x in listed.splitlines() if x.startswith(target_id + " ")]) == 1
    lib = load_library(None)  # from the working directory
    assert lib.arguments[target_id].path == mine
    assert lib.arguments[target_id].argument.considerant == original.argument.considerant  # copied, then edited
    assert len(lib.arguments) == len(shipped.arguments) + 1
    assert hashlib.sha256(original.path.read_bytes()).hexdigest() == package_hash
    # and the example argument reaches a motion when asked for
    run("generate", "Villejuif", "--arguments", "exemple-biometrie-interdite", "--format", "txt", "-o", tmp_path / "o")
    text = (tmp_path / "o" / "94076-villejuif-biometrie.txt").read_text(encoding="utf-8")
    assert norm("interdit par principe le traitement de données biométriques") in norm(text)


# --------------------------------------------------------------------------- sources import / export


def _sources_of(lib_dir: Path) -> dict:
    lib, errors = inspect_library(lib_dir, with_cwd=False)
    assert not [e for e in errors if "/sources/" in e], errors
    return lib.own_sources()


def test_import_csl_json_updates_the_target_in_place_field_by_field_and_keeps_its_comments(tmp_path):
    lib = copy_root(IMPORT / "library", tmp_path / "lib")
    target = lib / "arguments/sources/existing.yaml"
    result = run("--library", lib, "sources", "import", IMPORT / "zotero.json", "--into", target)
    out = result.output
    assert "2 new, 2 updated, 0 unchanged, 0 conflicts" in out
    assert ("  updated    dupont-2021-villes\n"
            "      title: 'Villes sous surveillance' -> 'Villes sous surveillance : enquête'\n"
            "      issued: 2021 -> 2022\n"
            "      custom.zotero_uri: added 'http://zotero.org/users/local/kq3Zx1/items/EF56GH78'\n") in out
    assert "  updated    cnil-2019-rf\n      custom.zotero_uri: added" in out  # Zotero's identity recorded
    assert "new        martin-2023-capteurs" in out and "new        petit-2024-carte" in out  # a key made for it
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Sources already in the library")  # comments kept
    assert "# Technopolice: the import brings" in text and text.count("id: dupont-2021-villes") == 1
    sources = _sources_of(lib)
    assert sources["dupont-2021-villes"]["title"] == "Villes sous surveillance : enquête"
    assert sources["dupont-2021-villes"]["issued"] == {"date-parts": [[2022]]}
    martin = sources["martin-2023-capteurs"]
    assert martin["author"] == [{"family": "Martin", "given": "Léa"}, {"family": "Bernard", "given": "Paul"}]
    assert martin["issued"] == {"date-parts": [[2023, 5]]} and martin["DOI"] == "10.5555/exemple.2023.12"
    assert "citation-key" not in martin and sources["petit-2024-carte"]["accessed"] == {"date-parts": [[2026, 11, 20]]}
    assert martin["custom"] == {"zotero_uri": "http://zotero.org/users/local/kq3Zx1/items/IJ90KL12"}
    assert list(sources) == ["cnil-2019-rf", "dupont-2021-villes", "martin-2023-capteurs", "petit-2024-carte"]
    text = target.read_text(encoding="utf-8")
    again = run("--library", lib, "sources", "import", IMPORT / "zotero.json", "--into", target)
    assert "0 new, 0 updated, 4 unchanged, 0 conflicts" in again.output and "Nothing to write" in again.output
    assert target.read_text(encoding="utf-8") == text


def test_import_bibtex_converts_types_names_dates_and_fields(tmp_path):
    lib = copy_root(IMPORT / "library", tmp_path / "lib")
    result = run("--library", lib, "sources", "import", IMPORT / "refs.bib")
    target = lib / "arguments/sources/imported.yaml"
    assert "into lib/arguments/sources/imported.yaml: 7 new, 0 updated, 0 unchanged, 0 conflicts" in result.output
    assert "left out: keywords" in result.output
    assert target.read_text(encoding="utf-8").startswith("# Sources imported with `motions sources import`")
    s = _sources_of(lib)
    assert {k: s[k]["type"] for k in ("martin2023", "dupont2021", "durand2020", "moreau2019", "ldh2022",
                                      "carte2024", "blog2025")} == {
        "martin2023": "article-journal", "dupont2021": "book", "durand2020": "chapter",
        "moreau2019": "paper-conference", "ldh2022": "report", "carte2024": "webpage", "blog2025": "webpage"}
    m = s["martin2023"]
    assert m["author"] == [{"family": "Martin", "given": "Léa"}, {"family": "Bernard", "given": "Paul"}]
    assert m["container-title"] == "Revue d'exemple des libertés"
    assert m["issued"] == {"date-parts": [[2023, 5]]} and m["page"] == "45-67" and m["issue"] == "3"
    assert m["DOI"] == "10.5555/exemple.2023.12" and m["title"] == "Des capteurs sonores dans la Rue"
    d = s["dupont2021"]
    assert d["publisher"] == "Éditions d'exemple" and d["publisher-place"] == "Lyon" and d["ISBN"] == "978-2-00-000000-0"
    c = s["durand2020"]
    assert c["editor"][1] == {"family": "La Fontaine", "given": "Jean", "non-dropping-particle": "de"}
    assert c["container-title"] == "Le corps numérique" and c["page"] == "101-120"
    r = s["ldh2022"]
    assert r["author"] == [{"literal": "Ligue d'exemple des droits"}] and r["genre"] == "Rapport annuel"
    assert r["URL"] == "https://exemple.org/rapport_2022%20final.pdf" and r["number"] == "7"
    assert s["carte2024"]["author"] == [{"family": "Petit", "given": "Aïcha"}]
    assert s["carte2024"]["accessed"] == {"date-parts": [[2026, 11, 20]]}
    assert s["blog2025"]["issued"] == {"date-parts": [[2025, 3, 8]]}
    assert s["blog2025"]["title"] == "Ce que les caméras ne voient pas & ce qu'elles font"
    # the file reads well: names and dates on one line
    text = target.read_text(encoding="utf-8")
    assert "  - {family: Martin, given: Léa}\n" in text and "  issued: {date-parts: [[2023, 5]]}\n" in text


def test_import_refuses_a_malformed_file_and_writes_nothing(tmp_path):
    lib = copy_root(IMPORT / "library", tmp_path / "lib")
    result = run("--library", lib, "sources", "import", IMPORT / "broken.bib", ok=False)
    assert result.exit_code == 5
    assert f"{IMPORT / 'broken.bib'}:7: malformed BibTeX entry" in result.output
    assert f"{IMPORT / 'broken.bib'}:11: entry 'sanstitre' has no title" in result.output
    assert not (lib / "arguments/sources/imported.yaml").exists()
    nolib = run("sources", "import", IMPORT / "refs.bib", ok=False)
    assert nolib.exit_code == 1 and "motions init DIR" in nolib.output


def test_a_key_held_by_another_file_of_the_library_is_never_written_twice(tmp_path):
    lib = copy_root(IMPORT / "library", tmp_path / "lib")
    result = run("--library", lib, "sources", "import", IMPORT / "zotero.json", "--overwrite")
    assert "conflict   dupont-2021-villes" in result.output and "edit it in existing.yaml" in result.output
    text = (lib / "arguments/sources/imported.yaml").read_text(encoding="utf-8")
    assert "dupont-2021-villes" not in text and "cnil-2019-rf" not in text  # unchanged, elsewhere
    lib_loaded, errors = inspect_library(lib, with_cwd=False)
    assert not [e for e in errors if "duplicate source key" in e]


@pytest.mark.warns("cited by no argument")
def test_export_round_trips(tmp_path):
    lib = copy_root(IMPORT / "library", tmp_path / "lib")
    run("--library", lib, "sources", "import", IMPORT / "refs.bib")
    run("--library", lib, "sources", "import", IMPORT / "zotero.json")
    sources = _sources_of(lib)
    exported = json.loads(run("--library", lib, "sources", "export").stdout)
    assert [i["id"] for i in exported] == sorted(sources)
    assert exported[0]["issued"]["date-parts"][0][0] == 2025  # blog2025 first: JSON dates, not YAML dates
    # CSL-JSON back in: every entry unchanged
    out = tmp_path / "all.json"
    run("--library", lib, "sources", "export", "-o", out)
    again = run("--library", lib, "sources", "import", out, "--into", tmp_path / "copy.yaml")
    assert f"0 new, 0 updated, {len(sources)} unchanged, 0 conflicts" in again.output
    # CSL-YAML: the same data, under the `references:` key Pandoc wants
    as_yaml = yaml.safe_load(run("--library", lib, "sources", "export", "--format", "csl-yaml").stdout)
    assert as_yaml == {"references": exported}
    # BibTeX into an empty library: titles, names and dates survive for the works BibTeX can describe
    fresh = tmp_path / "fresh"
    (fresh / "arguments").mkdir(parents=True)
    (fresh / "motions-library.yaml").write_text("shipped_arguments: false\n", encoding="utf-8")
    bib = tmp_path / "all.bib"
    run("--library", lib, "sources", "export", "--format", "bibtex", "-o", bib)
    run("--library", fresh, "sources", "import", bib)
    back = _sources_of(fresh)
    assert sorted(back) == sorted(sources)
    for key, item in sources.items():
        for field in ("title", "author", "issued", "container-title", "page", "DOI", "URL"):
            if field in item:
                assert back[key].get(field) == item[field], (key, field)

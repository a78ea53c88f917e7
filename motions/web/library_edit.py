"""Editing the library from the browser (local instance only): an argument as
a form, and a Zotero export imported into the sources.

An argument is saved as one YAML file in the user's library folder, as
``motions arguments new`` writes it, and is checked before it is written by the
same two layers the CLI uses: the schema (:class:`motions.schema.Argument`,
errors by field) and the library loader (``motions.scaffold.problems_of``: the
considérant's opening words, the short form's length, the paragraph's word
count, citations that name a source of the library…), run on a copy of the
user's library holding the new file. Only a file with no error reaches the
library; each problem is shown next to its field, in French.

No path comes from the request: the folder is the library's, the file name is
the argument's id (checked against the id pattern) and the sub-folder one of
the library's themes.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from .. import yamlfiles
from ..errors import LibraryError, MotionsError
from ..library import LIBRARY_MARKER
from ..output import atomic_write, is_inside
from ..schema import ID_PATTERN, PARAGRAPH_MAX_WORDS, PARAGRAPH_MIN_WORDS, SHORT_MAX_CHARS, Argument

FIELDS = ("id", "kind", "title", "objection", "themes", "checked", "short", "considerant", "paragraph", "point",
          "answers", "notes")
KEPT = ("applies_when", "place", "claims")  # not in the form: kept as the file has them

LABELS = {
    "id": ("Identifiant", "Lettres minuscules, chiffres et traits d’union ; le fichier porte ce nom."),
    "kind": ("Nature", "Un argument, ou la réponse à une objection."),
    "title": ("Titre", "Une ligne, en français."),
    "objection": ("Objection", "Pour une réponse : l’affirmation adverse, telle qu’on l’entend."),
    "themes": ("Thèmes", "Un ou plusieurs."),
    "checked": ("Vérifié le", "La date à laquelle vous avez vérifié les faits et le droit énoncés (AAAA-MM-JJ)."),
    "short": ("Forme courte (tract)", f"Au plus {SHORT_MAX_CHARS} caractères, citations non comptées."),
    "considerant": ("Considérant", "Une clause du texte voté : commence par « Considérant que », finit par « ; » "
                                   "et cite sa source, par exemple [@cnil-2019, p. 3]."),
    "paragraph": ("Paragraphe (exposé des motifs)", f"De {PARAGRAPH_MIN_WORDS} à {PARAGRAPH_MAX_WORDS} mots, "
                                                    "sourcés."),
    "point": ("Point défendu", "Facultatif : un identifiant ; un texte ne porte jamais deux arguments sur le même "
                               "point."),
    "answers": ("Objections auxquelles il répond", "Facultatif : des identifiants séparés par des virgules, par "
                                                   "exemple securite, dissuasion."),
    "notes": ("Notes pour la bibliothèque", "Jamais imprimées."),
}
KINDS = (("argument", "argument"), ("rebuttal", "réponse à une objection"))


@dataclass
class ArgumentForm:
    values: dict
    errors: dict[str, list[str]] = field(default_factory=dict)
    kept: dict = field(default_factory=dict)
    is_new: bool = False

    @property
    def has_errors(self) -> bool:
        return any(self.errors.values())


def form_of(entry) -> ArgumentForm:
    """The form filled with an argument of the library."""
    arg = entry.argument
    values = {
        "id": arg.id, "kind": arg.kind, "title": arg.title, "objection": arg.objection or "",
        "themes": list(arg.themes), "checked": arg.checked.isoformat(), "short": arg.short,
        "considerant": arg.considerant, "paragraph": arg.paragraph, "point": arg.point or "",
        "answers": ", ".join(arg.answers), "notes": arg.notes or "",
    }
    kept = arg.model_dump(mode="json", include=set(KEPT), exclude_none=True)
    return ArgumentForm(values, kept={k: v for k, v in kept.items() if v})


def blank_form(today: dt.date) -> ArgumentForm:
    values = {"id": "", "kind": "argument", "title": "", "objection": "", "themes": [], "checked": today.isoformat(),
              "short": "", "considerant": "Considérant que ", "paragraph": "", "point": "", "answers": "", "notes": ""}
    return ArgumentForm(values, is_new=True)


def form_from_request(form, kept: dict, is_new: bool, fixed_id: str | None) -> ArgumentForm:
    values = {name: (form.get(name) or "").strip() for name in FIELDS if name != "themes"}
    values["themes"] = [t for t in form.getlist("themes") if t]
    if fixed_id is not None:
        values["id"] = fixed_id
    return ArgumentForm(values, kept=kept, is_new=is_new)


def data_of(form: ArgumentForm) -> dict:
    """The argument file's data, in the order the scaffold writes."""
    v = form.values
    data: dict = {"id": v["id"], "kind": v["kind"] or "argument", "title": v["title"]}
    if v["objection"]:
        data["objection"] = v["objection"]
    data["themes"] = list(v["themes"])
    data["checked"] = v["checked"]
    data.update({"short": v["short"], "considerant": v["considerant"], "paragraph": v["paragraph"]})
    if v["point"]:
        data["point"] = v["point"]
    answers = [a.strip() for a in v["answers"].split(",") if a.strip()]
    if answers:
        data["answers"] = answers
    data.update(form.kept)
    if v["notes"]:
        data["notes"] = v["notes"]
    return data


def _date_value(value: str):
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return value


def yaml_text(data: dict) -> str:
    body = dict(data, checked=_date_value(data["checked"])) if isinstance(data.get("checked"), str) else data
    return ("# An argument of the motions library, written by the web application (motions serve).\n"
            + yaml.safe_dump(body, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False))


# --------------------------------------------------------------------------- checking


def schema_errors(data: dict) -> dict[str, list[str]]:
    """Errors of the schema, by field, in French."""
    try:
        Argument.model_validate(dict(data, checked=_date_value(str(data.get("checked", "")))))
    except ValidationError as exc:
        out: dict[str, list[str]] = {}
        for err in exc.errors():
            where = str(err["loc"][0]) if err["loc"] else "title"
            if where not in FIELDS:
                where = "objection" if "objection" in err["msg"] else "title"
            out.setdefault(where, []).append(french(err["msg"]))
        return out
    return {}


def library_errors(user_root: Path, data: dict, text: str, target: Path) -> dict[str, list[str]]:
    """Errors the library loader finds in the file, checked in a copy of the library."""
    from ..scaffold import problems_of

    lines = yamlfiles.line_map(text)
    starts = sorted((line, key[0]) for key, line in lines.items() if len(key) == 1)
    with tempfile.TemporaryDirectory(prefix="motions-web-check-") as tmp:
        copy = Path(tmp) / "bibliotheque"
        shutil.copytree(user_root, copy, symlinks=True, ignore=shutil.ignore_patterns(".*"))
        path = copy / target.relative_to(user_root)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        errors, _warnings = problems_of(path, copy)
    out: dict[str, list[str]] = {}
    for problem in errors:
        m = re.match(r"^.*?:(\d+): (?:(\w+): )?(.*)$", problem)
        if not m:
            out.setdefault("title", []).append(french(problem))
            continue
        line, named, message = int(m[1]), m[2], m[3]
        where = named if named in FIELDS else next((k for start, k in reversed(starts) if start <= line), "title")
        if where not in FIELDS:
            where = "considerant"
        out.setdefault(where, []).append(french(message))
    return out


def target_path(user_root: Path, lib, data: dict) -> Path:
    """Where the argument's file goes: its file in the user's library, or a new
    file named after its id in the folder of its first theme."""
    arg_id = data["id"]
    if not re.match(ID_PATTERN, arg_id or "") or len(arg_id) > 100:
        raise MotionsError("invalid id")
    entry = lib.arguments.get(arg_id)
    if entry is not None and is_inside(entry.path, user_root):
        return entry.path
    themes = [t for t in data.get("themes", []) if t in lib.themes and re.match(ID_PATTERN, t)]
    folder = themes[0] if themes else "mes-arguments"
    path = user_root / "arguments" / folder / f"{arg_id}.yaml"
    if not is_inside(path, user_root):
        raise MotionsError("the argument's path leaves the library")
    return path


def ensure_library(folder: Path) -> Path:
    """The user's library folder, created (``motions init``) on first use."""
    from ..scaffold import init_library, refuse_installed

    refuse_installed(folder)
    if not (folder / LIBRARY_MARKER).is_file():
        init_library(folder, force=folder.is_dir())
    return folder


def save(form: ArgumentForm, user_root: Path, lib) -> Path | None:
    """Check and save the argument; None (and ``form.errors`` filled) when it has problems."""
    from ..scaffold import refuse_installed

    data = data_of(form)
    if form.is_new and data.get("id") in lib.arguments and is_inside(lib.arguments[data["id"]].path, user_root):
        form.errors["id"] = ["Votre bibliothèque a déjà un argument de cet identifiant : modifiez-le, ou choisissez "
                             "un autre identifiant."]
        return None
    form.errors = schema_errors(data)
    if form.has_errors:
        return None
    target = target_path(user_root, lib, data)
    refuse_installed(target)
    text = yaml_text(data)
    form.errors = library_errors(user_root, data, text, target)
    if form.has_errors:
        return None
    atomic_write(target, text.encode("utf-8"))
    return target


# --------------------------------------------------------------------------- sources

SOURCE_SUFFIXES = (".json", ".yaml", ".yml", ".bib")


@dataclass
class ImportResult:
    new: list[str]
    updated: list[str]
    unchanged: list[str]
    conflicts: list[str]


def import_upload(user_root: Path, lib, filename: str, data: bytes) -> ImportResult:
    """Merge an uploaded bibliography (Zotero's CSL JSON, CSL-YAML, BibTeX) into
    the library's ``arguments/sources/imported.yaml``."""
    from ..sources_io import import_sources

    suffix = Path(filename or "").suffix.lower()
    if suffix not in SOURCE_SUFFIXES:
        raise LibraryError([], header="Le fichier doit être un export CSL JSON (.json), CSL-YAML (.yaml) ou BibTeX "
                                      "(.bib).")
    target = user_root / "arguments" / "sources" / "imported.yaml"
    with tempfile.TemporaryDirectory(prefix="motions-web-import-") as tmp:
        upload = Path(tmp) / f"import{suffix}"
        upload.write_bytes(data)
        report = import_sources(upload, target, existing=lib.sources, where=lib.source_where, same_root=user_root)
    return ImportResult(report.new, [u.key for u in report.updated], report.unchanged,
                        [c.key for c in report.conflicts])


#: English messages of the schema and the loader -> French.
MESSAGES = [
    (r"^Field required", "Ce champ est obligatoire."),
    (r"^String should have at least (\d+) characters?", r"Ce texte doit compter au moins \1 caractères."),
    (r"^String should match pattern", "Utilisez seulement des lettres minuscules, des chiffres et des traits d’union."),
    (r"^List should have at least 1 item", "Choisissez au moins un thème."),
    (r"^Input should be 'argument' or 'rebuttal'", "Choisissez « argument » ou « réponse à une objection »."),
    (r"^Input should be a valid date", "Écrivez une date au format AAAA-MM-JJ, par exemple 2026-03-14."),
    (r"a rebuttal needs an 'objection'", "Une réponse à une objection doit énoncer l’objection."),
    (r"must begin with « Considérant que »", "Le considérant doit commencer par « Considérant que »."),
    (r"the short form has (\d+) characters; the limit is (\d+): cut (\d+)",
     r"La forme courte compte \1 caractères ; la limite est \2 : retirez-en \3."),
    (r"the paragraph has (\d+) words; write (\d+) to (\d+)", r"Le paragraphe compte \1 mots ; écrivez-en de \2 à \3."),
    (r"unknown source key '@([^']+)'", r"La source « \1 » n’est pas dans la bibliothèque : importez-la (Zotero) ou "
                                       r"corrigez la clé."),
    (r"unknown theme '([^']+)'", r"Le thème « \1 » n’existe pas."),
    (r"a quotation in « » needs the citation", "Une citation entre « » doit citer sa source dans le même champ, "
                                               "par exemple [@cle, p. 3]."),
    (r"cites no source", "L’argument ne cite aucune source : rattachez chaque affirmation à sa source avec "
                         "[@cle, p. 3]."),
    (r"looks like a citation but does not parse", "Ceci ressemble à une citation mais n’est pas bien écrit : "
                                                  "écrivez [@cle] ou [@cle, p. 3], et \\@ pour un @ seul."),
    (r"control character", "Le texte contient un caractère de contrôle invisible (souvent collé depuis un PDF) : "
                           "supprimez-le."),
    (r"duplicate argument id", "Un autre fichier de votre bibliothèque a déjà cet identifiant."),
]


def french(message: str) -> str:
    for pattern, replacement in MESSAGES:
        m = re.search(pattern, message)
        if m:
            return m.expand(replacement)
    return f"Problème : {message}"

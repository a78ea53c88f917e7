"""The local facts as a web form, in French, checked as ``motions facts check`` does.

The form is generated from the facts model (:class:`motions.facts.Facts`):
one fieldset per fact, one input per field, its kind (number, date, yes/no,
choice, topics) read from the model's types, so a field added to the model
appears here. The model's descriptions are in English, for the CLI and the
JSON schema; the French label and help of each field are in :data:`LABELS`
(a test checks that every field of the model has one).

Validation is the CLI's: the form's values become the text of a facts file
and go through :func:`motions.facts.parse_facts`; each problem it reports
(``faits.yaml:LINE: cameras.count: message``) is mapped back to its field by
the dotted path, and its message put in French (:func:`french`).
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from dataclasses import dataclass, field

import yaml
from pydantic import BaseModel

from ..errors import FactsError
from ..facts import TOPICS, Facts, parse_facts

PREFIX = "f."
#: How many contracts and projects the form offers beyond those given.
EXTRA_SLOTS = 1
MAX_SLOTS = 6
FACTS_NAME = "faits.yaml"

#: Top-level facts, in the order of the form, with their French legend and help.
FIELDSETS: dict[str, tuple[str, str]] = {
    "session": ("La séance du conseil", "La date sert à calculer les délais de dépôt dans le dossier."),
    "group": ("Votre groupe", "Le groupe qui présente le texte ; son nom figure sur le texte et le tract."),
    "mayor_title": ("Le maire ou la maire", "Pour accorder le texte (« le maire », « la maire »)."),
    "cameras": ("Caméras", "Les caméras de vidéoprotection que la commune exploite sur la voie publique."),
    "csu": ("Centre de supervision urbain (CSU)", "La salle où les images des caméras sont regardées."),
    "police_municipale": ("Police municipale", "La police municipale de la commune."),
    "contracts": ("Contrats", "Les contrats de la commune sur la surveillance (un par bloc ; un bloc vide "
                              "est ignoré)."),
    "vsa_software": ("Logiciel de vidéosurveillance algorithmique", "Un logiciel qui analyse les images "
                                                                     "automatiquement."),
    "sound_sensors": ("Capteurs sonores", "Des micros ou capteurs qui analysent les sons de la rue."),
    "drones": ("Drones", "Les drones utilisés par la commune ou sa police."),
    "prefectoral_authorisations": ("Autorisations préfectorales", "Ce que la liste du préfet autorise "
                                                                  "dans la commune."),
    "vendor_offer": ("Offre d’un fournisseur", "Une entreprise ou une fondation qui propose un équipement."),
    "projects": ("Projets de la commune", "Des projets numériques ou de surveillance annoncés."),
    "smart_city_project": ("Projet de « ville intelligente »", "Une plateforme de pilotage urbain, un jumeau "
                                                               "numérique…"),
}

#: French label and help of each field: (parent, name) for one fact, or (None, name) for every fact.
LABELS: dict[tuple[str | None, str], tuple[str, str]] = {
    (None, "source"): ("Source", "D’où vient l’information : un document, sa page, une adresse web. "
                                 "Elle est citée après le fait."),
    (None, "date"): ("Date de la source", "Quand c’était vrai ou publié (AAAA-MM-JJ)."),
    (None, "exists"): ("La commune en a-t-elle ?", "« Non » dit que la commune n’en a pas : le texte peut "
                                                   "le dire."),
    (None, "covers"): ("Ce que cela concerne", "Cochez ce qui s’applique : chaque motion ne retient que ce "
                                               "qui la concerne."),
    (None, "vendor"): ("Entreprise", "Par exemple « Briefcam »."),
    (None, "object"): ("Objet", "Ce qui est acheté, loué ou prêté, par exemple « logiciel d’analyse vidéo »."),
    (None, "name"): ("Nom", ""),
    (None, "description"): ("Description", "Une phrase, par exemple « plateforme de pilotage urbain »."),
    (None, "count"): ("Nombre", ""),
    (None, "reference"): ("Référence", "Son numéro, ou la délibération qui l’a approuvé."),
    ("session", "date"): ("Date de la séance", "AAAA-MM-JJ, par exemple 2026-03-14."),
    ("session", "place"): ("Lieu de la séance", "Par exemple « salle du conseil, hôtel de ville »."),
    ("group", "name"): ("Nom du groupe", "Par exemple « Villejuif en commun »."),
    ("group", "members"): ("Membres", "Une personne par ligne."),
    ("group", "contact"): ("Contact", "Adresse électronique, téléphone ou adresse, pour le tract."),
    ("", "mayor_title"): ("Titre", "« le maire » ou « la maire »."),
    ("cameras", "count"): ("Nombre de caméras", "Sur la voie publique, par exemple 120."),
    ("csu", "name"): ("Nom du centre", "Par exemple « centre de supervision urbain »."),
    ("csu", "shared_with"): ("Partagé avec", "Un CSU intercommunal : avec quelles communes."),
    ("police_municipale", "agents"): ("Nombre d’agents", ""),
    ("contracts", "amount_eur"): ("Montant (euros TTC)", "Par exemple 125000 ou 125000,50."),
    ("contracts", "until"): ("Fin du contrat", "Quand il prend fin ou doit être renouvelé (AAAA-MM-JJ)."),
    ("vsa_software", "product"): ("Produit", "Le nom du logiciel."),
    ("vsa_software", "count"): ("Nombre d’appareils", "Si cela a un sens."),
    ("vsa_software", "location"): ("Où", "Par exemple « dans le quartier de la gare »."),
    ("sound_sensors", "product"): ("Produit", "Le nom du dispositif."),
    ("sound_sensors", "count"): ("Nombre de capteurs", ""),
    ("sound_sensors", "location"): ("Où", "Par exemple « dans le quartier de la gare »."),
    ("drones", "count"): ("Nombre de drones", ""),
    ("drones", "use"): ("Usage", "Ce à quoi ils servent, selon la commune."),
    ("prefectoral_authorisations", "systems"): ("Systèmes autorisés", "Combien de systèmes de vidéoprotection "
                                                                      "la liste du préfet autorise dans la "
                                                                      "commune."),
    ("prefectoral_authorisations", "reference"): ("Référence", "L’arrêté préfectoral ou la liste."),
    ("vendor_offer", "vendor"): ("Qui propose", "Une entreprise ou une fondation."),
    ("vendor_offer", "object"): ("Ce qui est proposé", "Par exemple « dix capteurs sonores »."),
    ("vendor_offer", "terms"): ("Conditions", "Par exemple « prêt gratuit pendant un an »."),
    ("projects", "name"): ("Nom du projet", "Tel que la commune l’appelle."),
    ("smart_city_project", "name"): ("Nom du projet", "Tel que la commune l’appelle."),
}

TOPIC_LABELS = {"video": "vidéoprotection", "vsa": "vidéosurveillance algorithmique", "biometrics": "biométrie",
                "sound": "sons", "drones": "drones", "data_platform": "plateforme de données", "other": "autre"}
BOOL_CHOICES = (("", "non renseigné"), ("oui", "oui"), ("non", "non"))
SKIPPED = {"commune"}  # set from the commune chosen in the page


@dataclass
class Widget:
    """One input of the form."""

    path: tuple  # ("contracts", 0, "vendor")
    kind: str  # text, int, float, date, bool, choice, topics, lines
    label: str
    help: str
    choices: tuple = ()
    value: object = ""
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return PREFIX + ".".join(map(str, self.path))

    @property
    def id(self) -> str:
        return "f-" + "-".join(map(str, self.path)).replace("_", "-")


@dataclass
class Fieldset:
    name: str
    legend: str
    help: str
    blocks: list[list[Widget]]  # one block per item (several for a list of contracts)
    is_list: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(len(w.errors) for block in self.blocks for w in block)


# --------------------------------------------------------------------------- the model's shape


def _inner(annotation):
    """(model, is_list) for a field holding a sub-model, else (None, False)."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is list and args and isinstance(args[0], type) and issubclass(args[0], BaseModel):
        return args[0], True
    if origin in (typing.Union, types.UnionType):
        for a in args:
            if isinstance(a, type) and issubclass(a, BaseModel):
                return a, False
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    return None, False


def _kind(annotation) -> tuple[str, tuple]:
    """The input kind of a leaf field, and its choices."""
    base = annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        base = args[0] if len(args) == 1 else annotation
    origin = typing.get_origin(base)
    if origin is list:
        item = typing.get_args(base)[0]
        if typing.get_origin(item) is typing.Literal:
            return "topics", tuple((t, TOPIC_LABELS.get(t, t)) for t in typing.get_args(item))
        return "lines", ()
    if origin is typing.Literal:
        values = typing.get_args(base)
        return "choice", tuple((v, v) for v in values)
    return {bool: "bool", int: "int", float: "float", dt.date: "date"}.get(base, "text"), ()


def label_of(parent: str, name: str) -> tuple[str, str]:
    return LABELS.get((parent, name)) or LABELS.get((None, name)) or ("", "")


def leaf_fields(model: type[BaseModel]) -> list[tuple[str, str, tuple]]:
    """(name, kind, choices) of the fields of a sub-model, in the model's order."""
    out = []
    names = sorted(model.model_fields, key=lambda n: n in ("source", "date"))  # the fact first, its source last
    for name in names:
        info = model.model_fields[name]
        kind, choices = _kind(info.annotation)
        if kind == "bool":
            choices = BOOL_CHOICES
        out.append((name, kind, choices))
    return out


def all_leaf_keys() -> list[tuple[str, str]]:
    """(parent, name) of every field the form shows (for the test that each has a French label)."""
    keys = []
    for top, info in Facts.model_fields.items():
        if top in SKIPPED:
            continue
        model, _ = _inner(info.annotation)
        if model is None:
            keys.append(("", top))
        else:
            keys += [(top, name) for name, _, _ in leaf_fields(model)]
    return keys


# --------------------------------------------------------------------------- form <-> data


def _get(data, path):
    for part in path:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


def build_form(data: dict) -> list[Fieldset]:
    """The fieldsets of the form, filled with ``data`` (raw values, as typed)."""
    sets = []
    for top, (legend, help_text) in FIELDSETS.items():
        info = Facts.model_fields[top]
        model, is_list = _inner(info.annotation)
        if model is None:
            kind, choices = _kind(info.annotation)
            label, help_ = label_of("", top)
            value = _get(data, (top,)) or ""
            sets.append(Fieldset(top, legend, help_text, [[Widget((top,), kind, label, help_, choices, value)]]))
            continue
        items = data.get(top) if is_list else None
        count = min(MAX_SLOTS, len(items or []) + EXTRA_SLOTS) if is_list else 1
        blocks = []
        for i in range(count):
            base = (top, i) if is_list else (top,)
            block = []
            for name, kind, choices in leaf_fields(model):
                label, help_ = label_of(top, name)
                value = _get(data, base + (name,))
                if kind == "lines" and isinstance(value, list):
                    value = "\n".join(v if isinstance(v, str) else (v or {}).get("name", "") for v in value)
                block.append(Widget(base + (name,), kind, label, help_, choices,
                                    value if value is not None else ""))
            blocks.append(block)
        sets.append(Fieldset(top, legend, help_text, blocks, is_list))
    return sets


def _set(data: dict, path: tuple, value) -> None:
    node = data
    for part, nxt in zip(path, path[1:]):
        if isinstance(nxt, int):
            node = node.setdefault(part, {})  # list items are gathered as {index: item}, compacted after
        else:
            node = node.setdefault(part, {})
    node[path[-1]] = value


def _compact(value):
    """{0: {...}, 2: {...}} -> [{...}, {...}] (blank blocks dropped), recursively."""
    if isinstance(value, dict):
        if value and all(isinstance(k, int) for k in value):
            return [_compact(value[k]) for k in sorted(value) if value[k]]
        return {k: _compact(v) for k, v in value.items()}
    return value


def _convert(kind: str, raw: list[str]):
    """The value of one input, or None when left blank (kept raw when it does not parse:
    the facts check reports it, next to the field)."""
    values = [v.strip() for v in raw if v is not None and v.strip()]
    if kind == "topics":
        return [v for v in values if v in TOPICS] or None
    if not values:
        return None
    value = values[0]
    if kind == "lines":
        lines = [line.strip() for line in value.splitlines() if line.strip()]
        return lines or None
    if kind == "bool":
        return {"oui": True, "non": False}.get(value)
    if kind == "float":
        return value.replace("\u202f", "").replace(" ", "").replace(",", ".")
    if kind == "int":
        return value.replace("\u202f", "").replace(" ", "")
    return value


def data_from_form(form) -> dict:
    """The facts as nested data from the submitted fields (``form`` has ``getlist``)."""
    data: dict = {}
    for key in sorted(set(form.keys())):
        if not key.startswith(PREFIX):
            continue
        path = tuple(int(p) if p.isdigit() else p for p in key[len(PREFIX):].split("."))
        kind = _widget_kind(path)
        if kind is None or (len(path) > 1 and isinstance(path[1], int) and path[1] >= MAX_SLOTS):
            continue
        value = _convert(kind, form.getlist(key))
        if value is not None:
            _set(data, path, value)
    return _compact(data)


def _widget_kind(path: tuple) -> str | None:
    top = path[0]
    info = Facts.model_fields.get(top)
    if info is None or top in SKIPPED:
        return None
    model, is_list = _inner(info.annotation)
    if model is None:
        return _kind(info.annotation)[0] if len(path) == 1 else None
    rest = path[2:] if is_list else path[1:]
    if is_list and (len(path) < 2 or not isinstance(path[1], int)):
        return None
    if len(rest) != 1 or rest[0] not in model.model_fields:
        return None
    return _kind(model.model_fields[rest[0]].annotation)[0]


def flatten(data: dict) -> list[tuple[str, str]]:
    """Nested facts -> query-string pairs (``f.cameras.count=42``)."""
    out: list[tuple[str, str]] = []

    def walk(value, path):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, path + (k,))
        elif isinstance(value, list):
            if path and path[-1] == "covers":
                out.extend((PREFIX + ".".join(map(str, path)), str(v)) for v in value)
            elif path and path[-1] == "members":
                out.append((PREFIX + ".".join(map(str, path)),
                            "\n".join(v if isinstance(v, str) else str((v or {}).get("name", "")) for v in value)))
            else:
                for i, v in enumerate(value):
                    walk(v, path + (i,))
        elif isinstance(value, bool):
            out.append((PREFIX + ".".join(map(str, path)), "oui" if value else "non"))
        elif value is not None:
            out.append((PREFIX + ".".join(map(str, path)), str(value)))

    walk(data, ())
    return out


# --------------------------------------------------------------------------- the check


@dataclass
class Checked:
    facts: Facts | None  # None when there are errors
    errors: dict[str, list[str]]  # dotted path -> French messages
    warnings: dict[str, list[str]]
    other: list[str] = field(default_factory=list)  # problems that name no field


_PROBLEM = re.compile(r"^\s*(?:.+?):(\d+): (?P<loc>[\w.]+): (?:warning: )?(?P<msg>.*)$")


def check(data: dict, today: dt.date | None = None) -> Checked:
    """Validate the facts as ``motions facts check`` does; messages in French, by field."""
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False) if data else ""
    try:
        facts = parse_facts(text, FACTS_NAME, today)
    except FactsError as exc:
        errors: dict[str, list[str]] = {}
        other = []
        for line in exc.format_message().splitlines()[1:] or [exc.format_message()]:
            m = _PROBLEM.match(line)
            if m:
                errors.setdefault(m["loc"], []).append(french(m["msg"]))
            elif line.strip():
                other.append(french(line.strip()))
        return Checked(None, errors, {}, other)
    warnings: dict[str, list[str]] = {}
    for line in facts.warnings():
        m = _PROBLEM.match(line)
        if m:
            warnings.setdefault(m["loc"], []).append(french(m["msg"]))
    for item in facts.unsourced():
        where, _, _ = item.partition(": ")
        warnings.setdefault(where, []).append("Donnez la source et la date de ce fait : un texte voté doit pouvoir "
                                              "dire d’où vient un chiffre.")
    return Checked(facts, {}, warnings)


def attach(fieldsets: list[Fieldset], checked: Checked) -> None:
    """Put each message next to its field (or its fieldset)."""
    by_path = {".".join(map(str, w.path)): w for fs in fieldsets for block in fs.blocks for w in block}
    for loc, messages in checked.errors.items():
        widget = by_path.get(loc)
        if widget is not None:
            widget.errors += messages
        else:  # a missing required field of a block: the block's first widget, or the fieldset
            parent = next((w for p, w in by_path.items() if p.startswith(loc + ".") or loc.startswith(p)), None)
            target = parent or (fieldsets[0].blocks[0][0] if fieldsets else None)
            if target is not None:
                target.errors += messages
    for loc, messages in checked.warnings.items():
        widget = by_path.get(loc)
        if widget is not None:
            widget.warnings += messages
            continue
        top = loc.split(".")[0]
        for fs in fieldsets:
            if fs.name == top:
                fs.warnings += messages


#: English messages of the facts check -> French (regular expression, replacement).
MESSAGES = [
    (r"^Field required", "Ce champ est obligatoire quand le bloc est rempli."),
    (r"^Input should be a valid integer", "Écrivez un nombre entier, par exemple 12."),
    (r"^Input should be a valid number", "Écrivez un nombre, par exemple 125000 ou 125000,50."),
    (r"^Input should be greater than or equal to (\S+)", r"Écrivez un nombre supérieur ou égal à \1."),
    (r"^Input should be a valid date", "Écrivez une date au format AAAA-MM-JJ, par exemple 2026-03-14."),
    (r"^Input should be a valid boolean", "Répondez oui ou non."),
    (r"^Input should be '", "Choisissez l’une des valeurs proposées."),
    (r"^Input should be a valid (string|list|dictionary)", "Cette valeur n’a pas la forme attendue."),
    (r"is citation syntax", "Les citations entre crochets avec @ ne sont pas permises ici : indiquez d’où vient le "
                            "fait dans le champ « Source »."),
    (r"^the text has ([\d,]+) characters, more than the ([\d,]+)",
     lambda m: f"Ce texte a {m[1].replace(',', ' ')} caractères, plus que les {m[2].replace(',', ' ')} permis : "
               "raccourcissez-le (les détails vont dans la source)."),
    (r"^it holds a word of (\d+) characters", r"Il contient un « mot » de \1 caractères sans espace : coupez-le "
                                               r"(pour une adresse web, donnez l’adresse de la page)."),
    (r"can't be right", "Cette date ne peut pas être juste (une faute de frappe dans l’année ?) : écrivez une date "
                        "entre 1900 et 2100, au format AAAA-MM-JJ."),
    (r"^this contract ended on (\S+?),", r"Ce contrat a pris fin le \1, alors que les textes le présentent comme "
                                        r"en cours : retirez-le, ou donnez sa nouvelle date de fin."),
    (r"^the source is dated (\S+?), in the future", r"La source est datée du \1, dans le futur : vérifiez l’année."),
    (r"^unknown field", "Ce champ n’existe pas."),
]


def french(message: str) -> str:
    """The French sentence for a message of the facts check (the English one, marked, if unknown)."""
    for pattern, replacement in MESSAGES:
        m = re.search(pattern, message)
        if m:
            return replacement(m) if callable(replacement) else m.expand(replacement)
    return f"Valeur refusée ({message})."


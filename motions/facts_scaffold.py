"""The commented scaffold of a facts file (``motions facts new``).

Every field is written commented out, with a line saying what it changes in the
motions, so that the file a user starts from is valid as it is and documents
itself. The examples come from one table (:data:`FIELDS`); the tests render it
uncommented too and check that it validates, so the scaffold cannot drift from
the :class:`~motions.facts.Facts` model.
"""

from __future__ import annotations

from .facts import FIELD_NAMES

HEADER = """\
# Local facts about {about}, for `motions generate --facts FILE`.
#
# Every fact is optional. A field left commented out (#) is simply not
# mentioned: the motions stay correct without it. A fact you give changes the
# text where it matters (each field below says where).
#
# Each fact takes a source and a date: `source` says where it comes from (a
# document and its page, a URL) and `date` when it was true or published
# (YYYY-MM-DD). A motion read in council must be able to say where a figure
# comes from; the source is printed after the fact.
#
# To use a field, remove the "# " in front of its lines, keeping the indentation.
# Check the file with `motions facts check FILE`. All fields: docs/facts.md.
"""

#: (field, what it changes in the motions, example lines)
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("mayor_title",
     "« le maire » (default) or « la maire »: who is charged with executing the délibération.",
     "mayor_title: la maire"),
    ("session",
     "The council session: its date goes in the subtitle and after « Fait à … » in every motion.",
     "session:\n  date: 2026-03-14\n  place: salle du conseil"),
    ("group",
     "The presenting group and its members: subtitle (« Proposition présentée par … ») and signature.",
     "group:\n  name: Collectif pour les libertés\n  members:\n    - Camille Exemple\n    - {name: Dominique Exemple, role: conseillère municipale}\n  contact: contact@example.org"),
    ("cameras",
     "Cameras the commune runs on the public road: their number shows in the exposé and the articles of\n"
     "« biometrie » and « vsa », in the register of « controle-citoyen » and in the charter of « ville-numerique ».",
     "cameras:\n  count: 212\n  source: rapport d'activité de la police municipale, p. 12\n  date: 2025-03-03"),
    ("csu",
     "The centre de supervision urbain (`name` without article, e.g. « centre de supervision urbain »;\n"
     "`exists: false` if there is none): named where images or alerts would converge (all motions but\n"
     "« ville-numerique »).",
     "csu:\n  name: centre de supervision urbain\n  shared_with: la communauté d'agglomération\n  source: site de la ville\n  date: 2025-01-10"),
    ("police_municipale",
     "The police municipale and its agents: a considérant and the annual report of « controle-citoyen »,\n"
     "the articles of « biometrie » and « vsa ».",
     "police_municipale:\n  agents: 48\n  source: budget primitif 2026, p. 40\n  date: 2026-01-20"),
    ("contracts",
     "Contracts in force. `covers` says what each is about (video, vsa, biometrics, sound, drones,\n"
     "data_platform, other): « vsa » lists those on video and image analysis and names their end dates;\n"
     "« capteurs-sonores » those on sound; « controle-citoyen » all of them; « ville-numerique » all but\n"
     "video and drones. A contract without `covers` shows in all of them but « capteurs-sonores ».",
     "contracts:\n  - vendor: Vidéo Analyse SA\n    object: licence d'un logiciel d'analyse vidéo\n    covers: [vsa]\n"
     "    amount_eur: 48000\n    until: 2027-12-31\n    reference: marché n° 2024-17\n"
     "    source: registre des marchés publics\n    date: 2024-05-02"),
    ("vsa_software",
     "Image-analysis software the commune already uses: « vsa » names it, inventories it and switches it\n"
     "off; « biometrie », « controle-citoyen » and « ville-numerique » name it too.",
     "vsa_software:\n  vendor: Vidéo Analyse SA\n  product: Analyse Vidéo Pro\n  source: marché n° 2024-17\n  date: 2024-05-02"),
    ("sound_sensors",
     "Sound sensors (microphones) in public space (`exists: false` if there are none: « capteurs-sonores »\n"
     "then says so and leaves out the clauses on existing devices). Named in « capteurs-sonores »,\n"
     "« controle-citoyen » and « ville-numerique ».",
     "sound_sensors:\n  count: 6\n  location: sur la place du marché\n  vendor: Écoute Urbaine\n  source: compte rendu du conseil de quartier\n  date: 2026-02-03"),
    ("drones",
     "Drones the commune uses: « vsa » and « controle-citoyen ».",
     "drones:\n  count: 2\n  use: la surveillance des grands rassemblements\n  source: délibération du 12 juin 2025\n  date: 2025-06-12"),
    ("prefectoral_authorisations",
     "The préfet's list of authorised vidéoprotection systems, which the mayor keeps for the public at the\n"
     "mairie (CSI R252-10): « controle-citoyen » gives its count and reference.",
     "prefectoral_authorisations:\n  systems: 4\n  reference: arrêté préfectoral du 2 avril 2024\n  source: liste consultée en mairie\n  date: 2026-01-15"),
    ("vendor_offer",
     "A vendor's gift, loan or free trial (`terms` follows the object, e.g. « en prêt gratuit pendant un an »;\n"
     "`covers` as for contracts): declined in « vsa » or « capteurs-sonores » when it is about their subject,\n"
     "submitted to the council in « controle-citoyen » and to the charter in « ville-numerique ».",
     "vendor_offer:\n  vendor: Écoute Urbaine\n  object: dix capteurs sonores\n  terms: en prêt gratuit pendant un an\n  covers: [sound]\n"
     "  source: courrier reçu en mairie\n  date: 2026-01-05"),
    ("projects",
     "Local projects under way (`covers` as for contracts): reviewed in « controle-citoyen » and\n"
     "« ville-numerique »; those about sound are abandoned in « capteurs-sonores ».",
     "projects:\n  - name: Quartiers connectés\n    description: plateforme de données des services urbains\n    covers: [data_platform]\n"
     "    source: bulletin municipal, novembre 2025\n    date: 2025-11-01"),
    ("smart_city_project",
     "The commune's « smart city » project: the charter of « ville-numerique » applies to it first;\n"
     "« controle-citoyen » reviews it.",
     "smart_city_project:\n  name: Ville 2030\n  description: plateforme de pilotage urbain\n  vendor: Données Urbaines SAS\n"
     "  source: délibération du 10 octobre 2025\n  date: 2025-10-10"),
)


def scaffold_text(commune=None, *, commented: bool = True) -> str:
    """The scaffold; ``commented=False`` gives every example live (for the tests)."""
    about = commune.label if commune is not None else "your commune"
    out = [HEADER.format(about=about)]
    if commune is not None:
        lines = [f"# {commune.summary}"]
        if commune.ept:
            lines.append(f"# EPT: {commune.ept.display_name}")
        if commune.epci:
            lines.append(f"# EPCI: {commune.epci.display_name} ({commune.epci.kind_label})")
        out.append("\n".join(lines) + "\n")
        out.append("# The commune these facts are about: `facts check` checks it, `explain` warns if you draft for another.\n"
                   f'commune: "{commune.label}"\n')
    else:
        out.append("# The commune these facts are about: `facts check` checks it, `explain` warns if you draft for another.\n"
                   + ('commune: "Villejuif (94)"\n' if not commented else '# commune: "Villejuif (94)"\n'))
    for name, what, example in FIELDS:
        block = [f"# ── {name}"] + [f"#    {line}" for line in what.split("\n")]
        block += [(f"# {line}" if commented else line) for line in example.split("\n")]
        out.append("\n".join(block) + "\n")
    return "\n".join(out)


def _check_table() -> None:
    """Every field of the model has a scaffold entry (run by the tests)."""
    documented = {"commune"} | {f[0] for f in FIELDS}
    missing = [n for n in FIELD_NAMES if n not in documented]
    if missing:
        raise AssertionError(f"facts fields missing from the scaffold: {', '.join(missing)}")

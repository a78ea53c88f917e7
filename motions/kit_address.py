"""How the kit's letters address each authority: titles, salutations, closings.

French correspondence repeats the title of the salutation word for word in the
closing formula, never abbreviates Madame or Monsieur, and writes the
recipient's title in full in the address block (campaign-kit.md §8). The
holder's sex is not ours to know: unless the user says it (``--madame`` /
``--monsieur``, or ``mayor_title`` in the facts), a letter uses both forms,
« Madame la Maire, Monsieur le Maire ».

The forms are derived from the regime record (``Body.id`` and ``Body.name``);
no département code is tested here.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The président(e)s whose title is not « président de » + the body's name.
PRESIDENCY = {
    "collectivite-corse": "du conseil exécutif de Corse",  # regimes-and-powers §5.1, §5.4
    "metropole-lyon": "du conseil de la Métropole de Lyon",  # regimes-and-powers §4.1
}

#: Bodies whose executive's exact title the reference sheets do not give: the
#: letter says « Présidente / Président de … » and the index asks to check it.
TITLE_TO_CHECK = ("ctu-guyane", "ctu-martinique", "departement-region-mayotte")


@dataclass(frozen=True)
class Addressee:
    """One recipient, with every form a letter needs.

    ``title_f``/``title_m`` are the titles (« Madame la Préfète »), ``of_f``/
    ``of_m`` what follows them in the address block (« du Val-de-Marne »);
    ``salute_f``/``salute_m`` the salutation without its comma (« Monsieur le
    Préfet de police »); ``gender`` is "f", "m" or None (unknown: both forms).
    ``office`` is the address block's second line (« Préfecture du
    Val-de-Marne », « Hôtel de ville »); ``running`` the body in running text.
    """

    key: str
    title_f: str
    title_m: str
    of_f: str
    of_m: str
    salute_f: str
    salute_m: str
    office: str
    running: str
    gender: str | None = None
    attention: str = ""  # « À l'attention de la personne responsable de l'accès aux documents administratifs »
    check: str = ""  # French: what to check about the title or the name

    def with_gender(self, gender: str | None) -> Addressee:
        from dataclasses import replace

        return replace(self, gender=gender if gender in ("f", "m") else None)

    @property
    def salutation(self) -> str:
        """« Madame la Maire, Monsieur le Maire » (no final comma)."""
        if self.gender == "f":
            return self.salute_f
        if self.gender == "m":
            return self.salute_m
        return f"{self.salute_f}, {self.salute_m}"

    @property
    def heading(self) -> str:
        """The address block's first line: « Madame la Maire ou Monsieur le Maire de Villejuif »."""
        female = f"{self.title_f} {self.of_f}".strip()
        male = f"{self.title_m} {self.of_m}".strip()
        if self.gender == "f":
            return female
        if self.gender == "m":
            return male
        if self.of_f == self.of_m:
            return f"{self.title_f} ou {self.title_m} {self.of_m}".strip()
        return f"{female} ou {male}"

    def closing(self, plural: bool = False) -> str:
        """The closing formula, repeating the salutation (journaldesmaires, campaign-kit §8)."""
        if plural:
            return f"Nous vous prions d'agréer, {self.salutation}, l'expression de notre haute considération."
        return f"Je vous prie d'agréer, {self.salutation}, l'expression de ma haute considération."


def mayor(regime, commune) -> Addressee:
    """The chair of this council: « le maire », « le maire de Paris », « le maire du 15e arrondissement »."""
    of = regime.chair.removeprefix("le maire").strip()
    if not of:
        of = commune.de
    return Addressee("maire", "Madame la Maire", "Monsieur le Maire", of, of, "Madame la Maire", "Monsieur le Maire",
                     "Hôtel de ville", regime.chair if regime.chair != "le maire" else f"le maire {commune.de}")


def city_mayor(body, parent_name: str) -> Addressee:
    """The mayor of Paris, Lyon or Marseille, for an arrondissement (the commune holds the documents)."""
    of = body.name.removeprefix("le maire").strip()
    return Addressee("maire-commune", "Madame la Maire", "Monsieur le Maire", of, of, "Madame la Maire",
                     "Monsieur le Maire", "Hôtel de ville", body.name)


def prefect(body) -> Addressee:
    """« Monsieur le Préfet du Val-de-Marne », « Madame la Préfète de police »; the salutation of
    the préfet de police keeps « de police » (campaign-kit §8)."""
    of_m = body.name.removeprefix("le préfet").strip()
    of_f = of_m.replace("préfet ", "préfète ")
    police = of_m == "de police"
    salute_m = "Monsieur le Préfet de police" if police else "Monsieur le Préfet"
    salute_f = "Madame la Préfète de police" if police else "Madame la Préfète"
    first = of_m.split(",")[0]
    office = "Préfecture " + first
    return Addressee("prefet", "Madame la Préfète", "Monsieur le Préfet", of_f, of_m, salute_f, salute_m, office,
                     body.name, check=_likely(body))


def president(key: str, body) -> Addressee:
    """The président(e) of an EPCI, a département, a région, a collectivité or a transport authority."""
    of = PRESIDENCY.get(body.id, body.de)
    check = _likely(body)
    if body.id in TITLE_TO_CHECK:
        check = (check + " " if check else "") + (
            f"Le titre exact de la personne qui dirige l'exécutif {body.de} n'est pas donné par les fiches "
            "de référence : vérifiez-le sur son site avant l'envoi.")
    return Addressee(key, "Madame la Présidente", "Monsieur le Président", of, of, "Madame la Présidente",
                     "Monsieur le Président", "", body.name, check=check)


def commission(key: str, name: str, running: str) -> Addressee:
    """The CADA or the CNIL: the sex of their current presidents was not checked (campaign-kit §12 item 20)."""
    return Addressee(key, "Madame la Présidente", "Monsieur le Président", name, name, "Madame la Présidente",
                     "Monsieur le Président", "", running)


def _likely(body) -> str:
    if getattr(body, "confidence", "confirmed") == "likely":
        return (f"Le destinataire « {body.name} » est probable mais n'a pas été confirmé par les fiches de "
                "référence : vérifiez-le avant l'envoi.")
    return ""

"""The Python API that the CLI, the batch and the web application call.

Thin commands, fat library (MkDocs' habit): each command of ``motions.cli``
parses its options and calls one function here; the batch workers and the web
application call the same functions, so the three cannot disagree.

- :func:`resolve_commune` finds a commune (or says why not, with the nearest names);
- :func:`compose` composes a commune's motion and its dossier (documents, no bytes);
- :func:`render` writes them in each asked format (bytes, nothing on disk);
- :func:`generate` does both and saves the files together, atomically.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import __version__
from .compose import Composition, Options, compose_motion
from .facts import Facts
from .resources import Resources
from .writers import WriterOptions
from .writers import get as get_writer


@dataclass(frozen=True)
class Request:
    """What to make: one commune's motion, in some formats."""

    commune: object  # a communes.Commune
    motion: str = "biometrie"
    facts: Facts = field(default_factory=Facts)
    options: Options = field(default_factory=Options)
    formats: tuple[str, ...] = ("docx", "pdf")
    dossier: bool = True
    writer_options: WriterOptions = field(default_factory=WriterOptions)


@dataclass
class Rendered:
    files: dict[str, bytes]  # file name -> bytes
    composition: Composition


def slug(text: str) -> str:
    """ASCII, lower case, hyphens: « L'Haÿ-les-Roses » -> "l-hay-les-roses"."""
    text = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae"))
    text = text.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "commune"


def output_stem(commune, motion_id: str) -> str:
    return f"{commune.insee}-{slug(commune.name)}-{motion_id}"


def provenance(resources: Resources) -> dict:
    from .communes import DATA_PROVENANCE

    return {
        "tool_version": __version__,
        "commune_data": f"{DATA_PROVENANCE.get('source', 'COG')} {DATA_PROVENANCE.get('version', '')}".strip(),
        "commune_data_date": str(DATA_PROVENANCE.get("built", "")),
    }


def compose(request: Request, resources: Resources) -> Composition:
    return compose_motion(resources, request.commune, request.motion, request.facts, request.options,
                          provenance=provenance(resources), dossier=request.dossier)


def output_names(commune, motion_id: str, fmt: str, dossier: bool) -> list[str]:
    """The file names one format of a motion gives: the motion, and its dossier."""
    stem, ext = output_stem(commune, motion_id), get_writer(fmt).extension
    return [stem + ext] + ([stem + "-dossier" + ext] if dossier else [])


def render(request: Request, resources: Resources) -> Rendered:
    """Compose once, write every asked format of the motion and its dossier."""
    comp = compose(request, resources)
    files: dict[str, bytes] = {}
    for fmt in request.formats:
        writer = get_writer(fmt)
        names = output_names(request.commune, request.motion, fmt, comp.dossier is not None)
        for name, doc in zip(names, (comp.motion, comp.dossier)):
            files[name] = writer.write(doc, resources, request.writer_options)
    return Rendered(files, comp)


# --------------------------------------------------------------------------- what an output depends on


def options_record(options) -> dict:
    """An options dataclass as JSON-ready strings, for input digests."""
    return {k: (str(v) if v is not None else None) for k, v in asdict(options).items()}


def inputs_payload(request: Request, resources: Resources, insee: str | None = None) -> dict:
    """Everything an output depends on: library (arguments, sources, templates,
    styles), commune record, facts, options, formats and tool version."""
    from .communes import DATA_PROVENANCE

    return {
        "tool": __version__,
        "library": resources.library.version,
        "templates": resources.memo("templates-digest", lambda: templates_digest(resources.template_dirs)),
        "commune": insee or request.commune.insee,
        "data": DATA_PROVENANCE.get("version"),
        "motion": request.motion,
        "facts": request.facts.model_dump(mode="json"),
        "options": options_record(request.options),
        "writer_options": options_record(request.writer_options),
        "formats": list(request.formats),
        "dossier": request.dossier,
    }


def digest(payload: dict | str) -> str:
    """The digest the manifest records (a batch re-run skips an unchanged one)."""
    text = payload if isinstance(payload, str) else json.dumps(payload, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def inputs_digest(request: Request, resources: Resources) -> str:
    return digest(inputs_payload(request, resources))


def templates_digest(template_dirs) -> str:
    """A digest of every template file (motion texts, CSS, reference documents)."""
    h = hashlib.sha256()
    for folder in template_dirs:
        folder = Path(folder)
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
            h.update(path.relative_to(folder).as_posix().encode() + b"\0")
            h.update(path.read_bytes())
    return h.hexdigest()[:12]


def generate(request: Request, resources: Resources, out_dir: Path, *, force: bool = False):
    """Render and save the files together (atomically, never over a file the user edited)."""
    from .output import write_outputs

    rendered = render(request, resources)
    paths = write_outputs(Path(out_dir), rendered.files, force=force,
                          inputs_hash=inputs_digest(request, resources),
                          extra={"commune": request.commune.insee, "motion": request.motion})
    return paths, rendered


# --------------------------------------------------------------------------- flyers


@dataclass(frozen=True)
class FlyerRequest:
    """One commune's flyer in one layout."""

    commune: object
    options: "object" = None  # compose.flyer.FlyerOptions
    facts: Facts = field(default_factory=Facts)
    layout: str = "a5"  # a5, a6x4, a4
    writer_options: WriterOptions = field(default_factory=WriterOptions)


def flyer_name(commune, layout: str, writer_options: WriterOptions) -> str:
    suffix = ("-print" if writer_options.print_shop else "") + ("-pdfx" if writer_options.icc else "")
    return f"{commune.insee}-{slug(commune.name)}-flyer-{layout}{suffix}.pdf"


def render_flyer(request: FlyerRequest, resources: Resources) -> Rendered:
    from .compose.flyer import FlyerOptions, compose_flyer

    options = request.options or FlyerOptions()
    doc = compose_flyer(resources, request.commune, request.facts, options, provenance=provenance(resources))
    data = get_writer(f"flyer-{request.layout}").write(doc, resources, request.writer_options)
    return Rendered({flyer_name(request.commune, request.layout, request.writer_options): data}, None)


def flyer_digest(request: FlyerRequest, resources: Resources) -> str:
    from .output import file_sha256

    def file_hash(path):
        return file_sha256(Path(path))[:16] if path and Path(path).is_file() else None

    wo = request.writer_options
    payload = {
        "tool": __version__, "library": resources.library.version,
        "templates": templates_digest(resources.template_dirs), "commune": request.commune.insee,
        "layout": request.layout, "facts": request.facts.model_dump(mode="json"),
        "options": options_record(request.options) if request.options else None,
        "print_shop": wo.print_shop, "icc": file_hash(wo.icc), "logo": file_hash(wo.logo),
        **({"pdf_engine": wo.pdf_engine} if wo.pdf_engine else {}),
    }
    return digest(payload)


def generate_flyer(request: FlyerRequest, resources: Resources, out_dir: Path, *, force: bool = False):
    from .output import write_outputs

    rendered = render_flyer(request, resources)
    return write_outputs(Path(out_dir), rendered.files, force=force, inputs_hash=flyer_digest(request, resources),
                         extra={"commune": request.commune.insee, "flyer": request.layout})

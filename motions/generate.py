"""Generate one commune's motion in the asked formats: the library-level API.

The CLI's ``generate`` command and the batch workers both call
:func:`render_motion`; nothing here prints or exits.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import __version__
from .compose import Composition, Options, compose
from .errors import UsageError
from .facts import Facts
from .library import Library
from .output import write_outputs

FORMATS = ("docx", "pdf", "html", "txt")


def parse_formats(value: str | None) -> tuple[str, ...]:
    items = tuple(dict.fromkeys(f.strip().lower() for f in (value or "docx,pdf").split(",") if f.strip()))
    bad = [f for f in items if f not in FORMATS]
    if bad or not items:
        raise UsageError(f"unknown format {', '.join(bad) or '(none)'}; choose among {', '.join(FORMATS)} (comma-separated).")
    return items


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "commune"


def output_stem(commune, motion_id: str) -> str:
    return f"{commune.insee}-{slug(commune.name)}-{motion_id}"


def inputs_hash(lib: Library, commune, motion_id: str, facts: Facts, options: Options, fmt: str) -> str:
    """What an output depends on: library and templates, commune record, facts, options, version."""
    from .communes import DATA_PROVENANCE

    payload = {
        "tool": __version__,
        "library": lib.version,
        "commune": commune.insee,
        "data": DATA_PROVENANCE.get("version"),
        "motion": motion_id,
        "facts": facts.model_dump(mode="json"),
        "options": {k: (str(v) if v is not None else None) for k, v in asdict(options).items()},
        "format": fmt,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]


@dataclass
class Result:
    paths: list[Path]
    composition: Composition
    warnings: list[str] = field(default_factory=list)


def provenance(lib: Library) -> dict:
    from .communes import DATA_PROVENANCE

    return {
        "tool_version": __version__,
        "commune_data": f"{DATA_PROVENANCE.get('source', 'COG')} {DATA_PROVENANCE.get('version', '')}".strip(),
        "commune_data_date": str(DATA_PROVENANCE.get("built", "")),
    }


def render_motion(lib: Library, commune, motion_id: str, *, facts: Facts | None = None,
                  options: Options | None = None, formats=("docx", "pdf"), out_dir: Path = Path("motions-out"),
                  force: bool = False) -> Result:
    """Compose once, write every asked format, then save them atomically together."""
    from . import writers

    facts = facts or Facts()
    options = options or Options()
    motion = lib.motion(motion_id)
    comp = compose(lib, commune, motion, facts, options, provenance=provenance(lib))
    files: dict[str, bytes] = {}
    warnings: list[str] = []
    stem = output_stem(commune, motion_id)
    for fmt in formats:
        data, warns = writers.write(fmt, comp.document, lib.template_dirs)
        files[stem + writers.extension(fmt)] = data
        warnings += warns
    paths = write_outputs(Path(out_dir), files, force=force,
                          inputs_hash=inputs_hash(lib, commune, motion_id, facts, options, ",".join(formats)),
                          extra={"commune": commune.insee, "motion": motion_id})
    return Result(paths, comp, warnings)

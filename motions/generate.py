"""Generate one commune's motion in the asked formats: the library-level API.

The CLI's ``generate`` command calls :func:`render_motion`; the batch workers
call :func:`render_files` (they write, and the batch keeps the manifests);
nothing here prints or exits.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from functools import lru_cache
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


def inputs_payload(lib: Library, insee: str, motion_id: str, facts: Facts, options: Options, fmt: str) -> dict:
    """What an output depends on: library, templates (CSS, reference.docx...),
    commune record, facts, options, format and tool version."""
    from .communes import DATA_PROVENANCE

    return {
        "tool": __version__,
        "library": lib.version,
        "templates": templates_digest(lib.template_dirs, fmt),
        "commune": insee,
        "data": DATA_PROVENANCE.get("version"),
        "motion": motion_id,
        "facts": facts.model_dump(mode="json"),
        "options": options_record(options),
        "format": fmt,
    }


def options_record(options) -> dict:
    """An options dataclass as JSON-ready strings, for input hashes."""
    return {k: (str(v) if v is not None else None) for k, v in asdict(options).items()}


def digest_payload(payload_json: str) -> str:
    return hashlib.sha256(payload_json.encode()).hexdigest()[:16]


def inputs_hash(lib: Library, commune, motion_id: str, facts: Facts, options: Options, fmt: str) -> str:
    """The hash of :func:`inputs_payload`, recorded in the manifest (batch runs skip an
    output whose recorded hash is unchanged)."""
    return digest_payload(json.dumps(inputs_payload(lib, commune.insee, motion_id, facts, options, fmt), sort_keys=True))


#: The template files each format depends on (a file, or a folder ending in "/",
#: relative to a template folder); a format not listed here depends on every
#: file. The motion templates count for all formats.
TEMPLATE_FILES = {
    "docx": ("reference.docx",),
    "pdf": ("html/",),
    "html": ("html/",),
    "txt": (),
}


def templates_digest(template_dirs, fmt: str = "") -> str:
    """A digest of the template files ``fmt`` depends on: the library's version
    covers the motion templates' text, not the CSS, the HTML template or
    reference.docx; a change to the CSS must rebuild the PDFs, not the DOCX.
    ``fmt`` may list several formats, comma-separated."""
    patterns: set[str] | None = {"motions/"}
    for f in fmt.split(","):
        if f not in TEMPLATE_FILES:
            patterns = None
            break
        patterns.update(TEMPLATE_FILES[f])
    stats = []
    for d in template_dirs:
        d = Path(d)
        if d.is_dir():
            for path in sorted(d.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    relative = path.relative_to(d).as_posix()
                    if patterns is None or any(relative == p or (p.endswith("/") and relative.startswith(p))
                                               for p in patterns):
                        st = path.stat()
                        stats.append((relative, str(path), st.st_mtime_ns, st.st_size))
    return _templates_digest(tuple(stats))


@lru_cache(maxsize=32)
def _templates_digest(stats: tuple) -> str:
    h = hashlib.sha256()
    for relative, path, _, _ in stats:
        h.update(relative.encode() + b"\0")
        try:
            h.update(Path(path).read_bytes())
        except OSError:
            h.update(b"(unreadable)")
    return h.hexdigest()[:12]


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


def render_files(lib: Library, commune, motion_id: str, facts: Facts, options: Options,
                 formats=("docx", "pdf")) -> tuple[dict[str, bytes], Composition, list[str]]:
    """Compose once and render every asked format: {file name: bytes}, nothing written."""
    from . import writers

    motion = lib.motion(motion_id)
    comp = compose(lib, commune, motion, facts, options, provenance=provenance(lib))
    files: dict[str, bytes] = {}
    warnings: list[str] = []
    stem = output_stem(commune, motion_id)
    for fmt in formats:
        data, warns = writers.write(fmt, comp.document, lib.template_dirs)
        files[stem + writers.extension(fmt)] = data
        warnings += warns
    return files, comp, warnings


def render_motion(lib: Library, commune, motion_id: str, *, facts: Facts | None = None,
                  options: Options | None = None, formats=("docx", "pdf"), out_dir: Path = Path("motions-out"),
                  force: bool = False) -> Result:
    """Compose once, write every asked format, then save them atomically together."""
    facts = facts or Facts()
    options = options or Options()
    files, comp, warnings = render_files(lib, commune, motion_id, facts, options, formats)
    paths = write_outputs(Path(out_dir), files, force=force,
                          inputs_hash=inputs_hash(lib, commune, motion_id, facts, options, ",".join(formats)),
                          extra={"commune": commune.insee, "motion": motion_id})
    return Result(paths, comp, warnings)

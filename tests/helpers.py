"""Test helpers: run the CLI, and read outputs with the tools a user would.

The oracles are the cheapest client per layer (design notes, habit 8):
python-docx and LibreOffice for DOCX, LibreOffice for ODT, poppler's
pdftotext for PDF; the model itself as JSON for goldens.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ROOTS = Path(__file__).parent / "roots"
GOLDEN = Path(__file__).parent / "golden"


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def output(self) -> str:
        return self.out + self.err


def run(*args, cwd: Path | None = None, env: dict | None = None, timeout: float = 240, input: str | None = None) -> Run:
    """Run ``motions ARGS`` in a subprocess, as a user would from a shell."""
    full_env = dict(os.environ, **(env or {}))
    proc = subprocess.run([sys.executable, "-m", "motions", *map(str, args)], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=timeout, input=input)
    return Run(proc.returncode, proc.stdout, proc.stderr)


def invoke(*args, catch: bool = True) -> Run:
    """Run the CLI in this process (fast; warnings reach the test's guard)."""
    from motions.cli import main

    import io
    from contextlib import redirect_stderr, redirect_stdout

    out, err = io.StringIO(), io.StringIO()
    code = 0
    with redirect_stdout(out), redirect_stderr(err):
        try:
            main([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return Run(code, out.getvalue(), err.getvalue())


def norm(text: str) -> str:
    """Text reduced to letters and digits, so line breaks, hyphenation and
    (non-breaking) spaces do not matter when comparing outputs."""
    text = unicodedata.normalize("NFC", text).replace("’", "'")
    return re.sub(r"[\W_]+", "", text).lower()


def pdf_text(path: Path, layout: bool = False) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else []) + [str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def body_text(pdf: str, running_head: str) -> str:
    """PDF text without the page headers and footers a page break inserts."""
    return "\n".join(line for line in pdf.splitlines()
                     if line.strip() != running_head and not line.startswith(running_head + " — "))


def soffice_to_pdf(document: Path, outdir: Path) -> Path:
    """Convert a DOCX or ODT with LibreOffice, headless, as a council's staff would open it."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        pytest.skip("LibreOffice is not installed")
    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir / "lo-profile"
    env = dict(os.environ, HOME=str(outdir))
    subprocess.run([exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(outdir), str(document)], check=True, capture_output=True, timeout=240, env=env)
    out = outdir / (document.stem + ".pdf")
    assert out.is_file(), f"LibreOffice did not convert {document.name}"
    return out


def docx_paragraphs(path: Path) -> list[tuple[str, str]]:
    """(style name, text) of every body paragraph, read with python-docx."""
    import docx

    return [(p.style.name, p.text) for p in docx.Document(str(path)).paragraphs]


def model_json(document) -> dict:
    """The model as JSON data (goldens compare it, not bytes)."""
    data = dataclasses.asdict(document)
    data["metadata"]["provenance"] = {k: v for k, v in data["metadata"]["provenance"].items()
                                      if k not in ("library_version", "tool_version")}
    return json.loads(json.dumps(data, ensure_ascii=False, default=str))


def compose_for(resources, query: str, motion: str = "biometrie", **options):
    """Compose ``motion`` for the commune ``query`` names."""
    from motions.api import Request, compose
    from motions.communes import lookup
    from motions.compose import Options

    facts = options.pop("facts", None)
    request = Request(lookup(query), motion, options=Options(**options))
    if facts is not None:
        request = dataclasses.replace(request, facts=facts)
    return compose(request, resources)

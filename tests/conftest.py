"""Shared fixtures: small and shipped libraries, and oracles for our outputs.

The oracles are the cheapest client per layer (design notes, habit 8):
python-docx and LibreOffice for the DOCX, poppler's pdftotext for the PDF.
Tests never depend on the working directory, the network or the real HOME.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

ROOTS = Path(__file__).parent / "roots"


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("MOTIONS_LIBRARY", raising=False)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def small_lib():
    from motions.library import load_library

    return load_library(ROOTS / "small", with_cwd=False)


@pytest.fixture(scope="session")
def shipped_lib():
    from motions.library import load_library

    return load_library(None, with_cwd=False)


def norm(text: str) -> str:
    """Text reduced to letters and digits, so line breaks, hyphenation and
    (non-breaking) spaces do not matter when comparing outputs."""
    text = unicodedata.normalize("NFC", text).replace("’", "'")
    return re.sub(r"[\W_]+", "", text).lower()


def body_text(pdf: str, running_head: str) -> str:
    """PDF text without the page headers and footers a page break inserts."""
    return "\n".join(line for line in pdf.splitlines()
                     if line.strip() != running_head and not line.startswith(running_head + " — "))


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def soffice_to_pdf(docx: Path, outdir: Path) -> Path:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        pytest.skip("LibreOffice is not installed")
    profile = outdir / "lo-profile"
    env = dict(os.environ, HOME=str(outdir))
    subprocess.run([exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(outdir), str(docx)], check=True, capture_output=True, timeout=180, env=env)
    out = outdir / (docx.stem + ".pdf")
    assert out.is_file(), "LibreOffice did not convert the DOCX"
    return out

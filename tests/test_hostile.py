"""Untrusted content is contained, bad input gets a sentence, nothing is lost.

Each test is one class of hostile or mistaken input; together they are the list
the README's Safety section promises.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import docx
import pytest

from motions.communes import lookup
from motions.compose import Options
from motions.errors import LibraryError, OutputError, TemplateError
from motions.resources import Resources
from motions.library import load_library

from helpers import ROOTS, compose_for, norm, pdf_text

HOSTILE = ROOTS / "hostile"


@pytest.fixture(scope="module")
def hostile_lib():
    return load_library(HOSTILE, with_cwd=False)


def run(*args):
    """Run the CLI as a user would, through main(): exit code and output."""
    proc = subprocess.run([sys.executable, "-m", "motions", *args], capture_output=True, text=True, timeout=120)
    return proc.returncode, proc.stdout + proc.stderr


# --------------------------------------------------------------------------- sandbox


def test_sandbox_refuses_python_internals(hostile_lib):
    with pytest.raises(TemplateError) as info:
        compose_for(Resources(hostile_lib), "Villejuif", "evil")
    message = str(info.value)
    assert "evil.md.j2:" in message and "unsafe" in message


def test_sandbox_error_reaches_the_user_as_a_sentence(tmp_path):
    code, out = run("--library", str(HOSTILE), "generate", "Villejuif", "--motion", "evil", "-o", str(tmp_path))
    assert code == 7
    assert "evil.md.j2:14" in out and "Traceback" not in out
    assert not list(tmp_path.glob("*.docx")), "nothing written"


def test_undefined_variable_names_template_and_line(hostile_lib):
    with pytest.raises(TemplateError, match=r"undefined\.md\.j2:11: undefined value.*nom_inexistant"):
        compose_for(Resources(hostile_lib), "Villejuif", "undefined")


# --------------------------------------------------------------------------- escaping


@pytest.mark.warns("refused to load")
def test_markup_in_arguments_is_text_everywhere(hostile_lib, tmp_path, warnings_seen):
    from motions.api import Request, generate

    generate(Request(lookup("Villejuif"), "biometrie", options=Options(arguments=("balises",)),
                     formats=("docx", "pdf", "html"), dossier=False), Resources(hostile_lib), tmp_path)
    html = (tmp_path / "94076-villejuif-biometrie.html").read_text()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<img src="file:' not in html and "&lt;img src=" in html
    assert "<iframe" not in html
    text = pdf_text(tmp_path / "94076-villejuif-biometrie.pdf")
    assert "<script>alert" in text.replace("\n", " ") or "script" in text
    assert norm("{{ 7*7 }}") in norm(text) and "49" not in text.split("Considérant que")[1][:80]
    d = docx.Document(str(tmp_path / "94076-villejuif-biometrie.docx"))
    body = "\n".join(p.text for p in d.paragraphs)
    assert "<script>alert(" in body and "& " in body
    # the refused resources are reported, and the stylesheet's network import never happened
    refused = " ".join(warnings_seen.messages)
    assert "http://example.com/evil.css" in refused
    assert "file:///etc/passwd" in refused
    assert "hostname" in refused


def test_markdown_images_and_links_are_not_resources(hostile_lib):
    doc = compose_for(Resources(hostile_lib), "Villejuif", arguments=("balises",)).motion
    text = " ".join(p.text for p in doc.paragraphs("considerant"))
    assert "![](file:///etc/passwd)" in text


def test_fetcher_refuses_outside_files_and_network(tmp_path):
    from motions.writers.fetcher import LocalOnlyFetcher

    inside = tmp_path / "templates"
    inside.mkdir()
    (inside / "ok.css").write_text("p{}")
    fetcher = LocalOnlyFetcher([inside])
    assert fetcher.fetch((inside / "ok.css").as_uri()).read() == b"p{}"
    for url in ("http://example.com/x.css", "https://example.com/", "file:///etc/passwd",
                (inside / ".." / ".." / "etc" / "passwd").as_uri(), "ftp://example.com/x"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 5


# --------------------------------------------------------------------------- YAML and library errors


def _library_with(tmp_path, name, content):
    root = tmp_path / "lib"
    (root / "arguments" / "biometrie").mkdir(parents=True)
    (root / "arguments" / "sources").mkdir(parents=True)
    (root / "motions-library.yaml").write_text("shipped_arguments: false\n")
    (root / "arguments" / "themes.yaml").write_text("biometrie: Biométrie\n")
    (root / "arguments" / "sources" / "s.yaml").write_text((ROOTS / "small" / "arguments" / "sources" / "test.yaml").read_text())
    (root / "arguments" / "biometrie" / name).write_text(content)
    return root


def test_yaml_is_loaded_safely(tmp_path):
    marker = tmp_path / "pwned"
    root = _library_with(tmp_path, "x.yaml", f"id: x\ntitle: !!python/object/apply:os.system ['touch {marker}']\n")
    with pytest.raises(LibraryError) as info:
        load_library(root, with_cwd=False)
    assert "x.yaml:2" in str(info.value)
    assert not marker.exists()


def test_malformed_yaml_gives_line_and_column(tmp_path):
    root = _library_with(tmp_path, "x.yaml", "id: x\ntitle: a: b: c\n")
    with pytest.raises(LibraryError, match=r"x\.yaml:2:\d+: malformed YAML"):
        load_library(root, with_cwd=False)


def test_schema_violation_names_path_and_line(tmp_path):
    root = _library_with(tmp_path, "x.yaml", "id: x\ntitle: Titre\nthemes: [biometrie]\nchecked: hier\n")
    with pytest.raises(LibraryError) as info:
        load_library(root, with_cwd=False)
    msg = str(info.value)
    assert "x.yaml:4: checked:" in msg
    assert "short: Field required" in msg and "considerant: Field required" in msg


def test_control_characters_never_corrupt_a_docx(small_lib, tmp_path):
    from motions.writers.common import xml_safe

    assert xml_safe("a\x00b\x07c\x1bd\ufffe") == "abcd"
    # a control character that reaches a writer is dropped, and the DOCX stays valid
    from dataclasses import replace

    res = Resources(small_lib)
    doc = compose_for(res, "Villejuif").motion
    doc = replace(doc, title=doc.title + "\x07\x00", running_head=doc.running_head + "\x07")
    from motions.writers import get

    data = get("docx").write(doc, res)
    path = tmp_path / "x.docx"
    path.write_bytes(data)
    assert docx.Document(str(path)).paragraphs


# --------------------------------------------------------------------------- bad input gets a sentence


@pytest.mark.parametrize("args, code, expected", [
    (["generate", "Villejuiff"], 3, "Villejuif (94)"),
    (["generate", "Sainte-Colombe"], 4, "Sainte-Colombe (69)"),
    (["generate", "Villejuif", "--motion", "nope"], 6, "motions list"),
    (["generate", "Villejuif", "--date", "14/03/2026"], 2, "YYYY-MM-DD"),
    (["generate", "Villejuif", "--format", "doc"], 2, "choose among"),
    (["generate", "97502"], 10, "--allow-overseas"),
])
def test_user_errors_are_sentences(tmp_path, args, code, expected):
    rc, out = run("--library", str(ROOTS / "small"), *args, "-o", str(tmp_path / "out"))
    assert rc == code, out
    assert expected in out and "Traceback" not in out


def test_facts_errors(tmp_path):
    bad = tmp_path / "facts.yaml"
    bad.write_text("cameras:\n  count: beaucoup\n")
    rc, out = run("--library", str(ROOTS / "small"), "generate", "Villejuif", "--facts", str(bad), "-o", str(tmp_path))
    assert rc == 8 and "facts.yaml:2: cameras.count" in out
    bad.write_text("cameras: [\n")
    rc, out = run("--library", str(ROOTS / "small"), "generate", "Villejuif", "--facts", str(bad), "-o", str(tmp_path))
    assert rc == 8 and "malformed YAML" in out and "facts.yaml:" in out


def test_unwritable_output_folder(tmp_path):
    if os.geteuid() == 0:
        target = Path("/proc/motions-out")  # not writable even for root
    else:
        target = tmp_path / "ro"
        target.mkdir()
        target.chmod(0o500)
    rc, out = run("--library", str(ROOTS / "small"), "generate", "Villejuif", "--format", "txt", "-o", str(target))
    assert rc == 9 and "-o DIR" in out and "Traceback" not in out


def test_full_disk_leaves_nothing(tmp_path, monkeypatch):
    import errno

    from motions import output

    def full(*_):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output.os, "fsync", full)
    with pytest.raises(OutputError, match="disk is full"):
        output.atomic_write(tmp_path / "a.docx", b"x" * 1000)
    assert list(tmp_path.iterdir()) == []


def test_missing_system_library_is_a_sentence(monkeypatch):
    import builtins

    from motions.errors import SystemDependencyError
    from motions.writers import pdf

    real_import = builtins.__import__

    def failing(name, *a, **k):
        if name.startswith("weasyprint"):
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", failing)
    with pytest.raises(SystemDependencyError, match="apt install libpango"):
        pdf.import_weasyprint()


# --------------------------------------------------------------------------- nothing is lost


def test_edited_output_is_not_overwritten(tmp_path):
    args = ["--library", str(ROOTS / "small"), "generate", "Villejuif", "--format", "docx", "-o", str(tmp_path)]
    assert run(*args)[0] == 0
    target = tmp_path / "94076-villejuif-biometrie.docx"
    with zipfile.ZipFile(target, "a") as z:  # the user edits the file
        z.writestr("customXml/note.xml", "<x/>")
    edited = target.read_bytes()
    rc, out = run(*args)
    assert rc == 9 and "changed since motions wrote it" in out
    assert target.read_bytes() == edited
    rc, out = run(*args, "--force")
    assert rc == 0 and target.read_bytes() != edited


def test_foreign_file_is_not_overwritten(tmp_path):
    (tmp_path / "94076-villejuif-biometrie.txt").write_text("mine")
    rc, out = run("--library", str(ROOTS / "small"), "generate", "Villejuif", "--format", "txt", "-o", str(tmp_path))
    assert rc == 9 and "not written by motions" in out
    assert (tmp_path / "94076-villejuif-biometrie.txt").read_text() == "mine"


def test_unchanged_output_is_rewritten_silently(tmp_path):
    args = ["--library", str(ROOTS / "small"), "generate", "Villejuif", "--format", "txt", "-o", str(tmp_path)]
    assert run(*args)[0] == 0
    assert run(*args)[0] == 0


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_interrupted_run_leaves_no_partial_file(tmp_path, sig):
    """Kill a generation at several moments: every output present is complete."""
    for delay in (0.4, 0.9, 1.4):
        out = tmp_path / f"out-{sig}-{delay}"
        proc = subprocess.Popen([sys.executable, "-m", "motions", "--library", str(ROOTS / "small"), "generate",
                                 "Villejuif", "-o", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(delay)
        proc.send_signal(sig)
        proc.wait(timeout=60)
        if out.exists():
            for f in out.iterdir():
                if f.suffix == ".docx":
                    assert docx.Document(str(f)).paragraphs
                elif f.suffix == ".pdf":
                    assert f.read_bytes().rstrip().endswith(b"%%EOF")
                elif f.name.endswith(".part"):
                    assert sig == signal.SIGKILL, "Ctrl-C must clean its temporary file"
        if sig == signal.SIGINT and proc.returncode != 0:
            assert b"Traceback" not in proc.stderr

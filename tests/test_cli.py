"""The command line: explicit registration, one error family with stable exit
codes, one warning channel, and a --strict that counts only the user's files."""

from __future__ import annotations

import subprocess
import sys

import pytest

from motions.errors import EXIT_CODES, MotionsError

from helpers import ROOTS, invoke, run


def test_every_command_is_registered_whatever_is_imported_first():
    code = ("import motions.cli.flyer, motions.cli.documents; from motions.cli import cli; "
            "print(sorted(cli.commands))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    for name in ("generate", "explain", "list", "flyer", "communes", "arguments", "sources", "check", "facts",
                 "init", "schema"):
        assert f"'{name}'" in out, name


def test_every_error_is_one_family_with_its_code():
    assert all(issubclass(cls, MotionsError) for cls in MotionsError.__subclasses__())
    assert len(set(EXIT_CODES.values())) == len(EXIT_CODES)


@pytest.mark.warns("file name differs", "cited by no argument")
def test_strict_passes_on_the_shipped_library_and_fails_on_the_users_warnings(tmp_path):
    res = invoke("--strict", "generate", "Villejuif", "--format", "txt", "-o", tmp_path / "o")
    assert res.code == 0, res.output
    root = tmp_path / "lib"
    import shutil

    shutil.copytree(ROOTS / "small", root)
    (root / "arguments" / "biometrie" / "nom-different.yaml").write_text(
        (root / "arguments" / "biometrie" / "csu-local.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (root / "arguments" / "biometrie" / "csu-local.yaml").unlink()
    res = invoke("--strict", "--library", root, "generate", "Villejuif", "--format", "txt", "-o", tmp_path / "p")
    assert res.code == 13, res.output
    assert "file name differs" in res.output


@pytest.mark.parametrize("args, code, says", [
    (["generate", "Nowhereville"], 3, "No commune"),
    (["generate", "Sainte-Colombe"], 4, "Sainte-Colombe"),
    (["generate", "Villejuif", "--motion", "nope"], 6, "no motion 'nope'"),
    (["generate", "Villejuif", "--format", "doc"], 2, "unknown format doc"),
    (["generate", "Villejuif", "--date", "14/03/2027"], 2, "YYYY-MM-DD"),
    (["generate", "Villejuif", "--facts", "missing.yaml"], 8, "missing.yaml"),
    (["generate", "Nouméa"], 10, "Nouvelle-Calédonie"),
])
def test_user_mistakes_get_a_sentence_and_their_exit_code(tmp_path, args, code, says):
    res = invoke(*args, "-o", tmp_path / "o")
    assert res.code == code, res.output
    assert says in res.output and "Traceback" not in res.output and "internal error" not in res.output


def test_no_color_is_respected(tmp_path):
    res = run("flyer", "Villejuif", "--url", "example.org/x", "-o", tmp_path / "o", env={"NO_COLOR": "1"})
    assert res.code == 0, res.output
    assert "\x1b[" not in res.err and "Warning: --url has no https://" in res.err


def test_the_readme_quick_start_command_names_work(tmp_path):
    res = invoke("generate", "Villejuif", "-o", tmp_path / "o")
    assert res.code == 0, res.output
    made = sorted(p.name for p in (tmp_path / "o").iterdir() if not p.name.startswith("."))
    assert made == ["94076-villejuif-biometrie-dossier.docx", "94076-villejuif-biometrie-dossier.odt",
                    "94076-villejuif-biometrie-dossier.pdf", "94076-villejuif-biometrie.docx",
                    "94076-villejuif-biometrie.odt", "94076-villejuif-biometrie.pdf"]

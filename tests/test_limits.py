"""Bounds against denial of service: alias bombs in every YAML file the loader
reads, special and oversized files, over-long text fields.

The bombs run in a child process with its address space capped, so that a
regression fails with an out-of-memory error instead of taking the machine.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from motions import limits, yamlfiles
from motions.errors import FactsError, MotionsError
from motions.facts import load_facts

from conftest import ROOTS

#: The classic "billion laughs" in YAML: 9 levels of 9 aliases.
BOMB_LEVELS = "\n".join(
    f"{chr(97 + i)}: &{chr(97 + i)} [" + ",".join([f"*{chr(96 + i)}"] * 9) + "]" for i in range(1, 9)
)
BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + BOMB_LEVELS + "\n"


def _capped():
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))  # 2 GB: the bomb needs more


def run_capped(*args, cwd):
    proc = subprocess.run([sys.executable, "-m", "motions", *args], capture_output=True, text=True, timeout=300,
                          cwd=cwd, preexec_fn=_capped, env=dict(os.environ, HOME=str(cwd)))
    return proc.returncode, proc.stdout + proc.stderr


def test_the_bomb_is_small_and_refused_by_the_loader():
    assert len(BOMB.encode()) < 400
    with pytest.raises(yamlfiles.YamlTooComplex, match=r"x\.yaml: refused: its YAML aliases .* alias bomb"):
        yamlfiles.load(BOMB, "x.yaml")
    assert len(yamlfiles.line_map(BOMB)) < 200  # the line map visits each node once


def test_recursive_alias_is_refused():
    with pytest.raises(yamlfiles.YamlTooComplex, match="recursive alias"):
        yamlfiles.load("a: &a [1, *a]\n", "r.yaml")


def test_ordinary_aliases_still_work():
    assert yamlfiles.load("base: &t [video, vsa]\nother: *t\n", "ok.yaml") == {"base": ["video", "vsa"],
                                                                                 "other": ["video", "vsa"]}
    assert yamlfiles.load("", "empty.yaml") is None


def test_bomb_in_a_facts_file(tmp_path):
    bomb = tmp_path / "facts.yaml"
    bomb.write_text(BOMB)
    with pytest.raises(FactsError, match=f"{bomb}: refused: its YAML aliases"):
        load_facts(bomb)
    code, out = run_capped("facts", "check", str(bomb), cwd=tmp_path)
    assert code == 8 and "alias bomb" in out and "Traceback" not in out
    code, out = run_capped("generate", "Villejuif", "--facts", str(bomb), "-f", "txt", "-o", str(tmp_path / "o"),
                           cwd=tmp_path)
    assert code == 8 and "alias bomb" in out and not (tmp_path / "o").exists()


def _library(tmp_path: Path) -> Path:
    lib = tmp_path / "lib"
    shutil.copytree(ROOTS / "small", lib)
    return lib


TEMPLATE_BOMB = "---\nid: bombe\ntitle: x\n" + BOMB + "---\nTexte.\n"


@pytest.mark.parametrize("relative, content", [
    ("arguments/biometrie/bombe.yaml", BOMB),
    ("arguments/sources/bombe.yaml", BOMB),
    ("arguments/themes.yaml", BOMB),
    ("templates/motions/bombe.md.j2", TEMPLATE_BOMB),
])
def test_bomb_in_each_kind_of_library_file(tmp_path, relative, content):
    lib = _library(tmp_path)
    target = lib / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(content)
    code, out = run_capped("--library", str(lib), "list", cwd=tmp_path)
    assert code == 5, out
    assert f"{target}" in out and "alias bomb" in out and "Traceback" not in out


def test_bomb_in_the_library_marker(tmp_path):
    lib = _library(tmp_path)
    (lib / "motions-library.yaml").write_text(BOMB)
    code, out = run_capped("--library", str(lib), "list", cwd=tmp_path)
    assert code in (2, 5) and "alias bomb" in out and "Traceback" not in out


# -- special and oversized files ---------------------------------------------------


def test_special_files_are_refused_with_a_sentence(tmp_path):
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    for path, kind in (("/dev/zero", "is a device"), (fifo, "is a FIFO"), (folder, "is a folder"),
                       (tmp_path / "missing.yaml", "cannot read the facts file")):
        with pytest.raises(FactsError) as e:
            load_facts(path)
        assert kind in e.value.format_message() and str(path) in e.value.format_message()


def test_cli_refuses_dev_zero_as_facts(tmp_path):
    code, out = run_capped("generate", "Villejuif", "--facts", "/dev/zero", "-f", "txt", "-o", str(tmp_path / "o"),
                           cwd=tmp_path)
    assert code == 8 and "/dev/zero: is a device, not a facts file" in out


def test_oversized_file_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "big.yaml"
    with open(big, "wb") as fh:
        fh.truncate(limits.MAX_FACTS_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(FactsError, match="more than the 256 KB a facts file may have"):
        load_facts(big)


def test_read_user_file_reads_text_and_refuses_other_encodings(tmp_path):
    good = tmp_path / "ok.txt"
    good.write_bytes("\ufeffVillejuif\n".encode())
    assert limits.read_user_file(good, "list", 100) == "Villejuif\n"
    bad = tmp_path / "latin.txt"
    bad.write_bytes("Orléans".encode("latin-1"))
    with pytest.raises(MotionsError, match="not UTF-8 text"):
        limits.read_user_file(bad, "list", 100)


# -- text fields ---------------------------------------------------------------------


def test_check_text_bounds_total_length_and_longest_word():
    assert limits.check_text("centre de supervision urbain") is None
    assert limits.check_text("https://www.example.org/" + "a" * 150) is None
    word = limits.check_text("x" * 5000, max_chars=10_000)
    assert "a word of 5000 characters without a space, more than 200" in word
    total = limits.check_text("mot " * 1000)
    assert "4,000 characters, more than the 2,000" in total


def test_a_facts_field_with_an_unbreakable_word_is_refused_with_its_line(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text("cameras:\n  count: 3\n  source: " + "A" * 1000 + "\n")
    with pytest.raises(FactsError) as e:
        load_facts(path)
    assert f"{path}:3: cameras.source: it holds a word of 1000 characters" in e.value.format_message()

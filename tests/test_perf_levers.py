"""The cold path's levers change no byte of any output, and the cache is safe.

The levers (``motions.cli.main``, ``motions.resources``): the library and the
Jinja bytecode cached in the XDG cache folder, the garbage collector off for a
command, no interpreter teardown once every output is closed. Their speed is
measured in ``bench/``, never here: these tests only check that the outputs
are byte-identical with and without them, and that the cache is read only
from a private folder (a pickle or bytecode someone else could write would
run their code).
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import run

EPOCH = "1764417600"


def _generate(tmp_path: Path, name: str, cache: Path | None, *extra, full_exit: bool = False) -> dict[str, bytes]:
    env = {"SOURCE_DATE_EPOCH": EPOCH, "XDG_CACHE_HOME": str(cache or tmp_path / "unused-cache")}
    env["MOTIONS_NO_CACHE"] = "" if cache else "1"
    if full_exit:
        env["MOTIONS_FULL_EXIT"] = "1"
    out = tmp_path / name
    result = run("generate", "Villejuif", "-o", out, "-f", "docx,pdf,html", *extra, env=env)
    assert result.code == 0, result.output
    assert "Warning" not in result.err, result.err
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if not p.name.startswith(".")}


@pytest.mark.parametrize("engine", ["weasyprint", "typst"])
def test_outputs_are_byte_identical_with_and_without_the_levers(tmp_path, engine):
    cache = tmp_path / "cache"
    plain = _generate(tmp_path, "plain", None, "--pdf-engine", engine, full_exit=True)
    cold = _generate(tmp_path, "cold", cache, "--pdf-engine", engine)
    warm = _generate(tmp_path, "warm", cache, "--pdf-engine", engine)
    assert len(plain) == 6
    assert plain == cold == warm
    folder = cache / "motions"
    assert len(list(folder.glob("library-*.pickle"))) == 1
    assert any(folder.glob("jinja-text-*/*")) and any(folder.glob("jinja-html-*/*"))


def test_cache_files_are_private(tmp_path):
    cache = tmp_path / "cache"
    _generate(tmp_path, "out", cache)
    folder = cache / "motions"
    assert folder.stat().st_mode & 0o777 == 0o700
    for path in folder.rglob("*"):
        mode = path.stat().st_mode & 0o777
        assert mode == (0o700 if path.is_dir() else 0o600), path


class _Planted:
    """What another user might leave in a cache folder: a pickle that runs code."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (self.marker, "code from the cache ran"))


def _library_key() -> str:
    """The key the CLI computes, asked of the same interpreter and folder as the
    CLI's (the package the subprocess imports may be the installed one while
    this process imports the source tree, and the key names the package's path)."""
    code = "from motions.resources import library_key; print(library_key(None, True, True))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return proc.stdout.strip()


def _plant(folder: Path, marker: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"library-{_library_key()}.pickle"
    path.write_bytes(pickle.dumps(_Planted(marker)))
    return path


@pytest.mark.parametrize("folder_mode,file_mode", [(0o777, 0o600), (0o770, 0o600), (0o700, 0o666)],
                         ids=["folder-world-writable", "folder-group-writable", "file-world-writable"])
def test_a_cache_others_can_write_is_never_loaded(tmp_path, folder_mode, file_mode):
    cache = tmp_path / "cache"
    marker = tmp_path / "pwned"
    planted = _plant(cache / "motions", marker)
    os.chmod(planted, file_mode)
    os.chmod(cache / "motions", folder_mode)
    env = {"SOURCE_DATE_EPOCH": EPOCH, "XDG_CACHE_HOME": str(cache), "MOTIONS_NO_CACHE": ""}
    result = run("generate", "Villejuif", "-o", tmp_path / "out", "-f", "docx", env=env)
    assert result.code == 0, result.output
    assert not marker.exists()
    if folder_mode & 0o022:
        assert f"the cache folder {cache / 'motions'} is not used" in result.err
        assert "chmod 700" in result.err


def test_the_cache_is_read_when_it_is_private(tmp_path):
    """The same planted file, in a private folder with a private mode, is read:
    this is what the test above proves is refused (and why the checks matter)."""
    cache = tmp_path / "cache"
    marker = tmp_path / "pwned"
    planted = _plant(cache / "motions", marker)
    os.chmod(planted, 0o600)
    os.chmod(cache / "motions", 0o700)
    env = {"SOURCE_DATE_EPOCH": EPOCH, "XDG_CACHE_HOME": str(cache), "MOTIONS_NO_CACHE": ""}
    result = run("generate", "Villejuif", "-o", tmp_path / "out", "-f", "docx", env=env)
    assert result.code == 0, result.output  # not a Library: ignored, loaded afresh
    assert marker.exists()


def test_no_cache_when_motions_no_cache_is_set(tmp_path):
    cache = tmp_path / "cache"
    env = {"XDG_CACHE_HOME": str(cache), "MOTIONS_NO_CACHE": "1"}
    assert run("generate", "Villejuif", "-o", tmp_path / "out", "-f", "docx", env=env).code == 0
    assert not cache.exists()


def test_the_collector_stays_on_for_long_commands():
    from motions.cli import LONG_RUNNING, _command_name

    assert _command_name(["--library", "lib", "--strict", "batch", "--all"]) == "batch"
    assert _command_name(["generate", "Villejuif"]) == "generate"
    assert {"batch", "serve"} <= LONG_RUNNING

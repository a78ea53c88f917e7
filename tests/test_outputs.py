"""Outputs as a set: all files of one command or none, recorded under a lock,
repaired after a crash, never clobbering what the user edited.

Each test reproduces a failure reported on the old writer: a full disk in the
middle of a set, a rename that fails, a kill at a random point, two runs into
one folder, a folder named like an output, a manifest that can't be saved or
is not a manifest.
"""

from __future__ import annotations

import errno
import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from motions import output
from motions.errors import OutputError

from conftest import ROOTS

FILES = {"a.docx": b"D" * 5000, "a.pdf": b"P" * 7000}


def manifest(folder: Path) -> dict:
    return json.loads((folder / output.MANIFEST).read_text())["files"]


def integrity_problems(folder: Path) -> list[str]:
    """Every output on disk is recorded with its hash; no temporary, no journal."""
    problems = []
    records = manifest(folder) if (folder / output.MANIFEST).exists() else {}
    for path in folder.iterdir():
        if path.name in output.BOOKKEEPING:
            continue
        if path.name.endswith(".part") or path.name == output.JOURNAL:
            problems.append(f"{path.name} left behind")
        elif path.name not in records:
            problems.append(f"{path.name} not recorded")
        elif output.file_sha256(path) != records[path.name]["sha256"]:
            problems.append(f"{path.name} differs from its record")
    if (folder / output.JOURNAL).exists():
        problems.append("journal left behind")
    return problems


def test_a_set_is_written_and_recorded(tmp_path):
    paths = output.write_outputs(tmp_path, FILES, inputs_hash="h1", extra={"commune": "94076"})
    assert [p.name for p in paths] == ["a.docx", "a.pdf"]
    assert manifest(tmp_path)["a.pdf"] == {"sha256": output.sha256(FILES["a.pdf"]), "size": 7000, "inputs": "h1",
                                           "commune": "94076"}
    assert integrity_problems(tmp_path) == []


def _fail_on_call(monkeypatch, name: str, n: int, err: int = errno.ENOSPC):
    real = getattr(output, name) if hasattr(output, name) else getattr(output.os, name)
    calls = {"n": 0}

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == n:
            raise OSError(err, os.strerror(err))
        return real(*args, **kwargs)

    return real, failing


def test_full_disk_on_the_second_file_writes_nothing(tmp_path, monkeypatch):
    output.write_outputs(tmp_path, FILES)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    _, failing = _fail_on_call(monkeypatch, "_write_temporary", 2)
    monkeypatch.setattr(output, "_write_temporary", failing)
    new = {"a.docx": b"d" * 6000, "a.pdf": b"p" * 8000}
    with pytest.raises(OutputError) as e:
        output.write_outputs(tmp_path, new)
    msg = e.value.format_message()
    assert "the disk is full" in msg and "Nothing was written" in msg and "a.docx" in msg and "a.pdf" in msg
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # the old set, whole
    monkeypatch.undo()
    output.write_outputs(tmp_path, new)  # the re-run works: no "not written by motions"
    assert (tmp_path / "a.pdf").read_bytes() == new["a.pdf"] and integrity_problems(tmp_path) == []


def test_full_disk_on_a_first_run_leaves_an_empty_folder(tmp_path, monkeypatch):
    _, failing = _fail_on_call(monkeypatch, "_write_temporary", 2)
    monkeypatch.setattr(output, "_write_temporary", failing)
    with pytest.raises(OutputError, match="Nothing was written"):
        output.write_outputs(tmp_path / "out", FILES)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [output.LOCK]


def test_a_rename_that_fails_says_what_was_and_was_not_written(tmp_path, monkeypatch):
    _, failing = _fail_on_call(monkeypatch, "replace", 2, errno.EIO)
    monkeypatch.setattr(output.os, "replace", failing)
    with pytest.raises(OutputError) as e:
        output.write_outputs(tmp_path, FILES)
    msg = e.value.format_message()
    assert f"Written: {tmp_path / 'a.docx'}; not written: {tmp_path / 'a.pdf'}" in msg
    monkeypatch.undo()
    assert list(manifest(tmp_path)) == ["a.docx"] and integrity_problems(tmp_path) == []
    output.write_outputs(tmp_path, FILES)
    assert integrity_problems(tmp_path) == [] and set(manifest(tmp_path)) == {"a.docx", "a.pdf"}


def test_a_manifest_that_cannot_be_saved_is_recovered_by_the_next_run(tmp_path, monkeypatch):
    real = output.atomic_write

    def no_manifest(path, data):
        if Path(path).name == output.MANIFEST:
            raise OSError(errno.EACCES, "Permission denied")
        real(path, data)

    monkeypatch.setattr(output, "atomic_write", no_manifest)
    with pytest.raises(OutputError) as e:
        output.write_outputs(tmp_path, FILES)
    assert "were written, but the manifest" in e.value.format_message()
    assert "the next run into this folder records them" in e.value.format_message()
    monkeypatch.undo()
    assert (tmp_path / output.JOURNAL).exists()
    output.write_outputs(tmp_path, {"b.txt": b"autre"})  # any next run repairs first
    assert set(manifest(tmp_path)) == {"a.docx", "a.pdf", "b.txt"} and integrity_problems(tmp_path) == []
    output.write_outputs(tmp_path, FILES)  # and the set is not refused as foreign


def test_a_folder_named_like_an_output_is_refused_even_with_force(tmp_path):
    (tmp_path / "a.pdf").mkdir()
    (tmp_path / "a.pdf" / "keep.txt").write_text("mine")
    for force in (False, True):
        with pytest.raises(OutputError, match="is a folder; motions never replaces a folder"):
            output.write_outputs(tmp_path, FILES, force=force)
    assert not (tmp_path / "a.docx").exists() and (tmp_path / "a.pdf" / "keep.txt").read_text() == "mine"


def test_a_manifest_that_is_a_folder_is_refused_before_writing(tmp_path):
    (tmp_path / output.MANIFEST).mkdir()
    with pytest.raises(OutputError, match="is not a file"):
        output.write_outputs(tmp_path, FILES)
    assert not (tmp_path / "a.docx").exists()


@pytest.mark.parametrize("content", ["[]", '{"files": []}', '{"files": "x"}', "pas du JSON", "", '"files"',
                                     "\xff\xfe"])
def test_a_manifest_of_the_wrong_shape_is_a_clear_error(tmp_path, content):
    (tmp_path / output.MANIFEST).write_bytes(content.encode("latin-1"))
    with pytest.raises(OutputError, match="is not a manifest motions can read .* Delete it to start again"):
        output.write_outputs(tmp_path, FILES)
    assert not (tmp_path / "a.docx").exists()


def test_malformed_records_are_dropped_not_fatal(tmp_path):
    (tmp_path / output.MANIFEST).write_text('{"files": {"a.docx": 3, "a.pdf": {"sha256": 1}, "z": {"sha256": "x"}}}')
    output.write_outputs(tmp_path, FILES)
    assert set(manifest(tmp_path)) == {"a.docx", "a.pdf", "z"}


def test_cli_wrong_manifest_exits_9_not_70(tmp_path):
    (tmp_path / output.MANIFEST).write_text('{"files": []}')
    proc = subprocess.run([sys.executable, "-m", "motions", "--library", str(ROOTS / "small"), "generate",
                           "Villejuif", "-f", "txt", "-o", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 9 and "Delete it to start again" in proc.stderr


def test_never_clobber_still_holds(tmp_path):
    output.write_outputs(tmp_path, FILES)
    (tmp_path / "a.pdf").write_bytes(b"edited by hand")
    with pytest.raises(OutputError, match="changed since motions wrote it"):
        output.write_outputs(tmp_path, {"a.docx": b"new", "a.pdf": b"new"})
    assert (tmp_path / "a.docx").read_bytes() == FILES["a.docx"]  # nothing of the set was written
    (tmp_path / "c.txt").write_bytes(b"mine")
    with pytest.raises(OutputError, match="not written by motions"):
        output.write_outputs(tmp_path, {"c.txt": b"ours"})
    output.write_outputs(tmp_path, {"c.txt": b"mine"})  # the very bytes we'd write: ours, recorded
    assert manifest(tmp_path)["c.txt"]["size"] == 4


def test_recovery_finishes_a_set_cut_between_two_renames(tmp_path):
    """The state a kill between the renames leaves: the journal, one file renamed,
    the other still a complete temporary. The next run finishes the set."""
    output.write_outputs(tmp_path, FILES)
    new = {"a.docx": b"x" * 10, "a.pdf": b"y" * 20}
    tmp = {}
    for name, data in new.items():
        tmp[name] = Path(output._write_temporary(tmp_path / name, data, output.TX_PREFIX)).name
    output.append_intents(tmp_path, [dict(output.make_record(d), name=n, tmp=tmp[n]) for n, d in new.items()])
    os.replace(tmp_path / tmp["a.docx"], tmp_path / "a.docx")
    m = output.Manifest.load(tmp_path)
    with output.folder_lock(tmp_path):
        assert sorted(output.recover(tmp_path, m)) == ["a.docx", "a.pdf"]
    assert (tmp_path / "a.pdf").read_bytes() == new["a.pdf"] and integrity_problems(tmp_path) == []


# --------------------------------------------------------------------------- processes

WRITER = textwrap.dedent("""
    import os, sys
    from motions.output import write_outputs
    folder, tag, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for i in range(runs):
        data = os.urandom(1 << 20)
        write_outputs(folder, {f"{tag}.docx": data, f"{tag}.pdf": data[::-1], f"{tag}.txt": data[:1000]},
                      inputs_hash=str(i))
""")


def _writer(folder: Path, tag: str, runs: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", WRITER, str(folder), tag, str(runs)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_concurrent_runs_into_one_folder_record_both_sets(tmp_path):
    for attempt in range(3):
        folder = tmp_path / f"out{attempt}"
        procs = [_writer(folder, tag, 8) for tag in ("villejuif", "le-mans")]
        for p in procs:
            _, err = p.communicate(timeout=120)
            assert p.returncode == 0, err.decode()
        assert set(manifest(folder)) == {f"{t}.{e}" for t in ("villejuif", "le-mans") for e in ("docx", "pdf", "txt")}
        assert integrity_problems(folder) == []


def _recoverable(folder: Path) -> list[str]:
    """After a kill: every output on disk is recorded, or described by the journal."""
    records = manifest(folder) if (folder / output.MANIFEST).exists() else {}
    journal = {(i["name"], i["sha256"]) for i in output._intents(folder)}
    bad = []
    for path in folder.iterdir():
        if path.name in output.BOOKKEEPING or path.name.startswith("."):
            continue
        sha = output.file_sha256(path)
        if records.get(path.name, {}).get("sha256") != sha and (path.name, sha) not in journal:
            bad.append(path.name)
    return bad


@pytest.mark.slow
def test_kill_and_rerun_loop_leaves_no_integrity_incident(tmp_path):
    """A writer killed with SIGKILL at a random point, 100 times; after each kill
    the state is recoverable, and a re-run repairs it and writes its set."""
    rng = random.Random(20261122)
    folder = tmp_path / "out"
    incidents, runs = [], 100
    for run in range(runs):
        proc = _writer(folder, "commune", 50)
        time.sleep(rng.uniform(0.05, 0.6))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        if folder.exists():
            incidents += [f"run {run}: after the kill, {n} is neither recorded nor journalled"
                          for n in _recoverable(folder)]
        try:
            output.write_outputs(folder, {"commune.docx": b"d%d" % run, "commune.pdf": b"p%d" % run,
                                          "commune.txt": b"t%d" % run})
        except OutputError as exc:
            incidents.append(f"run {run}: the re-run failed: {exc.format_message()}")
            continue
        incidents += [f"run {run}: {p}" for p in integrity_problems(folder)]
        assert (folder / "commune.txt").read_bytes() == b"t%d" % run
    assert incidents == [], "\n".join(incidents)


@pytest.mark.slow
def test_cli_generate_killed_then_rerun_never_refuses(tmp_path):
    rng = random.Random(7)
    out = tmp_path / "out"
    args = [sys.executable, "-m", "motions", "--library", str(ROOTS / "small"), "generate", "Villejuif",
            "-f", "docx,pdf,txt", "-o", str(out)]
    for _ in range(12):
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 2.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        rerun = subprocess.run(args, capture_output=True, text=True, timeout=180)
        assert rerun.returncode == 0, rerun.stderr
        assert integrity_problems(out) == []

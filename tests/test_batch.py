"""``motions batch``: many communes, incremental, failures isolated, an index.

The batch runs as a user runs it (the real CLI, in a subprocess, two worker
processes) on the small library. The outputs are opened with their clients
(python-docx, pdftotext), the index and the manifest are checked against the
files' real hashes, and a re-run must not touch a single file.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from motions.batch import _Hasher, select_communes
from motions.communes import by_departement, lookup
from motions.compose import Options
from motions.errors import UsageError
from motions.facts import Facts
from motions.api import output_stem

from helpers import ROOTS, norm, pdf_text

SMALL = ROOTS / "small"


def run(*args, library=SMALL):
    proc = subprocess.run([sys.executable, "-m", "motions", "--library", str(library), "batch", *args],
                          capture_output=True, text=True, timeout=600)
    return proc.returncode, proc.stdout + proc.stderr


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def mtimes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in sorted(folder.rglob("*")) if p.is_file()}


# --------------------------------------------------------------------------- Val-de-Marne, two workers


@pytest.fixture(scope="module")
def val_de_marne(tmp_path_factory):
    out = tmp_path_factory.mktemp("batch") / "out"
    code, log = run("--departement", "94", "--format", "docx,pdf", "--jobs", "2", "-o", str(out))
    assert code == 0, log
    return out, log


def test_every_commune_gets_both_files_in_its_departement_folder(val_de_marne):
    out, log = val_de_marne
    communes = by_departement("94")
    assert len(communes) == 47
    names = {p.name for p in (out / "94").iterdir() if not p.name.startswith(".")}
    expected = {output_stem(c, "biometrie") + ext for c in communes for ext in (".docx", ".pdf")}
    assert names == expected
    assert "47 rendered" in log and "0 failed" in log and "Traceback" not in log


def test_the_files_are_each_communes_motion(val_de_marne):
    out, _ = val_de_marne
    stem = out / "94" / "94076-villejuif-biometrie"
    d = docx.Document(str(stem.with_suffix(".docx")))
    body = norm("\n".join(p.text for p in d.paragraphs))
    assert norm("Commune de Villejuif") in norm(d.sections[0].header.paragraphs[0].text)
    assert "villejuif" in body and "ivrysurseine" not in body
    assert d.core_properties.identifier == "94076"
    text = norm(pdf_text(stem.with_suffix(".pdf")))
    assert norm("Commune de Villejuif") in text
    # another commune's files speak of that commune
    text = norm(pdf_text(out / "94" / "94041-ivry-sur-seine-biometrie.pdf"))
    assert norm("Commune d'Ivry-sur-Seine") in text and "villejuif" not in text


def test_index_lists_every_output_with_its_real_hash(val_de_marne):
    out, _ = val_de_marne
    with open(out / "index.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 94
    for row in rows:
        path = out / row["path"]
        assert path.is_file() and row["departement"] == "94" and row["motion"] == "biometrie"
        assert row["sha256"] == sha(path) and int(row["size"]) == path.stat().st_size
    villejuif = [r for r in rows if r["insee"] == "94076"]
    assert {r["format"] for r in villejuif} == {"docx", "pdf"} and villejuif[0]["commune"] == "Villejuif"
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    assert [o["path"] for o in index["outputs"]] == [r["path"] for r in rows]
    assert index["failures"] == []


def test_manifest_records_hash_size_and_inputs(val_de_marne, small_lib):
    out, _ = val_de_marne
    files = json.loads((out / "94" / ".motions-manifest.json").read_text(encoding="utf-8"))["files"]
    assert len(files) == 94
    for c in by_departement("94")[:5]:
        for fmt in ("docx", "pdf"):
            name = output_stem(c, "biometrie") + "." + fmt
            record = files[name]
            assert record["sha256"] == sha(out / "94" / name)
            assert record["size"] == (out / "94" / name).stat().st_size
            assert record["inputs"] == inputs_hash(small_lib, c, Facts(), Options(), fmt)
            assert record["commune"] == c.insee


def test_rerun_with_nothing_changed_touches_nothing(val_de_marne):
    out, _ = val_de_marne
    before = mtimes(out)
    code, log = run("--departement", "94", "--format", "docx,pdf", "--jobs", "2", "-o", str(out))
    assert code == 0, log
    assert "0 rendered, 47 up to date" in log
    assert mtimes(out) == before  # outputs, manifest and index alike


# --------------------------------------------------------------------------- only what changed


@pytest.fixture()
def library_copy(tmp_path):
    lib = tmp_path / "lib"
    shutil.copytree(SMALL, lib)
    return lib


def test_only_what_changed_is_rebuilt(tmp_path, library_copy):
    out, facts = tmp_path / "out", tmp_path / "facts"
    facts.mkdir()
    listing = tmp_path / "communes.txt"
    listing.write_text("Villejuif\n94041  # Ivry-sur-Seine\nCachan\n", encoding="utf-8")
    args = ("--communes", str(listing), "--facts-dir", str(facts), "--jobs", "2", "-o", str(out))
    code, log = run(*args, library=library_copy)
    assert code == 0, log
    first = mtimes(out / "94")

    # a facts file for one commune: only its two files are rebuilt, and they say it
    (facts / "94076.yaml").write_text("group:\n  name: Villejuif en commun\n", encoding="utf-8")
    code, log = run(*args, library=library_copy)
    assert code == 0 and "1 rendered, 2 up to date" in log, log
    second = mtimes(out / "94")
    changed = {name for name in first if first[name] != second[name]}
    assert changed == {"94076-villejuif-biometrie.docx", "94076-villejuif-biometrie.pdf", ".motions-manifest.json"}
    d = docx.Document(str(out / "94" / "94076-villejuif-biometrie.docx"))
    assert "Villejuif en commun" in "\n".join(p.text for p in d.paragraphs)
    assert "Villejuif en commun" in pdf_text(out / "94" / "94076-villejuif-biometrie.pdf")

    # the library's stylesheet, overridden in the user's library: the PDFs only
    css = library_copy / "templates" / "html"
    css.mkdir(parents=True)
    shipped = Path(__file__).resolve().parents[1] / "templates" / "html" / "motion.css"
    (css / "motion.css").write_text(shipped.read_text(encoding="utf-8") + "\nh1.title { color: #222; }\n",
                                    encoding="utf-8")
    code, log = run(*args, library=library_copy)
    assert code == 0 and "3 rendered" in log, log
    third = mtimes(out / "94")
    changed = {name for name in third if third[name] != second[name] and not name.startswith(".")}
    assert changed == {n for n in first if n.endswith(".pdf")}

    # an argument file edited: every commune is rebuilt
    arg = library_copy / "arguments" / "biometrie" / "visage-identifie.yaml"
    arg.write_text(arg.read_text(encoding="utf-8").replace("Considérant que", "Considérant que, selon nous,", 1),
                   encoding="utf-8")
    code, log = run(*args, library=library_copy)
    assert code == 0 and "3 rendered, 0 up to date" in log, log
    fourth = mtimes(out / "94")
    assert all(fourth[n] != third[n] for n in first if not n.startswith("."))
    assert "selon nous" in pdf_text(out / "94" / "94041-ivry-sur-seine-biometrie.pdf")


def test_lost_manifest_is_rebuilt_without_rewriting(tmp_path):
    """After a run killed before its manifest was saved, the files are adopted, not rewritten."""
    out, listing = tmp_path / "out", tmp_path / "communes.txt"
    listing.write_text("Villejuif\nCachan\n", encoding="utf-8")
    code, log = run("--communes", str(listing), "--jobs", "1", "-o", str(out))
    assert code == 0, log
    before = mtimes(out / "94")
    (out / "94" / ".motions-manifest.json").unlink()
    code, log = run("--communes", str(listing), "--jobs", "1", "-o", str(out))
    assert code == 0 and "4 unchanged" in log, log
    after = mtimes(out / "94")
    assert {n: t for n, t in after.items() if not n.startswith(".")} == {
        n: t for n, t in before.items() if not n.startswith(".")}


# --------------------------------------------------------------------------- failures


def test_failures_are_isolated_summarised_and_exit_non_zero(tmp_path):
    out, listing = tmp_path / "out", tmp_path / "communes.txt"
    listing.write_text("Villejuif\ninsee:98735\nCachan\n", encoding="utf-8")  # Papeete: a COM commune
    code, log = run("--communes", str(listing), "--jobs", "2", "-o", str(out))
    assert code == 10, log  # every failure is an UnsupportedCommune
    assert "1 commune failed" in log and "98735 Papeete (987)" in log and "--allow-overseas" in log
    assert "Traceback" not in log
    assert (out / "94" / "94076-villejuif-biometrie.pdf").is_file()
    assert (out / "94" / "94016-cachan-biometrie.docx").is_file()
    assert not (out / "987").exists() or not any((out / "987").glob("*.pdf"))
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    assert [f["insee"] for f in index["failures"]] == ["98735"]
    assert index["failures"][0]["error"] == "UnsupportedCommune" and index["failures"][0]["exit_code"] == 10
    assert len(index["outputs"]) == 4

    # a file edited by hand is never overwritten; two kinds of failure give exit code 1
    edited = out / "94" / "94016-cachan-biometrie.docx"
    edited.write_bytes(edited.read_bytes() + b"edited")
    code, log = run("--communes", str(listing), "--jobs", "1", "--date", "2026-03-14", "-o", str(out))
    assert code == 1, log
    assert "2 communes failed" in log and "changed since motions wrote it" in log
    assert edited.read_bytes().endswith(b"edited")
    assert norm("14 mars 2026") in norm(pdf_text(out / "94" / "94016-cachan-biometrie.pdf"))  # its PDF was written
    assert norm("14 mars 2026") in norm(pdf_text(out / "94" / "94076-villejuif-biometrie.pdf"))


def test_unknown_communes_in_the_list_are_all_reported_before_anything_is_written(tmp_path):
    out, listing = tmp_path / "out", tmp_path / "communes.txt"
    listing.write_text("Villejuif\nVillejuiff\n\n# nothing\nSainte-Colombe\n", encoding="utf-8")
    code, log = run("--communes", str(listing), "-o", str(out))
    assert code == 2, log
    assert "communes.txt:2:" in log and "communes.txt:5:" in log and "Traceback" not in log
    assert not out.exists()


@pytest.mark.parametrize("kwargs, expected", [
    ({"departement": "999"}, "département code"),
    ({"departement": "94", "region": "11"}, "choose one of"),
    ({}, "say which communes"),
    ({"departement": "94", "min_population": 10_000_000}, "no commune"),
])
def test_selection_mistakes_are_sentences(kwargs, expected):
    with pytest.raises(UsageError, match=expected):
        select_communes(**kwargs)


def test_selection_filters():
    assert {c.insee for c in select_communes(region="11", min_population=100_000)} >= {"75056", "92012", "93066"}
    big = select_communes(departement="94", min_population=50_000)
    assert {c.insee for c in big} == {c.insee for c in by_departement("94") if c.population >= 50_000}


def inputs_hash(lib, commune, facts, options, fmt):
    from motions.api import Request, inputs_digest
    from motions.resources import Resources

    from motions.batch import BatchSettings

    return inputs_digest(Request(commune, "biometrie", facts, options, (fmt,), dossier=False,
                                 writer_options=BatchSettings().writer_options), Resources(lib))


def test_fast_hash_is_the_api_inputs_digest(small_lib):
    from motions.batch import BatchSettings
    from motions.resources import Resources

    hasher = _Hasher(Resources(small_lib), BatchSettings(options=Options(date=None, allow_overseas=True)))
    facts = Facts.model_validate({"group": {"name": "Groupe « @@ »"}, "cameras": {"count": 3}})
    for query in ("Villejuif", "2A004", "insee:97411", "Marseille 1er"):
        c = lookup(query)
        for fmt in ("docx", "pdf", "txt"):
            for f in (Facts(), facts):
                assert hasher(c, fmt, f) == inputs_hash(small_lib, c, f, Options(allow_overseas=True), fmt)


# --------------------------------------------------------------------------- interruptions, other platforms


def test_interrupted_batch_leaves_recorded_files_only_and_resumes(tmp_path):
    import signal
    import time

    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "motions", "--library", str(SMALL), "batch", "--departement", "94",
                             "--jobs", "2", "-o", str(out)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and len(list((out / "94").glob("*.pdf"))) < 4:
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    log, _ = proc.communicate(timeout=300)
    assert proc.returncode == 130, log
    assert "Interrupted" in log and "Traceback" not in log
    files = {p.name for p in (out / "94").iterdir() if not p.name.startswith(".")}
    assert not list((out / "94").glob(".*.part")), "no partial file"
    assert 0 < len(files) < 94
    recorded = json.loads((out / "94" / ".motions-manifest.json").read_text(encoding="utf-8"))["files"]
    assert set(recorded) == files  # the workers' last documents were recorded before stopping
    for name, record in recorded.items():
        assert record["sha256"] == sha(out / "94" / name)
    code, log = run("--departement", "94", "--jobs", "2", "-o", str(out))
    assert code == 0 and f"{47 - len(files) // 2} rendered" in log, log
    assert len(json.loads((out / "94" / ".motions-manifest.json").read_text(encoding="utf-8"))["files"]) == 94


def test_spawned_workers_warm_themselves(tmp_path, small_lib):
    """Where fork is not used (macOS, Windows), each worker loads what it needs itself."""
    from motions.batch import BatchSettings, run_batch

    communes = [lookup(q) for q in ("Villejuif", "Cachan", "Arcueil", "Gentilly")]
    from motions.resources import Resources

    report = run_batch(Resources(small_lib), communes, BatchSettings(out_dir=tmp_path, jobs=2, start_method="spawn"))
    assert report.failures == [] and report.communes_done == 4 and report.files_written == 8
    text = norm(pdf_text(tmp_path / "94" / "94003-arcueil-biometrie.pdf"))
    assert norm("Commune d'Arcueil") in text


# --------------------------------------------------------------------------- hostile input, signals


def test_a_code_that_names_two_communes_is_reported_whole_in_a_communes_file(tmp_path):
    out, listing = tmp_path / "out", tmp_path / "communes.txt"
    listing.write_text("13001\n", encoding="utf-8")
    code, log = run("--communes", str(listing), "-o", str(out))
    assert code == 2 and "communes.txt:1: 13001 is both an INSEE code and a postal code" in log
    assert "insee:13001  INSEE code of Aix-en-Provence (13)" in log and "cp:13001" in log  # not cut to one line
    assert not out.exists()


def test_notices_about_the_list_are_shown(tmp_path):
    notices = []
    listing = tmp_path / "communes.txt"
    listing.write_text("La Rochelle\nPierrefitte-sur-Seine\n", encoding="utf-8")
    found = select_communes(communes_file=listing, notices=notices)
    assert [c.insee for c in found] == ["17300", "93066"]
    assert notices[0].startswith(f"{listing}:1: \"La Rochelle\" is taken as La Rochelle (17)")
    assert notices[1].startswith(f"{listing}:2: Pierrefitte-sur-Seine (93059) is no longer a commune")


def test_a_communes_file_that_is_a_device_is_refused():
    with pytest.raises(UsageError, match="/dev/zero: is a device"):
        select_communes(communes_file=Path("/dev/zero"))


def test_failure_messages_are_shown_whole_but_bounded():
    from motions.batch import Failure, failure_lines

    long = Failure("13001", "13001 Aix", "AmbiguousCommune", 4, "first line\nsecond line\nthird line")
    huge = Failure("13002", "13002 X", "OutputError", 9, "\n".join(f"line {i}" for i in range(100)))
    lines = failure_lines([long, huge], limit=1)
    assert lines[:3] == ["  13001 Aix: first line", "      second line", "      third line [AmbiguousCommune]"]
    assert lines[-1] == "  … and 1 more."
    bounded = failure_lines([huge])
    assert len(bounded) == 13 + 1 - 1 and "more lines" in bounded[-1] and bounded[-1].endswith("[OutputError]")


def test_facts_about_another_commune_are_warned(tmp_path, small_lib):
    from motions.batch import BatchSettings, run_batch

    facts_dir = tmp_path / "facts"
    facts_dir.mkdir()
    (facts_dir / "94076.yaml").write_text('commune: "Le Mans (72)"\ncameras:\n  count: 4\n', encoding="utf-8")
    (facts_dir / "94016.yaml").write_text('commune: "Cachan (94)"\ncontracts:\n  - vendor: A\n    object: b\n'
                                          "    until: 1999-01-01\n", encoding="utf-8")
    from motions.resources import Resources

    report = run_batch(Resources(small_lib), [lookup("Villejuif"), lookup("Cachan")],
                       BatchSettings(out_dir=tmp_path / "out", jobs=1, facts_dir=facts_dir, formats=("txt",)))
    assert report.failures == []
    assert any("94076.yaml" in w and "not Villejuif (94)" in w for w in report.warnings)
    assert any("94016.yaml:5: contracts.0.until: this contract ended on 1999-01-01" in w for w in report.warnings)
    assert not any("94016.yaml" in w and "not Cachan" in w for w in report.warnings)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _start_batch(out: Path):
    import time

    proc = subprocess.Popen([sys.executable, "-m", "motions", "--library", str(SMALL), "batch", "--departement", "94",
                             "--jobs", "2", "-o", str(out)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 300
    workers: list[int] = []
    while time.monotonic() < deadline and (len(list((out / "94").glob("*.pdf"))) < 4 or len(workers) < 2):
        workers = _children(proc.pid)
        time.sleep(0.05)
    return proc, workers


def _wait_dead(pids: list[int], seconds: float = 30) -> list[int]:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.05)
    return [p for p in pids if _alive(p)]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_sigterm_stops_like_ctrl_c_with_exit_143(tmp_path):
    import signal

    out = tmp_path / "out"
    proc, workers = _start_batch(out)
    assert len(workers) >= 2
    proc.send_signal(signal.SIGTERM)
    log, _ = proc.communicate(timeout=300)
    assert proc.returncode == 143, log
    assert "Terminated (SIGTERM): no partial file" in log and "Traceback" not in log
    assert _wait_dead(workers) == []
    files = {p.name for p in (out / "94").iterdir() if not p.name.startswith(".")}
    assert not list((out / "94").glob(".*.part")) and 0 < len(files) < 94
    recorded = json.loads((out / "94" / ".motions-manifest.json").read_text(encoding="utf-8"))["files"]
    assert set(recorded) == files


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_killed_parent_takes_its_workers_and_the_next_run_repairs(tmp_path):
    import signal

    out = tmp_path / "out"
    proc, workers = _start_batch(out)
    assert len(workers) >= 2
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert _wait_dead(workers) == [], "workers outlived their parent"
    code, log = run("--departement", "94", "--jobs", "2", "-o", str(out))
    assert code == 0 and "not written by motions" not in log, log
    recorded = json.loads((out / "94" / ".motions-manifest.json").read_text(encoding="utf-8"))["files"]
    assert len(recorded) == 94
    for name, record in recorded.items():
        assert record["sha256"] == sha(out / "94" / name)
    assert not (out / "94" / ".motions-journal.jsonl").exists()

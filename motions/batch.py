"""Many communes at once: a département, a région, an EPCI, a list, all of France.

A builder in Sphinx's manner:

1. *Plan* in the parent, without rendering anything: for each commune and
   format, the hash of what the output depends on (:func:`generate.inputs_payload`)
   is compared with the one recorded in its folder's manifest, and the file's size
   with the recorded size. Current outputs are skipped without being read, and
   without a worker or the PDF engine ever starting: a re-run of all France with
   nothing changed reads ~100 manifests and stats 70,000 files.
2. *Write one document first* in the parent, which warms every cache (library,
   Jinja templates, the DOCX skeleton, WeasyPrint, its fonts and the CSS), then
   *fan out* the rest to worker processes. On Linux they are forked from the warm
   parent and start warm; elsewhere an initializer warms each one. Tasks are
   INSEE codes and results are a few strings per file: each worker writes its
   files itself (atomically) and nothing accumulates across documents.
3. The parent keeps the manifests — one per département folder, like the one
   ``motions generate`` keeps, so the two commands agree — and saves the changed
   ones every few seconds and at the end, not after every document (that would
   rewrite them n times).
4. A commune that fails (refused, malformed facts, an edited output) is recorded
   and the batch goes on; failures are summarised at the end, each message
   whole (:func:`failure_lines`, bounded).
5. An index of every output (CSV and JSON) is written atomically beside them.

Crashes and signals. Before a worker renames a file into place it appends the
file's record to its folder's journal (:func:`output.append_intents`), so a
batch killed before its manifests are saved is repaired by the next run
(:func:`output.recover`, when the folder is planned): nothing it wrote is then
refused as "not written by motions". Workers die with the parent (Linux:
``PR_SET_PDEATHSIG``; everywhere: they check the parent's pid before each
commune), so a killed batch leaves no orphan writing or waiting. SIGTERM is
handled like Ctrl-C: no new commune is started, the ones in hand are finished
and recorded, and :class:`Terminated` is raised (the CLI exits with 143).

Outputs go to ``OUT/<département>/<INSEE>-<name>-<motion>.<ext>``, so no folder
holds more than a couple of thousand files.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from . import api
from .compose import Options
from .errors import BatchFailed, MotionsError, OutputError, UsageError  # noqa: F401 - BatchFailed re-exported
from .facts import Facts, load_facts
from .resources import Resources
from .writers import WriterOptions
from .limits import MAX_COMMUNE_LIST_BYTES, read_user_file
from .output import MANIFEST, Manifest, append_intents, atomic_write, clear_journal, folder_lock, recover, sha256

INDEX_CSV = "index.csv"
INDEX_JSON = "index.json"
SAVE_EVERY = 5.0  # seconds between manifest saves during a run
#: Communes a worker renders before it is replaced by a fresh fork of the warm
#: parent. The C libraries under WeasyPrint (Pango, HarfBuzz, fontconfig) keep
#: 15-19 KiB per document that is never returned, and Typst's memoisation grows
#: too: replacing workers keeps their memory flat over all of France, at the
#: cost of one fork per this many communes (bench/bench_batch.py measures both).
RECYCLE_AFTER = 200
INDEX_FIELDS = ("insee", "commune", "departement", "motion", "format", "path", "sha256", "size", "inputs")


#: A failure's message is shown whole, up to this many lines and characters.
FAILURE_MAX_LINES = 12
FAILURE_MAX_CHARS = 1500


class Terminated(KeyboardInterrupt):
    """The batch received SIGTERM: it stopped as after Ctrl-C (nothing partial,
    everything written is recorded). The CLI exits with 143 (128 + SIGTERM)."""

    exit_code = 143


@dataclass(frozen=True)
class BatchSettings:
    """Everything the user chose for a batch, as one record."""

    motion_id: str = "biometrie"
    formats: tuple[str, ...] = ("docx", "pdf")
    out_dir: Path = Path("motions-out")
    jobs: int = 0  # 0: one worker per core
    facts_dir: Path | None = None
    force: bool = False  # rebuild everything, and replace outputs edited by hand
    options: Options = field(default_factory=Options)
    dossier: bool = False  # also write each motion's dossier
    start_method: str | None = None  # None: "fork" on Linux (workers start warm), else "spawn"
    writer_options: WriterOptions = field(default_factory=lambda: WriterOptions(pdf_engine="typst"))
    recycle_after: int = RECYCLE_AFTER  # communes a worker renders before it is replaced by a fresh one


@dataclass(frozen=True)
class Failure:
    insee: str
    label: str
    error: str  # the exception's class name
    exit_code: int
    message: str


@dataclass
class BatchReport:
    selected: int = 0
    communes_done: int = 0  # rendered (or found identical) in this run
    communes_current: int = 0  # every output up to date: skipped
    files_written: int = 0
    files_unchanged: int = 0  # re-rendered to the same bytes: not rewritten
    files_current: int = 0
    failures: list[Failure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    index_csv: Path | None = None
    index_json: Path | None = None
    elapsed: float = 0.0
    tasks: int = 0  # communes sent to rendering (out of date)
    render_elapsed: float = 0.0  # wall time of the rendering phase
    first_elapsed: float = 0.0  # of which the first document, which warms the caches
    jobs: int = 1

    @property
    def rate(self) -> float | None:
        """Communes per second once warm (the first document excluded)."""
        steady = self.render_elapsed - self.first_elapsed
        if self.tasks > 1 and steady > 0:
            return (self.tasks - 1) / steady
        return self.tasks / self.render_elapsed if self.tasks and self.render_elapsed > 0 else None

    @property
    def exit_code(self) -> int:
        codes = {f.exit_code for f in self.failures}
        return codes.pop() if len(codes) == 1 else (1 if codes else 0)


# --------------------------------------------------------------------------- selection


def select_communes(*, departement: str | None = None, region: str | None = None, epci: str | None = None,
                    communes_file: Path | None = None, all_communes: bool = False,
                    min_population: int | None = None, notices: list[str] | None = None, index=None) -> list:
    """The communes a batch covers, in INSEE order; a mistake in the selection is a UsageError.
    The lookup's notices about the lines of ``communes_file`` (a homonym, a
    commune déléguée) are appended to ``notices``, or logged if it is None.
    ``index`` is the commune index to read (the shipped one when not given)."""
    from . import communes as data

    chosen = [name for name, value in (("--departement", departement), ("--region", region), ("--epci", epci),
                                       ("--communes", communes_file), ("--all", all_communes)) if value]
    if len(chosen) > 1:
        raise UsageError(f"choose one of {', '.join(chosen)}: they select communes in different ways.")
    if not chosen and min_population is None:
        raise UsageError("say which communes: --departement 94, --region 11, --epci SIREN, --communes FILE, "
                         "--min-population N or --all.")
    index = index or data.load()
    try:
        if departement:
            found = index.by_departement(departement)
        elif region:
            found = index.by_region(region)
        elif epci:
            found = index.by_epci(epci)
        elif communes_file:
            found = _communes_from_file(Path(communes_file), notices, index)
        else:
            found = list(index.all_communes())
    except KeyError as exc:
        what = "département" if departement else "région" if region else "EPCI"
        raise UsageError(f"{exc.args[0] if exc.args else exc}; check the {what} code "
                         "(e.g. --departement 94 or 2A, --region 11, --epci 200054781).") from None
    if min_population is not None:
        found = [c for c in found if c.population >= min_population]
    unique = {c.insee: c for c in found}
    if not unique:
        raise UsageError("the selection holds no commune; widen it (a lower --min-population, another code).")
    return [unique[k] for k in sorted(unique)]


def _communes_from_file(path: Path, notices: list[str] | None, index) -> list:
    """One commune per line (INSEE code, postal code, ``insee:``/``cp:`` code or
    name); blank lines and # comments ignored. Every line that names no single
    commune is reported at once, with the lookup's whole message (bounded)."""

    text = read_user_file(path, "list of communes", MAX_COMMUNE_LIST_BYTES, UsageError)
    found, problems = [], []
    for number, line in enumerate(text.splitlines(), 1):
        query = line.split("#", 1)[0].strip()
        if not query:
            continue
        try:
            resolution = index.resolve(query)
        except MotionsError as exc:
            problems.append(f"{path}:{number}: " + "\n    ".join(_bounded(exc.format_message())))
            continue
        found.append(resolution.commune)
        for notice in resolution.notices:
            if notices is None:
                import logging

                logging.getLogger("motions.batch").warning("%s:%d: %s", path, number, notice)
            else:
                notices.append(f"{path}:{number}: {notice}")
    if problems:
        raise UsageError("the communes file has problems:\n  " + "\n  ".join(problems))
    return found


# --------------------------------------------------------------------------- plan


class _Hasher:
    """:func:`api.inputs_digest`, fast: the JSON payload is built once per format
    and facts record, with a placeholder for the commune, which is then
    substituted (35,000 communes × 2 formats in well under a second)."""

    _INSEE = "@@motions-insee@@"

    def __init__(self, resources: Resources, settings: BatchSettings):
        self.resources, self.settings = resources, settings
        self._base: dict[str, dict] = {}
        self._templates: dict[tuple, tuple[Facts, str | None]] = {}

    def __call__(self, commune, fmt: str, facts: Facts) -> str:
        key = (id(facts), fmt)
        cached = self._templates.get(key)
        if cached is None or cached[0] is not facts:
            base = self._base.get(fmt)
            if base is None:
                base = self._base[fmt] = api.inputs_payload(self._request(None, fmt, Facts()), self.resources,
                                                            insee=self._INSEE)
            text = json.dumps(dict(base, facts=facts.model_dump(mode="json")), sort_keys=True)
            cached = self._templates[key] = (facts, text if text.count(f'"{self._INSEE}"') == 1 else None)
        text = cached[1]
        if text is None:  # a facts value holds the placeholder (!): the slow, sure way
            return api.inputs_digest(self._request(commune, fmt, facts), self.resources)
        return api.digest(text.replace(f'"{self._INSEE}"', json.dumps(commune.insee), 1))

    def _request(self, commune, fmt: str, facts: Facts):
        return request_for(commune, self.settings, facts, (fmt,))


@dataclass(frozen=True)
class Task:
    """What a worker needs for one commune: small, so it travels cheaply."""

    insee: str
    folder: str
    formats: tuple[str, ...]  # the formats to (re)write
    hashes: tuple[str, ...]  # the inputs hash of each
    recorded: tuple[tuple[str | None, ...], ...]  # per format, the sha256 recorded for each of its files
    facts: Facts | None = None


@dataclass
class _Folder:
    path: Path
    manifest: Manifest
    sizes: dict[str, int]
    pending: int = 0
    dirty: bool = False


@dataclass
class _Plan:
    tasks: list[Task]
    rows: dict[str, tuple]  # path (relative to OUT) -> index row, for every current output
    folders: dict[str, _Folder]
    failures: list[Failure]
    labels: dict[str, tuple]  # insee -> (name, département)
    current_files: int = 0
    current_communes: int = 0
    warnings: list[str] = field(default_factory=list)


def _scan_sizes(folder: Path) -> dict[str, int]:
    sizes = {}
    try:
        with os.scandir(folder) as it:
            for entry in it:
                if not entry.name.startswith("."):
                    try:
                        sizes[entry.name] = entry.stat().st_size
                    except OSError:
                        pass
    except (FileNotFoundError, NotADirectoryError):
        pass
    return sizes


def _facts_files(facts_dir: Path | None) -> dict[str, Path]:
    """``DIR/<INSEE>.yaml`` (or ``.yml``) for each commune that has local facts."""
    if facts_dir is None:
        return {}
    if not facts_dir.is_dir():
        raise UsageError(f"{facts_dir}: no such folder (given with --facts-dir).")
    found = {}
    for path in sorted(facts_dir.iterdir()):
        if path.suffix in (".yaml", ".yml") and path.is_file():
            found.setdefault(path.stem.upper(), path)
    return found


def request_for(commune, settings: BatchSettings, facts: Facts, formats: tuple[str, ...]):
    return api.Request(commune, settings.motion_id, facts, settings.options, formats, dossier=settings.dossier,
                       writer_options=settings.writer_options)


def plan(resources: Resources, communes: list, settings: BatchSettings) -> _Plan:
    """Which outputs are out of date, and the tasks that rebuild them."""
    resources.library.motion(settings.motion_id)  # an unknown motion id fails now, once
    out = Path(settings.out_dir)
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: is a file, not a folder; choose another output folder with -o DIR.")
    hasher = _Hasher(resources, settings)
    facts_files = _facts_files(settings.facts_dir)
    no_facts = Facts()
    p = _Plan([], {}, {}, [], {})
    for commune in communes:
        dep = commune.departement.code
        p.labels[commune.insee] = (commune.name, dep)
        folder = p.folders.get(dep)
        if folder is None:
            path = out / dep
            folder = p.folders[dep] = _Folder(path, _open_manifest(path), _scan_sizes(path))
        facts = no_facts
        if commune.insee in facts_files:
            try:
                facts = load_facts(facts_files[commune.insee])
            except MotionsError as exc:
                p.failures.append(_failure(commune.insee, p.labels, exc))
                continue
            p.warnings.extend(_facts_warnings(facts, commune, facts_files[commune.insee], resources.communes))
        stale = []
        for fmt in settings.formats:
            digest = hasher(commune, fmt, facts)
            names = api.output_names(commune, settings.motion_id, fmt, settings.dossier)
            records = [folder.manifest.entries.get(name) for name in names]
            sizes = [folder.sizes.get(name) for name in names]
            if (not settings.force and all(r is not None and r.get("inputs") == digest and s is not None
                                           and s == r.get("size") for r, s in zip(records, sizes))):
                for name, record, size in zip(names, records, sizes):
                    p.rows[f"{dep}/{name}"] = _row(commune.insee, p.labels, settings.motion_id, fmt, f"{dep}/{name}",
                                                  record.get("sha256", ""), size, digest)
                    p.current_files += 1
            else:
                stale.append((fmt, digest, tuple((r or {}).get("sha256") if s is not None else None
                                                 for r, s in zip(records, sizes))))
        if stale:
            folder.pending += 1
            p.tasks.append(Task(commune.insee, str(folder.path), tuple(s[0] for s in stale),
                                tuple(s[1] for s in stale), tuple(s[2] for s in stale),
                                None if facts is no_facts else facts))
        else:
            p.current_communes += 1
    return p


def _open_manifest(folder: Path) -> Manifest:
    """A folder's manifest, after repairing what a killed run left there."""
    if not folder.is_dir():
        return Manifest(folder)
    with folder_lock(folder):
        manifest = Manifest.load(folder)
        recover(folder, manifest)
    return manifest


def _facts_warnings(facts: Facts, commune, path: Path, index=None) -> list[str]:
    """The facts file's own warnings, and one if it names another commune."""
    out = list(facts.warnings())
    mismatch = facts.commune_mismatch(commune, index)
    if mismatch:
        out.append(f"{path}: {mismatch}")
    return out


def _bounded(message: str) -> list[str]:
    """A message's lines, whole but bounded (``FAILURE_MAX_LINES``, ``FAILURE_MAX_CHARS``)."""
    text = message if len(message) <= FAILURE_MAX_CHARS else message[:FAILURE_MAX_CHARS] + "…"
    lines = text.splitlines() or [""]
    if len(lines) > FAILURE_MAX_LINES:
        lines = lines[:FAILURE_MAX_LINES] + [f"… ({len(lines) - FAILURE_MAX_LINES} more lines)"]
    return lines


def failure_lines(failures: list[Failure], limit: int = 20, index: Path | None = None) -> list[str]:
    """The failure summary the CLI prints: each failure's whole message (bounded),
    continuation lines indented, at most ``limit`` failures."""
    lines = []
    for f in failures[:limit]:
        body = _bounded(f.message)
        lines.append(f"  {f.label}: {body[0]}" + (f" [{f.error}]" if len(body) == 1 else ""))
        lines += [f"      {line}" for line in body[1:]]
        if len(body) > 1:
            lines[-1] += f" [{f.error}]"
    if len(failures) > limit:
        where = f" (all of them are in {index})" if index else ""
        lines.append(f"  … and {len(failures) - limit} more{where}.")
    return lines


def _row(insee, labels, motion_id, fmt, rel, sha, size, inputs) -> tuple:
    name, dep = labels.get(insee, ("", ""))
    return (insee, name, dep, motion_id, fmt, rel, sha, size, inputs)


def _failure(insee: str, labels: dict, exc: BaseException) -> Failure:
    name, dep = labels.get(insee, (insee, ""))
    label = f"{insee} {name} ({dep})" if dep else insee
    if isinstance(exc, MotionsError):
        return Failure(insee, label, type(exc).__name__, exc.exit_code, exc.format_message())
    return Failure(insee, label, "InternalError", 70,
                   f"internal error ({type(exc).__name__}: {exc}); this is a bug in motions, please report it")


# --------------------------------------------------------------------------- work (in the workers)


_WORKER: dict = {}


def render_commune(resources: Resources, commune, settings: BatchSettings, facts: Facts,
                   formats: tuple[str, ...]) -> tuple[dict[str, bytes], list[str]]:
    """The batch's one call into rendering: {file name: bytes} and warnings."""
    from . import log

    collector = log.install(log.Collector())
    try:
        rendered = api.render(request_for(commune, settings, facts, formats), resources)
    finally:
        log.uninstall(collector)
    return rendered.files, collector.messages


PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Have the kernel kill this worker when the parent dies (Linux), and exit
    now if the parent is already gone (it died before the request was made)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no prctl: the pid check remains
            pass
    _check_parent()


def _check_parent() -> None:
    parent = _WORKER.get("parent")
    if parent is not None and os.getppid() != parent:
        os._exit(1)  # orphaned: nobody will record what we write


def _init_worker(resources: Resources, settings: BatchSettings, warm_insee: str | None, parent: int | None = None) -> None:
    """Runs once in each worker. Forked workers inherit the parent's warm caches;
    spawned ones warm themselves by rendering one document (not written)."""
    import gc

    gc.enable()  # whoever forked us may have had it off; a worker renders hundreds of documents
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler, inherited by fork
    _WORKER["parent"] = parent
    if parent is not None:
        _die_with_parent(parent)
    if _WORKER.get("resources") is resources:
        return
    _WORKER.update(resources=resources, settings=settings)
    if warm_insee is not None:
        from .communes import get

        try:
            render_commune(resources, get(warm_insee, resources.communes), settings, Facts(), settings.formats)
        except Exception:  # noqa: BLE001 - only warming; the real task reports errors
            pass


def _uses_typst(resources: Resources, settings: BatchSettings) -> bool:
    if "pdf" not in settings.formats:
        return False
    from .writers.pdf import choose_engine

    return choose_engine(settings.writer_options.pdf_engine, resources) == "typst"


def _warm_without_typst(resources: Resources, settings: BatchSettings, task: Task) -> None:
    """Render one commune's other formats (not written), so that the library, the
    templates and the writers' skeletons are warm in the workers forked next."""
    from .communes import get

    others = tuple(f for f in settings.formats if f != "pdf")
    try:
        commune = get(task.insee)
        if others:
            render_commune(resources, commune, settings, task.facts or Facts(), others)
        else:
            api.compose(request_for(commune, settings, task.facts or Facts(), ()), resources)
    except Exception:  # noqa: BLE001 - only warming; the task itself reports its errors
        pass


def _edited(path: Path, recorded: str | None) -> OutputError:
    if recorded:
        return OutputError(f"{path} was changed since motions wrote it (edited by hand?); it is left untouched. "
                           "Rename it to keep your edits, or use --force to replace it.")
    return OutputError(f"{path} exists and was not written by motions (or its manifest was removed); it is left "
                       "untouched. Use --force to replace it, or choose another folder with -o DIR.")


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OutputError(f"{path}: cannot be read ({exc.strerror}); it is left untouched.") from None


def _record(data: bytes, digest: str, insee: str, motion_id: str) -> dict:
    """A file's manifest record: the same in the journal and in the manifest."""
    return {"sha256": sha256(data), "size": len(data), "inputs": digest, "commune": insee, "motion": motion_id}


def _write_journalled(path: Path, data: bytes, record: dict) -> None:
    """Journal the file's record, then write it atomically: if the batch dies
    before its manifest is saved, the next run records the file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with folder_lock(path.parent, shared=True):
            append_intents(path.parent, [dict(record, name=path.name)])
    except OSError as exc:
        from .output import _explain_oserror

        raise _explain_oserror(path, exc) from None
    atomic_write(path, data)


def run_task(task: Task) -> tuple:
    """Render one commune and write its stale outputs. Returns
    ``(insee, [(name, fmt, size, sha256, inputs, status)], warnings, error)``
    where error is None or ``(class name, exit code, message)``.

    A file edited since motions wrote it (its hash is not the recorded one) is
    never replaced, unless ``force``, and is not even rendered; a file without a
    record is replaced only by identical bytes (left from a run interrupted
    before its manifest was saved), which are then recorded, not rewritten."""
    from .communes import get

    _check_parent()
    resources, settings = _WORKER["resources"], _WORKER["settings"]
    files_out: list[tuple] = []
    try:
        commune = get(task.insee, resources.communes)
        folder = Path(task.folder)
        refused = None
        wanted = []
        for fmt, digest, recorded_set in zip(task.formats, task.hashes, task.recorded):
            names = api.output_names(commune, settings.motion_id, fmt, settings.dossier)
            for name, recorded in zip(names, recorded_set):
                path = folder / name
                old = _read(path)
                if old is not None and not settings.force and recorded and sha256(old) != recorded:
                    refused = refused or _edited(path, recorded)
                    continue
                wanted.append((fmt, digest, recorded, path, old))
        warnings: list[str] = []
        if wanted:
            files, warnings = render_commune(resources, commune, settings, task.facts or Facts(),
                                             tuple(dict.fromkeys(w[0] for w in wanted)))
        for fmt, digest, recorded, path, old in wanted:
            data = files[path.name]
            if old == data:
                status = "unchanged"
            elif old is None or settings.force or recorded:
                _write_journalled(path, data, _record(data, digest, task.insee, settings.motion_id))
                status = "written"
            else:  # an output of the same name that motions has no record of
                refused = refused or _edited(path, None)
                continue
            files_out.append((path.name, fmt, len(data), sha256(data), digest, status))
        if refused is not None:
            raise refused
        return task.insee, files_out, warnings, None
    except MotionsError as exc:
        return task.insee, files_out, [], (type(exc).__name__, exc.exit_code, exc.format_message())
    except Exception as exc:  # noqa: BLE001 - isolated per commune, reported as a bug
        return task.insee, files_out, [], ("InternalError", 70, f"internal error ({type(exc).__name__}: {exc}); "
                                           "this is a bug in motions, please report it")


# --------------------------------------------------------------------------- the run (in the parent)


class NullProgress:
    """The progress interface: ``update(n)`` after each commune."""

    def __init__(self, total: int):
        self.total = total

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n: int = 1) -> None:
        pass


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


class _Collector:
    """Turns worker results into manifest records, index rows and counts; saves
    the changed manifests every few seconds, and a folder's last one as soon as
    its last commune is done."""

    def __init__(self, p: _Plan, settings: BatchSettings, report: BatchReport):
        self.p, self.settings, self.report = p, settings, report
        self.by_path = {str(f.path): f for f in p.folders.values()}
        self.last_save = time.monotonic()
        self.warnings: dict[str, None] = {}

    def add(self, task: Task, result: tuple) -> None:
        insee, files, warnings, error = result
        folder = self.by_path[task.folder]
        dep = folder.path.name
        for name, fmt, size, sha, digest, status in files:
            folder.manifest.set(name, {"sha256": sha, "size": size, "inputs": digest,
                                       "commune": insee, "motion": self.settings.motion_id})
            folder.dirty = True
            rel = f"{dep}/{name}"
            self.p.rows[rel] = _row(insee, self.p.labels, self.settings.motion_id, fmt, rel, sha, size, digest)
            if status == "written":
                self.report.files_written += 1
            else:
                self.report.files_unchanged += 1
        for w in warnings:
            self.warnings.setdefault(w, None)
        if error is not None:
            kind, code, message = error
            name, dep_code = self.p.labels.get(insee, (insee, ""))
            self.report.failures.append(Failure(insee, f"{insee} {name} ({dep_code})", kind, code, message))
        else:
            self.report.communes_done += 1
        folder.pending -= 1
        if folder.pending == 0:
            self._finish(folder)
        elif time.monotonic() - self.last_save > SAVE_EVERY:
            self.save_all()

    def _finish(self, folder: _Folder) -> None:
        """A folder's last commune is done: save its manifest and empty its
        journal, under one lock (every line of it is now recorded)."""
        if not folder.path.is_dir():
            return
        with folder_lock(folder.path):
            if folder.dirty:
                folder.manifest.save(locked=True)
                folder.dirty = False
            clear_journal(folder.path)

    def _save(self, folder: _Folder) -> None:
        folder.manifest.save()
        folder.dirty = False

    def save_all(self) -> None:
        for folder in self.p.folders.values():
            if folder.dirty:
                self._save(folder)
        self.last_save = time.monotonic()


def run_batch(resources: Resources, communes: list, settings: BatchSettings, progress=NullProgress) -> BatchReport:
    """Bring every output of ``communes`` up to date; see the module docstring."""
    from .output import remove_stale_parts

    started = time.perf_counter()
    report = BatchReport(selected=len(communes))
    p = plan(resources, communes, settings)
    report.files_current, report.communes_current = p.current_files, p.current_communes
    report.failures.extend(p.failures)
    collector = _Collector(p, settings, report)
    for w in p.warnings:
        collector.warnings.setdefault(w, None)
    jobs = settings.jobs or default_jobs()
    report.jobs = min(jobs, max(1, len(p.tasks)))
    report.tasks = len(p.tasks)
    if p.tasks:
        for folder in p.folders.values():
            if folder.pending:
                remove_stale_parts(folder.path)
        render_started = time.perf_counter()
        try:
            with progress(len(p.tasks)) as bar, _sigterm_as_interrupt():
                _render(resources, settings, p.tasks, collector, bar, jobs, report)
        finally:
            collector.save_all()
            report.render_elapsed = time.perf_counter() - render_started
    report.warnings = list(collector.warnings)
    report.index_csv, report.index_json = write_index(Path(settings.out_dir), p.rows, report.failures)
    report.elapsed = time.perf_counter() - started
    return report


class _sigterm_as_interrupt:
    """While rendering, SIGTERM raises :class:`Terminated` in the main thread,
    which stops the batch as Ctrl-C does. Only from the main thread (signal
    handlers can't be set elsewhere); the previous handler is put back."""

    def __enter__(self):
        import threading

        self.previous = None
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGTERM, self._raise)
        return self

    @staticmethod
    def _raise(signum, frame):
        raise Terminated()

    def __exit__(self, *exc):
        if self.previous is not None:
            signal.signal(signal.SIGTERM, self.previous)
        return False


def _render(resources: Resources, settings: BatchSettings, tasks: list[Task], collector: _Collector, bar, jobs: int,
            report: BatchReport) -> None:
    _WORKER.update(resources=resources, settings=settings)
    queue = list(reversed(tasks))  # pop() from the end: INSEE order
    method = settings.start_method or ("fork" if sys.platform.startswith("linux") else "spawn")
    started = time.perf_counter()
    if jobs > 1 and len(queue) > 1 and method == "fork" and _uses_typst(resources, settings):
        # Typst starts threads at its first compile, and a process forked from one that
        # has them hangs: warm every other cache here, and let each worker start Typst.
        _warm_without_typst(resources, settings, queue[-1])
    else:
        # The first document is written here: it warms every cache, which forked workers inherit.
        first = queue.pop()
        collector.add(first, run_task(first))
        bar.update(1)
    report.first_elapsed = time.perf_counter() - started
    if not queue:
        return
    if jobs <= 1:
        while queue:
            task = queue.pop()
            collector.add(task, run_task(task))
            bar.update(1)
        return
    import multiprocessing

    context = multiprocessing.get_context(method)
    warm = None if method == "fork" else queue[-1].insee
    if method == "fork":
        import gc

        gc.freeze()  # the warm heap, shared with the forked workers: their collections leave it alone
    while queue:
        # One pool renders at most jobs × recycle_after communes, then its workers
        # exit and fresh ones are forked: their memory stays flat (RECYCLE_AFTER).
        executor = ProcessPoolExecutor(max_workers=min(jobs, len(queue)), mp_context=context, initializer=_init_worker,
                                       initargs=(resources, settings, warm, os.getpid()))
        budget = max(1, settings.recycle_after) * min(jobs, len(queue))
        in_flight: dict = {}
        try:
            while (queue and budget) or in_flight:
                while queue and budget and len(in_flight) < 2 * jobs:  # a short queue: bounded memory, prompt Ctrl-C
                    task = queue.pop()
                    budget -= 1
                    in_flight[executor.submit(run_task, task)] = task
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    task = in_flight.pop(future)
                    try:
                        result = future.result()
                    except BrokenProcessPool:
                        raise
                    except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be sent back
                        result = (task.insee, [], [], ("InternalError", 70, f"internal error ({type(exc).__name__}: {exc})"))
                    collector.add(task, result)
                    bar.update(1)
        except BrokenProcessPool:
            # A worker died (killed, out of memory, a crash in a C library): the communes
            # it held fail, and the batch goes on with a new pool.
            for future, task in in_flight.items():
                if future.done() and not future.cancelled() and future.exception() is None:
                    collector.add(task, future.result())
                else:
                    collector.add(task, (task.insee, [], [], (
                        "WorkerDied", 70, "the worker process rendering it died (out of memory? killed?); run the "
                        "batch again to retry it")))
                bar.update(1)
            in_flight.clear()
        except KeyboardInterrupt:
            # Stop handing out work, let the workers finish the documents they hold, record them.
            for future, task in in_flight.items():
                if future.cancel():
                    continue
                try:
                    collector.add(task, future.result())
                except BaseException:  # noqa: BLE001 - a second Ctrl-C, or a dead worker
                    break
            raise
        finally:
            executor.shutdown(wait=True, cancel_futures=True)
            import gc

            gc.collect()  # the pool's threads, queues and pipes hold cycles


# --------------------------------------------------------------------------- the index


def write_index(out_dir: Path, rows: dict[str, tuple], failures: list[Failure]) -> tuple[Path, Path]:
    """``index.csv`` and ``index.json`` beside the outputs: every output of this
    run, plus those of earlier runs into the same folder whose files still exist.
    Written atomically, and only when their content changes."""
    merged = dict(rows)
    for rel, item in _previous_outputs(out_dir / INDEX_JSON, skip=merged):
        try:
            if (out_dir / rel).is_file():
                merged[rel] = tuple(item.get(k, "") for k in INDEX_FIELDS)
        except (AttributeError, TypeError, ValueError, OSError):
            continue
    ordered = [merged[k] for k in sorted(merged)]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(INDEX_FIELDS)
    writer.writerows(ordered)
    encode = json.JSONEncoder(ensure_ascii=False).encode
    lines = [encode(dict(zip(INDEX_FIELDS, row))) for row in ordered]
    fails = [encode({"insee": f.insee, "commune": f.label, "error": f.error, "exit_code": f.exit_code,
                     "message": f.message}) for f in sorted(failures, key=lambda f: f.insee)]
    text = (_INDEX_HEAD + ",\n  ".join(lines) + "\n ],\n"
            ' "failures": [\n  ' + ",\n  ".join(fails) + "\n ]\n}\n")
    paths = (out_dir / INDEX_CSV, out_dir / INDEX_JSON)
    for path, content in zip(paths, (buf.getvalue().encode("utf-8"), text.encode("utf-8"))):
        try:
            if path.stat().st_size == len(content) and path.read_bytes() == content:
                continue
        except OSError:
            pass
        atomic_write(path, content)
    return paths


_INDEX_HEAD = '{"generator": "motions",\n "outputs": [\n  '
_INDEX_PATH = re.compile(r'"path": ("(?:[^"\\]|\\.)*")')


def _previous_outputs(path: Path, skip: dict):
    """The outputs an earlier index lists, as (path, record), except those in ``skip``.
    Our own index has one output per line, so a line whose path is in ``skip`` is
    not even parsed (a re-run of all France would otherwise parse 70,000 records
    for nothing); any other layout is parsed whole."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return
    if text.startswith(_INDEX_HEAD):
        for line in text[len(_INDEX_HEAD) - 2:].split("\n"):
            line = line.strip().rstrip(",")
            if not line.startswith("{"):
                if line.startswith("]"):
                    return
                continue
            m = _INDEX_PATH.search(line)
            try:
                if m and json.loads(m.group(1)) in skip:
                    continue
                item = json.loads(line)
                yield item["path"], item
            except (ValueError, KeyError, TypeError):
                continue
        return
    try:
        items = json.loads(text).get("outputs", [])
    except (ValueError, AttributeError):
        return
    for item in items if isinstance(items, list) else []:
        try:
            if item["path"] not in skip:
                yield item["path"], item
        except (KeyError, TypeError):
            continue


__all__ = ["BatchSettings", "BatchReport", "BatchFailed", "Failure", "Task", "Terminated", "select_communes", "plan",
           "run_batch", "run_task", "render_commune", "failure_lines", "write_index", "default_jobs", "MANIFEST",
           "INDEX_CSV", "INDEX_JSON"]

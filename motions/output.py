"""Writing outputs without ever losing anything.

Every file is written to a temporary file in the same folder, flushed, then
renamed over the target: an interrupted run (Ctrl-C, SIGKILL, a full disk)
leaves either the old file or the new one, never half of one. A manifest
(``.motions-manifest.json``) beside the outputs records the hash of what
motions last wrote; a file whose content differs from that record was edited by
someone, and is not overwritten without ``force``.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import OutputError

MANIFEST = ".motions-manifest.json"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def _explain_oserror(path: Path, exc: OSError) -> OutputError:
    if exc.errno == errno.ENOSPC:
        return OutputError(f"{path}: the disk is full; free some space and run again (nothing was written).")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputError(f"{path.parent}: this folder is not writable; choose another with -o DIR.")
    if exc.errno == errno.ENOTDIR:
        return OutputError(f"{path.parent}: is not a folder; choose another output folder with -o DIR.")
    return OutputError(f"{path}: cannot be written ({exc.strerror}); check the folder, or choose another with -o DIR.")


def _discard(tmp: str | None) -> None:
    """Remove a temporary file that was not renamed into place (if any)."""
    if tmp is not None:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _write_temporary(path: Path, data: bytes) -> str:
    """Write ``data`` to a new temporary file beside ``path``, flushed to disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temporary file, fsync, rename)."""
    path = Path(path)
    tmp = None
    try:
        tmp = _write_temporary(path, data)
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise _explain_oserror(path, exc) from None
    finally:
        _discard(tmp)


STALE_SECONDS = 120


def remove_stale_parts(folder: Path) -> None:
    """Remove temporary files left by a run that was killed (SIGKILL cannot clean
    up). Only old ones: a parallel worker may be writing a fresh one right now."""
    import time

    if not folder.is_dir():
        return
    now = time.time()
    for part in folder.glob(".*.part"):
        try:
            if now - part.stat().st_mtime > STALE_SECONDS:
                part.unlink()
        except OSError:
            pass


def create_new(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file ``path``, atomically, failing if it exists.

    The content goes to a temporary file first, then is linked into place:
    ``link`` fails when the target exists, so there is never a half-written
    file and never an overwrite (for files the user will edit: facts, arguments).
    """
    path = Path(path)
    exists = OutputError(f"{path} already exists; motions never overwrites a file you may have edited. "
                         "Choose another name, or edit the file you have.")
    if path.exists():
        raise exists
    tmp = None
    try:
        tmp = _write_temporary(path, data)
        try:
            os.link(tmp, path)
        except OSError as exc:
            if exc.errno == errno.EEXIST:
                raise exists from None
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                raise
            with open(path, "xb") as fh:  # no hard links here: exclusive create instead
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
    except FileExistsError:
        raise exists from None
    except OSError as exc:
        raise _explain_oserror(path, exc) from None
    finally:
        _discard(tmp)


def is_inside(path: Path, folder: Path) -> bool:
    """Is ``path`` inside ``folder`` (after resolving links and ``..``)?"""
    try:
        Path(path).resolve().relative_to(Path(folder).resolve())
        return True
    except ValueError:
        return False


@dataclass
class Manifest:
    """What motions wrote in one output folder: file name -> record."""

    folder: Path
    entries: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        path = Path(folder) / MANIFEST
        if not path.is_file():
            return cls(Path(folder))
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            entries = data.get("files", {}) if isinstance(data, dict) else {}
        except (OSError, ValueError):
            entries = {}
        return cls(Path(folder), entries)

    def save(self) -> None:
        payload = {"generator": "motions", "files": dict(sorted(self.entries.items()))}
        atomic_write(self.folder / MANIFEST, (json.dumps(payload, ensure_ascii=False, indent=1) + "\n").encode())

    def check_overwrite(self, path: Path, force: bool) -> None:
        """Refuse to replace a file the user changed since motions wrote it."""
        if force or not path.exists():
            return
        record = self.entries.get(path.name)
        if record is None:
            raise OutputError(
                f"{path} exists and was not written by motions (or its manifest was removed); "
                "it is left untouched. Use --force to replace it, or choose another folder with -o DIR."
            )
        if file_sha256(path) != record.get("sha256"):
            raise OutputError(
                f"{path} was changed since motions wrote it (edited by hand?); it is left untouched. "
                "Rename it to keep your edits, or use --force to replace it."
            )

    def is_current(self, path: Path, inputs_hash: str) -> bool:
        """Is ``path`` what motions wrote for exactly these inputs? (batch skips it)"""
        record = self.entries.get(path.name)
        return bool(record) and record.get("inputs") == inputs_hash and path.exists() and (
            os.path.getsize(path) == record.get("size")
        )

    def record(self, path: Path, data: bytes, inputs_hash: str = "", **extra) -> None:
        self.entries[path.name] = {"sha256": sha256(data), "size": len(data), "inputs": inputs_hash, **extra}


def write_outputs(folder: Path, files: dict[str, bytes], *, force: bool = False, inputs_hash: str = "",
                  extra: dict | None = None) -> list[Path]:
    """Write several outputs into ``folder``: check every target first, then write."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: is a file, not a folder; choose another output folder with -o DIR.")
    remove_stale_parts(folder)
    manifest = Manifest.load(folder)
    targets = {name: folder / name for name in files}
    for path in targets.values():
        manifest.check_overwrite(path, force)
    written = []
    for name, data in files.items():
        atomic_write(targets[name], data)
        manifest.record(targets[name], data, inputs_hash, **(extra or {}))
        written.append(targets[name])
    manifest.save()
    return written

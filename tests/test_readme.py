"""Every ``motions …`` example of README.md runs as written.

The shell code blocks (```sh, ```bash, ```shell, ```console) are read from the
README, nothing is hard-coded: a line is a command when it starts with
``motions`` (after an optional ``$ ``), backslash continuations joined. The
commands run in order, through bash, in one scratch folder that holds a copy
of ``docs/`` (so that ``docs/examples/…`` paths work as from the repository's
root), with the venv's ``motions`` first on PATH; ``cd DIR`` lines move the
scratch shell, as a reader's would.

Each must exit 0, or with the code its comment promises in so many words
(``# exits 8: …``; a comment that only describes a code, « problems with
file:line (exit 8) », promises nothing for this line).
Not run: ``motions serve`` (it blocks), and lines whose comment says they need
the network or an editor, or are long (``network``, ``editor``, ``long``,
``not run by the tests``): e.g. ``motions batch --all  # all 34,969 communes
(long)``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SHELL_FENCE = re.compile(r"^(\s*)```(?:sh|bash|shell|console)\s*$")
SKIP_NOTE = re.compile(r"\b(network|editor|long|not run by the tests)\b", re.I)
EXIT_NOTE = re.compile(r"\bexits (\d+)\b", re.I)


def _comment(line: str) -> tuple[str, str]:
    """(command, trailing comment): a # outside quotes, after a space."""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip(), line[i + 1:].strip()
    return line.rstrip(), ""


def readme_commands(text: str) -> list[tuple[int, str, str]]:
    """(line number, command, comment) of every shell line of the README, in order."""
    out = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        fence = SHELL_FENCE.match(lines[i])
        i += 1
        if not fence:
            continue
        while i < len(lines) and not lines[i].strip().startswith("```"):
            start = i
            line = lines[i].strip()
            while line.endswith("\\") and i + 1 < len(lines):
                i += 1
                line = line[:-1].rstrip() + " " + lines[i].strip()
            i += 1
            line = line.removeprefix("$ ")
            command, comment = _comment(line)
            if command.startswith(("motions ", "cd ")) or command == "motions":
                out.append((start + 1, command, comment))
        i += 1
    return out


COMMANDS = readme_commands(README.read_text(encoding="utf-8")) if README.is_file() else []


def test_the_readme_has_examples_to_run():
    assert sum(1 for _, c, _ in COMMANDS if c.startswith("motions")) >= 10


@pytest.fixture(scope="module")
def shell(tmp_path_factory):
    """The reader's terminal: a scratch folder, the venv's motions on PATH, a HOME of its own."""
    scratch = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "docs", scratch / "docs")
    bindir = Path(sys.executable).parent
    if not (bindir / "motions").exists():
        pytest.skip("the venv has no `motions` script: install the package (pip install -e .)")
    env = {k: v for k, v in os.environ.items() if k not in ("MOTIONS_LIBRARY", "EDITOR", "VISUAL")}
    env.update(PATH=f"{bindir}{os.pathsep}{env.get('PATH', '')}", HOME=str(scratch / "home"),
               MOTIONS_NO_CACHE="1")
    return {"cwd": scratch, "env": env, "root": scratch}


@pytest.mark.slow  # every example, some of them whole batches: minutes
@pytest.mark.parametrize("lineno,command,comment", COMMANDS, ids=[f"L{n}: {c[:60]}" for n, c, _ in COMMANDS])
def test_readme_example_runs_as_written(shell, lineno, command, comment):
    if command.startswith("cd "):
        target = (shell["cwd"] / command[3:].strip().strip("\"'")).resolve()
        assert target.is_dir(), f"README line {lineno}: `{command}`: no such folder after the lines above"
        shell["cwd"] = target
        return
    if command.startswith("motions serve") or SKIP_NOTE.search(comment):
        pytest.skip(f"not run: {comment or 'motions serve blocks'}")
    promised = EXIT_NOTE.search(comment)
    expected = int(promised.group(1)) if promised else 0
    proc = subprocess.run(["bash", "-c", command], cwd=shell["cwd"], env=shell["env"], capture_output=True,
                          text=True, timeout=600, stdin=subprocess.DEVNULL)
    output = proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr, output
    assert proc.returncode == expected, f"README line {lineno}: `{command}` exited {proc.returncode}:\n{output}"

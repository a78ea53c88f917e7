"""The architecture's promises, checked on the source (issue 11, docs/architecture.md).

- No module-level cache: what is expensive to build lives on a
  ``Resources`` (or on the object it belongs to), never in a module.
- No monkeypatching of other modules, no ``global`` rebinding.
- Nothing written in the user's home but the documented XDG cache, which
  ``MOTIONS_NO_CACHE`` turns off.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from helpers import run

PACKAGE = Path(__file__).resolve().parent.parent / "motions"

#: Module-level state that is not a cache, with the reason it may exist.
ALLOWED_STATE = {
    ("batch.py", "_WORKER"): "a worker process's own resources, set once by the pool initializer",
}


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def _decorator_name(node) -> str:
    target = node.func if isinstance(node, ast.Call) else node
    if isinstance(target, ast.Attribute):
        return target.attr
    return target.id if isinstance(target, ast.Name) else ""


def test_no_function_is_memoised_at_module_level():
    found = []
    for path, tree in modules():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for deco in node.decorator_list:
                    if _decorator_name(deco) in ("lru_cache", "cache", "cached_property_module"):
                        found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name}")
    assert not found, "module-level caches (keep them on Resources): " + ", ".join(found)


def test_no_global_rebinding_and_no_globals_writes():
    found = []
    for path, tree in modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Global):
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} global {', '.join(node.names)}")
            if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store) \
                    and isinstance(node.value, ast.Call) and _decorator_name(node.value) == "globals":
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} globals()[...] =")
    assert not found, found


def test_module_level_mutable_state_is_declared():
    """A module-level dict, list or set that code fills at run time is a hidden
    cache; constants are fine (never written after import)."""
    found = []
    for path, tree in modules():
        mutable = {}
        for node in tree.body:
            if isinstance(node, (ast.Assign, ast.AnnAssign)):
                value = node.value
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if isinstance(value, (ast.Dict, ast.List, ast.Set)) or (
                        isinstance(value, ast.Call) and _decorator_name(value) in ("dict", "list", "set",
                                                                                 "defaultdict", "OrderedDict")):
                    for t in targets:
                        if isinstance(t, ast.Name):
                            mutable[t.id] = node.lineno
        inside = [n for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                  for n in ast.walk(f)]  # writes while the module is imported build constants
        for node in inside:
            name = None
            if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store) and isinstance(node.value, ast.Name):
                name = node.value.id
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in ("append", "update", "setdefault", "add", "extend", "pop", "clear") \
                    and isinstance(node.func.value, ast.Name):
                name = node.func.value.id
            if name in mutable and (path.name, name) not in ALLOWED_STATE:
                if _is_local_shadow(tree, node, name):
                    continue
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} writes module-level {name}")
    assert not found, found


def _is_local_shadow(tree, target, name) -> bool:
    """Is ``name`` at ``target`` a local variable of the enclosing function?"""
    for func in ast.walk(tree):
        if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)) and func.lineno <= target.lineno <= (
                func.end_lineno or func.lineno):
            for node in ast.walk(func):
                if isinstance(node, (ast.Assign, ast.AnnAssign, ast.For, ast.With)):
                    targets = node.targets if isinstance(node, ast.Assign) else [
                        getattr(node, "target", None)] if not isinstance(node, ast.With) else [
                        i.optional_vars for i in node.items]
                    if any(isinstance(t, ast.Name) and t.id == name for t in targets if t is not None):
                        return True
                if isinstance(node, ast.arg) and node.arg == name:
                    return True
    return False


def test_no_monkeypatching_of_other_modules():
    """``module.attr = value`` on an imported module rewrites someone else's
    code for the whole process (the old pdf writer patched ctypes this way)."""
    found = []
    for path, tree in modules():
        imported = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported.update((a.asname or a.name).split(".")[0] for a in node.names)
        for node in ast.walk(tree):
            if isinstance(node, (ast.Assign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for t in targets:
                    base = t
                    while isinstance(base, ast.Attribute):
                        base = base.value
                    if isinstance(t, ast.Attribute) and isinstance(base, ast.Name) and base.id in imported:
                        found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} assigns {ast.unparse(t)}")
    assert not found, found


@pytest.mark.slow
def test_a_run_writes_nothing_in_home_but_the_xdg_cache(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "XDG_CACHE_HOME": "", "MOTIONS_NO_CACHE": "1"}
    result = run("generate", "Villejuif", "--format", "docx,odt,pdf", "-o", tmp_path / "out", env=env, cwd=tmp_path)
    assert result.code == 0, result.err
    assert not any(home.rglob("*")), sorted(str(p) for p in home.rglob("*"))
    env.pop("MOTIONS_NO_CACHE")
    result = run("generate", "Villejuif", "--format", "docx", "-o", tmp_path / "out2", env=env, cwd=tmp_path)
    assert result.code == 0, result.err
    written = {p.relative_to(home).parts[:2] for p in home.rglob("*") if p.is_file()}
    assert written <= {(".cache", "motions")}, written

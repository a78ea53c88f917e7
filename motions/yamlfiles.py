"""Safe YAML loading that remembers where each key stands.

Errors in user files must name the file and line. PyYAML's node tree knows the
line of every key; :func:`load_with_lines` returns the data together with a map
from a key path (``("applies_when", "facts")``) to its 1-based line.
Only the safe loader is ever used: a YAML file can't build Python objects.

A YAML file may be hostile (a library circulates between collectives): aliases
that expand to more than ``limits.MAX_YAML_ALIAS_EXPANSION`` values (an "alias
bomb": 391 bytes, hundreds of millions of values) and recursive aliases are
refused before anything walks the data, naming the file; the line map visits
each node once, whatever the aliases.
"""

from __future__ import annotations

from pathlib import Path

import yaml

try:  # the C loader is 10x faster; fall back when libyaml is absent
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader


class YamlSyntaxError(ValueError):
    """Malformed YAML, with the file, line and column in the message."""


class YamlTooComplex(YamlSyntaxError):
    """YAML whose aliases expand beyond the bound, or refer to themselves."""


def _describe(path: Path | str, exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if mark is not None:
        return f"{path}:{mark.line + 1}:{mark.column + 1}: malformed YAML: {problem}"
    return f"{path}: malformed YAML: {problem}"


def load(text: str, path: Path | str):
    """Parse YAML safely; raise :class:`YamlSyntaxError` naming file:line:column,
    or :class:`YamlTooComplex` for an alias bomb or a recursive alias."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        check_aliases(node, path)
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(_describe(path, exc)) from exc
    finally:
        loader.dispose()


def _children(node) -> list:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return node.value
    return []


def check_aliases(root, path: Path | str) -> None:
    """Refuse a node graph whose aliases add more than the bound once expanded,
    or that contains itself. Linear in the number of distinct nodes: the
    expanded size of each node is computed once (post-order, no recursion)."""
    from .limits import MAX_YAML_ALIAS_EXPANSION, number

    size: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack = [(root, False)]
    while stack:
        node, closing = stack.pop()
        key = id(node)
        if closing:
            size[key] = 1 + sum(size[id(child)] for child in _children(node))
            open_nodes.discard(key)
            continue
        if key in size:
            continue
        if key in open_nodes:
            raise YamlTooComplex(
                f"{path}:{node.start_mark.line + 1}: refused: a YAML alias refers to the value that contains it "
                "(a recursive alias); write the value out instead."
            )
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in size)
    added = size[id(root)] - len(size)
    if added > MAX_YAML_ALIAS_EXPANSION:
        raise YamlTooComplex(
            f"{path}: refused: its YAML aliases (*name) expand to {number(added)} more values, beyond the "
            f"{number(MAX_YAML_ALIAS_EXPANSION)} allowed (an « alias bomb »?); write the values out instead of "
            "repeating them with aliases."
        )


def line_map(text: str) -> dict[tuple, int]:
    """Map each key path of a YAML document to its 1-based line (best effort)."""
    try:
        root = yaml.compose(text, Loader=_Loader)  # the C composer: 25x faster, same marks
    except yaml.YAMLError:
        return {}
    lines: dict[tuple, int] = {}
    seen: set[int] = set()  # each node once: an alias is not followed again
    stack = [(root, ())] if root is not None else []
    while stack:
        node, path = stack.pop()
        lines.setdefault(path, node.start_mark.line + 1)
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                sub = path + (key.value,) if isinstance(key, yaml.ScalarNode) else path + (None,)
                lines[sub] = key.start_mark.line + 1
                stack.append((value, sub))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, path + (i,)) for i, item in enumerate(node.value))
    return lines


def line_of(lines: dict[tuple, int], path: tuple) -> int:
    """The line of ``path`` or of its nearest known ancestor."""
    path = tuple(path)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get((), 1)

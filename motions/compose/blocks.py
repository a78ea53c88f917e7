"""Rendered template text -> raw blocks, before inline parsing.

A template block renders to plain text in a small Markdown subset: paragraphs
separated by blank lines; a paragraph whose lines all start with ``- `` is a
list; a line ``## Heading`` opens a section (``###`` a subsection). A paragraph
may start with attributes in braces, ``{: to=epci}`` (kramdown's syntax),
which compose reads (an article's addressee, a paragraph's role). Values
inserted with ``{{ }}`` are folded onto one line by the template environment,
so an inserted value can never open a paragraph, a list or a heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_BLANK = re.compile(r"\n[ \t]*\n")
_ATTRS = re.compile(r"^\{:\s*(?P<body>[^{}]*)\}\s*")
_ATTR = re.compile(r"(?P<key>[a-z][a-z_-]*)=(?P<value>\"[^\"]*\"|[^\s\"]+)")
_HEADING = re.compile(r"^(?P<hashes>#{2,4})\s+(?P<text>.+?)\s*#*\s*$")


@dataclass(frozen=True)
class RawParagraph:
    text: str
    attrs: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RawList:
    items: tuple[str, ...]
    attrs: dict = field(default_factory=dict)
    ordered: bool = False


@dataclass(frozen=True)
class RawHeading:
    level: int  # 2 for "##"
    text: str


RawBlock = RawParagraph | RawList | RawHeading


class BlockSyntaxError(ValueError):
    """Malformed attributes in a rendered block."""


def raw_blocks(rendered: str | None, where: str = "") -> list[RawBlock]:
    """Split the text a template block rendered into raw blocks."""
    if not rendered:
        return []
    out: list[RawBlock] = []
    for chunk in _BLANK.split(rendered):
        lines = [line.strip() for line in chunk.strip().splitlines() if line.strip()]
        if not lines:
            continue
        while lines and _HEADING.match(lines[0]):
            m = _HEADING.match(lines.pop(0))
            out.append(RawHeading(len(m.group("hashes")), m.group("text")))
        if not lines:
            continue
        attrs, lines[0] = _attributes(lines[0], where)
        if not lines[0]:
            lines.pop(0)
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            items = tuple(" ".join(line[2:].split()) for line in lines)
            if out and isinstance(out[-1], RawList) and not out[-1].ordered and not attrs:
                out[-1] = RawList(out[-1].items + items, out[-1].attrs)  # a loop's items, one per chunk
            else:
                out.append(RawList(items, attrs))
        elif all(re.match(r"^\d+\.\s", line) for line in lines):
            out.append(RawList(tuple(" ".join(line.split(".", 1)[1].split()) for line in lines), attrs, True))
        else:
            out.append(RawParagraph(" ".join(" ".join(lines).split()), attrs))
    return out


def _attributes(line: str, where: str) -> tuple[dict, str]:
    m = _ATTRS.match(line)
    if not m:
        return {}, line
    body = m.group("body").strip()
    attrs = {}
    pos = 0
    for a in _ATTR.finditer(body):
        if body[pos:a.start()].strip():
            break
        attrs[a.group("key")] = a.group("value").strip('"')
        pos = a.end()
    if body[pos:].strip():
        raise BlockSyntaxError(
            f"{where}: cannot read the attributes {{: {body}}}; write them as key=value pairs, e.g. {{: to=epci}}"
        )
    return attrs, line[m.end():]

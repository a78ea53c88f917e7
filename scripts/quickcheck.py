"""Interim check of argument files and sources (until `motions arguments check` lands).

usage: python scripts/quickcheck.py [arguments-dir]
"""
import pathlib
import sys

import yaml

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from motions.schema import SHORT_MAX_CHARS, Argument, iter_citations, strip_citations, word_count  # noqa: E402

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "arguments")
themes = set(yaml.safe_load((root / "themes.yaml").read_text()))
keys = {}
for f in sorted((root / "sources").glob("*.yaml")):
    for item in yaml.safe_load(f.read_text()) or []:
        if item["id"] in keys:
            print(f"{f}: duplicate source key {item['id']} (also in {keys[item['id']]})")
        keys[item["id"]] = f.name
ids, problems, used = set(), 0, set()
for f in sorted(root.rglob("*.yaml")):
    if f.parent.name == "sources" or f.name == "themes.yaml":
        continue
    try:
        a = Argument.model_validate(yaml.safe_load(f.read_text()))
    except Exception as e:  # noqa: BLE001
        print(f"{f}: {e}"); problems += 1; continue
    msgs = []
    if a.id in ids: msgs.append("duplicate id")
    ids.add(a.id)
    if f.stem != a.id: msgs.append("file name differs from id")
    if set(a.themes) - themes: msgs.append(f"unknown themes {set(a.themes) - themes}")
    if len(strip_citations(a.short)) > SHORT_MAX_CHARS: msgs.append(f"short form {len(strip_citations(a.short))} chars")
    if not a.considerant.startswith("Considérant que"): msgs.append("considerant must begin with 'Considérant que'")
    if not 60 <= word_count(a.paragraph) <= 200: msgs.append(f"paragraph has {word_count(a.paragraph)} words")
    for form in (a.short, a.considerant, a.paragraph):
        cites = list(iter_citations(form))
        for k, loc in cites:
            used.add(k)
            if k not in keys: msgs.append(f"unknown source key {k}")
        if "«" in form and not cites: msgs.append("quotation without a citation in the same form")
    if not any(True for form in (a.considerant, a.paragraph) for _ in iter_citations(form)): msgs.append("no citation at all")
    for m in msgs:
        print(f"{f}: {m}"); problems += 1
print(f"{len(ids)} arguments, {len(keys)} sources, {len(set(keys) - used)} unused sources, {problems} problems")

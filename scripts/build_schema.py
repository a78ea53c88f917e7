"""Build schema/argument.schema.json: the JSON Schema of argument files.

It is generated from the pydantic models that validate the files when the
library loads (motions/schema.py), so an editor's completion and the loader can
never disagree; tests/test_arguments_cli.py fails when the shipped file is stale.
Argument files point at it with their first line:
``# yaml-language-server: $schema=../../schema/argument.schema.json``.

usage: python scripts/build_schema.py [OUT]   (default schema/argument.schema.json)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from motions.output import atomic_write  # noqa: E402
from motions.scaffold import schema_text  # noqa: E402


def main(argv: list[str]) -> None:
    out = Path(argv[0]) if argv else ROOT / "schema" / "argument.schema.json"
    atomic_write(out, schema_text().encode("utf-8"))
    print(out)


if __name__ == "__main__":
    main(sys.argv[1:])

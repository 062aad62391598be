"""Write the data dictionary to docs/data_dictionary.md, or with --check fail when the repo copy is stale.

Usage: python scripts/data_dictionary.py [--check]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipelines.publish.data_dictionary import REPO_COPY, STALE_MESSAGE, data_dictionary

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help=f"exit 1 when {REPO_COPY} differs from the generated text")
    args = parser.parse_args(argv)
    path = REPO / REPO_COPY
    text = data_dictionary()
    if args.check:
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != text:
            print(STALE_MESSAGE, file=sys.stderr)
            return 1
        print(f"{REPO_COPY} is up to date")
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {REPO_COPY}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

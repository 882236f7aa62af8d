"""``python -m cmanalytics.reporting.notebook_check notebooks``: committed notebooks carry no outputs.

Outputs belong to the reports (``make reports`` runs every notebook from a clean kernel); a notebook
committed with them would show stale numbers, bloat the history and could leak data. Every code cell must
have no outputs and no execution count (what ``nbstripout`` leaves). Exit 1 naming the cells otherwise.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def dirty_cells(path: Path) -> list[int]:
    """The 1-based numbers of the code cells that carry outputs or an execution count."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    return [
        k
        for k, cell in enumerate(nb.get("cells", []), start=1)
        if cell.get("cell_type") == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]


def main(argv=None) -> int:
    folders = [Path(a) for a in (sys.argv[1:] if argv is None else argv)] or [Path("notebooks")]
    bad = []
    for folder in folders:
        for path in sorted(folder.glob("*.ipynb")) if folder.is_dir() else [folder]:
            cells = dirty_cells(path)
            if cells:
                bad.append(f"{path}: cell(s) {', '.join(map(str, cells))} carry outputs (clear them, e.g. nbstripout)")
    for line in bad:
        print(f"notebook check: {line}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

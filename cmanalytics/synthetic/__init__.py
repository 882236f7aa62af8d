"""Synthetic data that behave like the published figures: the study's twin, the bank, a made-up survey.

Made up, seeded, and marked as such: NOT anyone's data.
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_ENV = "CMA_DATA_DIR"


def data_dir() -> Path:
    """The synthetic data folder: ``CMA_DATA_DIR`` when ``make reports`` sets it, else ``data/synthetic``
    of the repository (found from the working directory: the notebooks folder or the root)."""
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env)
    for base in (Path.cwd(), Path.cwd().parent):
        if (base / "data" / "synthetic").is_dir():
            return base / "data" / "synthetic"
    return Path("data/synthetic")

"""Where the shipped data lives. One place, so a teacher can point everything elsewhere."""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    """The data folder: $LESSONS_DATA if set, else the repository's `data/`."""
    return Path(os.environ.get("LESSONS_DATA", REPO_ROOT / "data"))

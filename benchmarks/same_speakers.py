"""Check that the attribution grammar gives the same output before and after a change: the
``speakers`` cases of ``same_output.py`` (one machinery; see there).

    .venv/bin/python benchmarks/same_speakers.py --save /tmp/before   # on the old code
    .venv/bin/python benchmarks/same_speakers.py --check /tmp/before  # on the new code
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import same_output  # noqa: E402

if __name__ == "__main__":
    sys.exit(same_output.main(["speakers", *sys.argv[1:]]))

"""Install the project's JupyterLab settings overrides (no news, no update checks).

    .venv/bin/python tools/lab_settings.py [--prefix PREFIX]   # default: this Python's sys.prefix

JupyterLab 4 asks "Would you like to get notified about official Jupyter news?"; answering
'Yes' makes the page fetch jupyter.org. A student's Lab should contact no other host, so
every Lab the project starts (`make lab`, `make setup`, Binder's `postBuild`) reads
`binder/lab-overrides.json` as its defaults: `fetchNews` is "false" (Never) and
`checkForUpdates` is false. JupyterLab reads overrides from
`PREFIX/share/jupyter/lab/settings/overrides.json`; keys already in that file for other
plugins are kept, ours replace the same keys.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "binder" / "lab-overrides.json"
MAX_BYTES = 1_000_000


def target(prefix: Path | str) -> Path:
    """Where JupyterLab (app dir PREFIX/share/jupyter/lab) reads its settings overrides."""
    return Path(prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"


def _read(path: Path) -> dict:
    if not path.exists():
        return {}
    if path.stat().st_size > MAX_BYTES:
        raise SystemExit(f"{path}: larger than {MAX_BYTES} bytes; not a settings file")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise SystemExit(f"{path}: not valid JSON ({exc}); fix or remove it") from None
    if not isinstance(data, dict):
        raise SystemExit(f"{path}: must hold a JSON object of plugin settings")
    return data


def merged(existing: dict, ours: dict) -> dict:
    """`existing` with each of our plugins' keys set to ours (other plugins and keys kept)."""
    out = {name: dict(values) if isinstance(values, dict) else values
           for name, values in existing.items()}
    for plugin, values in ours.items():
        current = out.get(plugin)
        out[plugin] = {**(current if isinstance(current, dict) else {}), **values}
    return out


def install(prefix: Path | str = sys.prefix, source: Path = SOURCE) -> Path:
    """Write the merged overrides under `prefix`; return the file written."""
    path = target(prefix)
    result = merged(_read(path), _read(source))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefix", default=sys.prefix, help="environment prefix (default: sys.prefix)")
    args = parser.parse_args(argv)
    print(f"JupyterLab settings overrides: {install(args.prefix)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

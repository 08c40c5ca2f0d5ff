"""Every public text function takes time linear in its input, on adversarial text (issue 12).

Runs of spaces, no-break spaces, quotation marks, apostrophes, digits, capitals, 'D's and
'"a" ' repeats, each at two sizes four times apart. No absolute time is asserted: the CPU time
of the larger input must be well under the square of the size ratio (16 for 4x): below 8x,
unless both calls are too short to measure (under FLOOR seconds). The inputs and functions are
the ones the benchmark report times at 100 KB (benchmarks/adversarial.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import adversarial  # noqa: E402

SMALL, RATIO = 2500, 4
FLOOR = 0.05  # seconds of CPU: below this a timing is mostly noise
LIMIT = 8.0   # linear growth gives about 4, quadratic 16


@pytest.mark.parametrize("name", sorted(adversarial.functions()))
def test_text_function_grows_linearly(name):
    fn = adversarial.functions()[name]
    fn("Warm-up: the ministry said 12 people were \u201ckilled\u201d.")
    slow = []
    for label, make in adversarial.INPUTS.items():
        small, big = make(SMALL), make(SMALL * RATIO)
        t_small = adversarial.seconds(fn, small)
        t_big = adversarial.seconds(fn, big)
        if t_big < FLOOR:
            continue
        ratio = t_big / max(t_small, FLOOR / RATIO)
        if ratio >= LIMIT:  # measure once more before blaming the function (a busy machine)
            t_small = min(t_small, adversarial.seconds(fn, small))
            t_big = min(t_big, adversarial.seconds(fn, big))
            ratio = t_big / max(t_small, FLOOR / RATIO)
            if t_big >= FLOOR and ratio >= LIMIT:
                slow.append(f"{label}: {t_small:.3f} s -> {t_big:.3f} s ({ratio:.1f}x for {RATIO}x the text)")
    assert not slow, f"{name} grows faster than linearly on: " + "; ".join(slow)


def test_the_check_catches_quadratic_growth():
    """The same measurement flags a function that is quadratic (so the test can fail)."""
    def quadratic(text):
        return sum(1 for i in range(0, len(text), 5) for _ in range(0, len(text), 50))

    t_small = adversarial.seconds(quadratic, "x" * 10000)
    t_big = adversarial.seconds(quadratic, "x" * 40000)
    assert t_big >= FLOOR and t_big / max(t_small, FLOOR / RATIO) >= LIMIT

"""The adversarial report measures linear baselines the same way as the functions (issue 20).

A pass linear by construction (re.findall, str.split, list) measured with the same ladder,
repeats and fit shows how far the measurement alone moves a growth exponent; the report says it
next to the functions' exponents, and the goal is judged on the functions only.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import adversarial  # noqa: E402
import run as bench_run  # noqa: E402


def test_baselines_are_measured_on_every_input_like_a_function(monkeypatch):
    monkeypatch.setattr(adversarial, "INPUTS", {k: adversarial.INPUTS[k] for k in ("spaces", "capitals", "invented words")})
    opts = dict(target=0.0005, min_top=1_000, max_top=8_000, steps=2, min_bottom=250, min_repeats=1, max_repeats=1)
    rows = adversarial.baselines(function_budget=0.0, **opts)
    assert {r["function"] for r in rows} == set(adversarial.BASELINES)
    assert len(rows) == len(adversarial.BASELINES) * len(adversarial.INPUTS)
    assert all(len(r["sizes"]) == len(r["cold_s"]) >= 2 and r["options"]["target"] == 0.0005 for r in rows)


def _row(function, k, top=1_024_000):
    sizes = [top // 8, top // 4, top // 2, top]
    times = [0.05 * (n / top) ** k for n in sizes]
    return {"function": function, "input": "capitals", "sizes": sizes, "cold_s": times, "warm_s": times,
            "cold_exponent": adversarial.fit_exponent(sizes, times), "exponent": adversarial.fit_exponent(sizes, times), "options": {"target": 0.05}}


def test_the_report_states_the_baselines_spread_and_keeps_them_out_of_the_goal():
    base = [_row("t.split()", 1.0), _row("list(t)", 1.25)]
    text = "\n".join(bench_run._render_adversarial_baselines(base))
    assert "1.00 to 1.25" in text and "`list(t)` 1.25" in text
    assert bench_run._render_adversarial_baselines([]) == []
    helpers = {"adversarial": [_row("corpus.sentences", 1.1)], "adversarial_baselines": base}
    goal = [g for g in bench_run.goals(helpers, {}) if g[0].startswith("text functions")][0]
    assert "corpus.sentences" in goal[1] and "1.10" in goal[1] and goal[2] != "n/a"

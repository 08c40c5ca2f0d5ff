"""What the claim charts draw."""

from __future__ import annotations

import pandas as pd


def claim_chart_frame(reports: pd.DataFrame) -> pd.DataFrame:
    """What a claim chart draws, one row per report and figure, with the unit on show:
    `claim, claim_label, report, value, unit_shown, figure` (+ `qualifier`, `source` and the
    figure's `sentence`, for the tooltip, if there).

    Durations come in days (``plot_value``); a claim whose figures are all under a day is
    drawn in hours (six hours is 6, not 0.25), one whose figures are all a year or more in
    years. Other units keep their name ('people'); no name means a plain count.
    """
    cols = ["claim", "claim_label", "report", "value", "unit_shown", "figure"]
    if reports.empty:
        return pd.DataFrame(columns=cols + ["qualifier", "source"])
    out = reports.assign(report=reports["label"] if "label" in reports else reports["article_id"],
                         figure=reports["text"], value=reports["plot_value"].astype(float))
    unit_name = out["unit_name"].fillna("").astype(str) if "unit_name" in out else pd.Series("", index=out.index)
    out["unit_shown"] = unit_name.replace({"": "count", "year": "years"})
    duration = out["unit"] == "duration"
    longest = out.groupby("claim")["value"].transform("max")
    shortest = out.groupby("claim")["value"].transform("min")
    hours = duration & (longest < 1)
    years = duration & (shortest >= 365)
    days = duration & ~hours & ~years
    out.loc[hours, "value"] = out.loc[hours, "value"] * 24
    out.loc[years, "value"] = out.loc[years, "value"] / 365.25
    out.loc[hours, "unit_shown"] = "hours"
    out.loc[years, "unit_shown"] = "years"
    out.loc[days, "unit_shown"] = "days"
    extra = [c for c in ("qualifier", "source", "sentence") if c in out.columns]
    return out[cols + extra].reset_index(drop=True)

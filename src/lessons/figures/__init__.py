"""Checking figures: find every number in a text, read its hedge and what it counts, and
reconcile what several sources say about the same thing.

``extract_figures(text)`` reads one text; ``figures_table(articles)`` reads every article and
adds the sentence, whether the figure is quoted, and who gave it; ``compare_figures(table)``
groups figures into claims (``data/figures/claims.yml``) and gives a verdict per claim.

Everything event-specific (claims, counting bodies) and every word list (hedges, units, vague
quantities, number words) is data in ``data/figures/``, loaded once and cached, so another
event or another text needs new data, not new code. Extraction is regular expressions
compiled once plus a little token logic around each match: no tagger, no model, no network.

The package, from the bottom up (each module imports only the ones above it):

=================  ===========================================================================
``watch``          has a data folder changed? (inotify watches: one ``poll`` a call)
``claims``         the data folder and its CSV reader; ``claims.yml``, ``counters.csv``;
                   ``load_claims``, ``assign_claim``
``grammar``        the word lists compiled into regular expressions; tokens; number parsers
``extraction``     ``extract_figures``: number, hedge, unit, what it counts, what happened
``sources``        ``attributions`` (who says it), ``counting_body`` (who counted)
``ledger``         ``figures_table``: every figure of every article, with sentence and source
``verdicts``       ``claim_reports``, ``compare_figures``, ``conservative_figure``
``charts``         ``claim_chart_frame``: what a claim chart draws
=================  ===========================================================================
"""

from __future__ import annotations

import sys
import types

from . import charts, claims, extraction, grammar, ledger, sources, verdicts, watch
from .charts import claim_chart_frame
from .claims import assign_claim, load_claims
from .extraction import FIGURE_COLUMNS, extract_figures
from .grammar import QUALIFIERS
from .ledger import TABLE_COLUMNS, figures_table
from .sources import attributions, counting_body
from .verdicts import COMPARE_COLUMNS, VERDICTS, claim_reports, compare_figures, conservative_figure

# Private names that tests and tools reach for as ``lessons.figures._x``.
_counters, _folder, _read_csv = claims._counters, claims._folder, claims._read_csv
_grammar, _source_for = grammar._grammar, sources._source_for
_FAST_ROWS, _figures_frame, _small_figures_frame = (
    extraction._FAST_ROWS, extraction._figures_frame, extraction._small_figures_frame)

__all__ = [
    "extract_figures", "figures_table", "compare_figures", "claim_reports", "conservative_figure",
    "attributions", "counting_body", "assign_claim", "load_claims", "claim_chart_frame",
    "FIGURE_COLUMNS", "TABLE_COLUMNS", "COMPARE_COLUMNS", "QUALIFIERS", "VERDICTS",
]

_MODULES = (watch, claims, grammar, extraction, sources, ledger, verdicts, charts)

# The public functions say they are ``lessons.figures``'s (as numpy does for its own): help()
# and the grader's helper cache (``lessons.grading``) look them up by that module name.
for _name in __all__:
    _obj = globals()[_name]
    if callable(_obj) and str(getattr(_obj, "__module__", "")).startswith(__name__ + "."):
        _obj.__module__ = __name__


class _Package(types.ModuleType):
    """Setting a name on ``lessons.figures`` sets it in every module of the package that holds
    it, so replacing a function here (``monkeypatch.setattr(figures, ...)`` in a test, the
    grader's cache) reaches the code that calls it, as it did when figures was one file."""

    def __setattr__(self, name: str, value) -> None:
        for module in _MODULES:
            if name in vars(module):
                setattr(module, name, value)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

"""One module per data file: its constants, its ``problems()`` and its ``load()``.

Each module below owns one kind of data file. ``problems(path)`` returns *every* problem in
the file (a ``Problem``: file, line or field, what is wrong, how to fix it); ``load(path)``
raises the first error as ``LessonsDataError`` and returns the data. The skill modules
(``corpus``, ``figures``, ``compare``, ``language``, ``exercises``) load through ``load()`` and
``lessons.check`` gathers ``problems()``, so the loaders and the checker apply the same rules.

=====================  ==========================================  =========================
module                 file                                        loaded by
=====================  ==========================================  =========================
``articles``           ``articles.yml`` and ``raw/``               ``corpus.load_articles``
``claims``             ``figures/claims.yml``                      ``figures.load_claims``
``counters``           ``figures/counters.csv``                    ``figures`` (who counted)
``elements``           ``compare/elements.yml``                    ``compare.load_elements``
``lexicon``            ``language/lexicon.csv``                    ``language.load_lexicon``
``exercises``          ``exercises/*.yml``                         ``exercises.load_exercises``
``key_skip_words``     ``exercises/keywords/skip_words.yml``       ``exercises.keywords``
``reference_terms``    ``language/reference_terms.csv``            ``language.load_reference_terms``
``voice``              ``language/voice.yml``                      ``language`` (attributed voice)
``limits``             ``language/limits.yml``                     ``tables.limits_table``
``gold``               ``gold/<helper>.yml`` (labelled cases)      ``language.load_heldout``, tests, benchmarks
``tables``             the small CSV tables (hedges, units, ...)   figures, compare, language
=====================  ==========================================  =========================

Every file is read by ``lessons.datafiles.read`` (bounded, UTF-8, line numbers kept, a key
written twice refused); loaded data are cached by (path, modification time, size), so a
changed file or another folder is read again. ``lessons.check`` lists the problems of a
teacher's folder; ``survey(path)`` gives it (how many entries, every problem) from one read.
"""

from .read import ERROR, WARNING, Problem, first_error, problems_table

__all__ = ["ERROR", "WARNING", "Problem", "first_error", "problems_table"]

"""Fill the regex cache once (``python -m lessons.warm_cache``): ``binder/postBuild`` runs it
at image build, so a reader's first chapter does not pay for it.

It compiles every rule of the attribution grammar (the compiled-code store of
``lessons._regex_cache``) and loads the lexicon and the reference terms, whose loaders check
every context pattern (the verdict store). It never fails: a cache that is off or cannot be
written only means the first chapter does the work instead; the exit code is always 0.

``python -m lessons.warm_cache --clear`` (``make clean-cache``) removes the cache's own files
instead (``lessons._regex_cache.clear``), from the folder ``$LESSONS_CACHE_DIR`` names if set.
"""

from __future__ import annotations

import sys


def warm() -> dict[str, int]:
    """Compile the grammar's rules and check the lexicon's patterns; the counts done."""
    from lessons import _regex_cache, language, text

    g = text.grammar()
    rules = [name for name, rule in g.rule_texts.items() if rule is not None]
    for name in rules:
        getattr(g, name)
    g.source_patterns  # noqa: B018 - the attribution patterns, compiled once
    terms = len(language.load_lexicon()) + len(language.load_reference_terms())
    _regex_cache.flush()
    return {"rules": len(rules), "terms": terms}


def main(argv=None) -> int:
    from lessons import _regex_cache

    argv = sys.argv[1:] if argv is None else argv
    where = _regex_cache.folder()
    if argv == ["--clear"]:
        if where is None:
            print("regex cache off (LESSONS_CACHE_DIR): nothing to clear")
        else:
            print(f"regex cache in {where}: {_regex_cache.clear(where)} files removed")
        return 0
    if argv:
        print("usage: python -m lessons.warm_cache [--clear]", file=sys.stderr)
        return 2
    if where is None:
        print("regex cache off (LESSONS_CACHE_DIR): nothing to warm")
        return 0
    try:
        done = warm()
    except Exception as e:  # a broken data file is the tests' business, not the image build's
        print(f"regex cache not warmed: {type(e).__name__}: {str(e)[:200]}", file=sys.stderr)
        return 0
    print(f"regex cache in {where}: {done['rules']} grammar rules compiled, "
          f"{done['terms']} lexicon entries' patterns checked")
    return 0


if __name__ == "__main__":
    sys.exit(main())

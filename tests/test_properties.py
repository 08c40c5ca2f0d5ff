"""Hardening: property-based tests (hypothesis) on the public functions of every `lessons` module.

Inputs: arbitrary Unicode, HTML and <script> text, very long text, empty text, text of only
quotation marks or only numbers, mixed with the characters the articles really contain (thin
and no-break spaces, curly quotes, the ellipsis). Properties: no crash (bad input may only raise
LessonsDataError), every offset inside the text and pointing at the text it reports, every
highlight escaped, the same input gives the same output.

Each test runs at most ~50 examples without a deadline, and the examples are derived from the
test, so runs are repeatable (derandomize) and not flaky.
"""

from __future__ import annotations

import html
import json
import os
import re

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lessons.errors import LessonsDataError

settings.register_profile(
    "lessons", max_examples=50, deadline=None, derandomize=True, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
# A longer random search for bug hunting (not for CI): LESSONS_HYPOTHESIS=deep pytest tests/test_properties.py
settings.register_profile("deep", parent=settings.get_profile("lessons"), max_examples=400, derandomize=False)
settings.load_profile("deep" if os.environ.get("LESSONS_HYPOTHESIS") == "deep" else "lessons")
FEW = settings(max_examples=100 if os.environ.get("LESSONS_HYPOTHESIS") == "deep" else 15)  # whole corpora

# ------------------------------------------------------------------ strategies
FRAGMENTS = [
    "The president said ", "“shoot to kill”", "\"", "'", "‘", "’", "“", "”", "«", "»", "'90s", " ",
    "\u2009", "\u00a0", "\u202f", "…", ". . .", "\n", "\n\n", "<script>alert('x')</script>", "<b>", "&amp;",
    "\"><img src=x onerror=alert(1)>", "At least 12 people died", "about 3,000", "2,300", "18", "3.5", "½",
    "€5m", "$", "%", "bandits", "terrorists", "Mr. Smith", "U.S.", "he said.", " Tokayev said", "—", "-",
    "thousands", "dozens of", "killed", "wounded", "0", "٣", "漢字", "🙂", "\u0301", "\ufeff", "\x00", "\r\n",
]
QUOTE_CHARS = "\"'“”‘’«»„‚‹›"


def joined(pieces):
    return st.lists(pieces, max_size=30).map("".join)


texts = st.one_of(
    st.just(""),
    st.text(max_size=200),                                        # arbitrary Unicode
    joined(st.sampled_from(FRAGMENTS)),                           # news-like and hostile pieces
    joined(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8))),
    st.text(alphabet=QUOTE_CHARS + " \n", max_size=60),           # only quotation marks
    st.text(alphabet="0123456789,. %\n-", max_size=60),           # only numbers
    st.tuples(st.sampled_from(FRAGMENTS[:20]), st.integers(200, 800)).map(lambda t: t[0] * t[1]),  # very long
)
HOSTILE = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>&<"


def offsets_ok(frame: pd.DataFrame, text: str, start="start", end="end", column: str | None = None):
    for row in frame.to_dict("records"):
        s, e = int(row[start]), int(row[end])
        assert 0 <= s <= e <= len(text), (s, e, len(text))
        if column is not None:
            assert text[s:e] == row[column], (text[s:e], row[column])


def same(a, b):
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b)
    else:
        assert a == b


def safe_html(out: str, allowed: str) -> None:
    """Only our own tags are left once the escaped text is taken out."""
    stripped = re.sub(r"</?(?:" + allowed + r")(?:\s[^<>]*)?>", "", out)
    assert "<" not in stripped, stripped[:300]
    assert "<script" not in out.lower() and "<img" not in out.lower()


def articles_frame(bodies):
    ids = [f"a{i}" for i in range(len(bodies))]
    return pd.DataFrame({"article_id": ids, "label": [f"A{i}" for i in range(len(bodies))], "body": bodies,
                         "agencies": [[] for _ in bodies]})


# ================================================================== lessons.corpus
from lessons import corpus  # noqa: E402


@given(texts)
def test_sentences(text):
    out = corpus.sentences(text)
    assert list(out.columns) == ["start", "end", "text"]
    offsets_ok(out, text, column="text")
    assert all(t.strip() == t and t for t in out["text"])
    same(out, corpus.sentences(text))


@given(texts)
def test_quotes(text):
    out = corpus.quotes(text)
    offsets_ok(out, text, column="text")
    assert out["speaker"].map(lambda s: isinstance(s, str)).all()
    same(out, corpus.quotes(text))
    for q in out.itertuples():
        assert isinstance(corpus.in_quotes(text, q.start, q.end, out), bool)


@given(texts)
def test_article_html_is_escaped(text):
    out = corpus.article_html(text + HOSTILE)
    safe_html(out, "p|span")
    assert html.escape("<script>") in out
    assert out == corpus.article_html(text + HOSTILE)


@given(texts)
def test_clean_text_records_every_part(text):
    cleaned = corpus.clean_text(text)
    for part in cleaned.parts.itertuples():
        assert 0 <= part.start <= part.end <= len(text) and text[part.start:part.end] == part.text
    offsets_ok(cleaned.captions, text)
    assert cleaned.headline == "" or cleaned.headline in text
    assert all(p and p in text for p in cleaned.paragraphs)
    again = corpus.clean_text(text)
    assert (again.headline, again.paragraphs) == (cleaned.headline, cleaned.paragraphs)
    assert isinstance(corpus.credited_agencies(text), list)


@FEW
@given(st.lists(texts, min_size=1, max_size=3))
def test_load_articles_any_text_loads_or_says_why(tmp_path_factory, bodies):
    folder = tmp_path_factory.mktemp("event")
    (folder / "raw").mkdir()
    entries = []
    for i, body in enumerate(bodies):
        (folder / "raw" / f"{i}.txt").write_text(body, encoding="utf-8", errors="surrogatepass")
        entries.append(dict(article_id=f"a{i}", source_file=f"{i}.txt", outlet="unknown", published="unknown",
                            headline="unknown", agencies=[], language="en", translated="unknown", via="unknown",
                            provenance="unknown"))
    (folder / "articles.yml").write_text(json.dumps(entries), encoding="utf-8")  # JSON is YAML
    try:
        articles = corpus.load_articles(folder)
    except LessonsDataError as err:
        assert str(folder) in str(err)
        return
    assert list(articles["article_id"]) == [f"a{i}" for i in range(len(bodies))]
    for body in articles["body"]:
        assert body.strip() and "\n\n\n" not in body


@given(st.binary(max_size=200))
def test_read_raw_any_bytes(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("raw") / "x.txt"
    path.write_bytes(data)
    try:
        assert corpus.read_raw(path) == data.decode("utf-8")
    except LessonsDataError as err:  # not UTF-8, or NUL bytes (a binary file)
        assert ("not UTF-8" in str(err) or "NUL byte" in str(err)) and "line " in str(err)
        assert "NUL byte" not in str(err) or b"\x00" in data


# ================================================================== lessons.book
from lessons import book  # noqa: E402


@given(st.one_of(st.integers(-10**12, 10**12), st.floats(-1e12, 1e12, allow_nan=False), st.text(max_size=30)))
def test_format_number(value):
    out = book.format_number(value)
    assert isinstance(out, str) and out == book.format_number(value)
    if isinstance(value, str):
        assert out == value


@given(st.lists(texts, min_size=1, max_size=4), st.text(max_size=40))
def test_html_table_escapes_every_cell(cells, caption):
    frame = pd.DataFrame({"cell": [c + HOSTILE for c in cells]})
    out = book.html_table(frame, caption=caption + HOSTILE).data
    safe_html(out, "div|table|thead|tbody|tr|th|td|caption")


# ================================================================== lessons.check
from lessons import check as chk  # noqa: E402


@FEW
@given(st.one_of(texts, st.binary(max_size=100).map(lambda b: b.decode("latin-1"))), texts)
def test_check_any_metadata_and_article_text(tmp_path_factory, metadata, body):
    folder = tmp_path_factory.mktemp("event")
    (folder / "raw").mkdir()
    (folder / "raw" / "a.txt").write_text(body, encoding="utf-8", errors="surrogatepass")
    (folder / "articles.yml").write_text(metadata, encoding="utf-8", errors="surrogatepass")
    report = chk.check(folder)
    assert all(p.file and p.problem and p.fix and p.severity in ("error", "warning") for p in report.problems)
    assert [str(p) for p in report.problems] == [str(p) for p in chk.check(folder).problems]
    try:
        corpus.load_articles(folder)
    except LessonsDataError:
        assert report.errors, "the loader rejects the folder, so the check must too"


# ================================================================== lessons.answers (saved answers)
from lessons import answers  # noqa: E402

json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                           max_leaves=8)


@given(st.binary(max_size=200))
def test_answer_store_never_loses_a_file(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("answers")
    path = folder / "answers.json"
    path.write_bytes(data)
    store = answers.AnswerStore(path)
    with pytest.warns(UserWarning) if _corrupt(data) else _no_warning():
        got = store.read()
    assert isinstance(got, dict)
    kept = [p for p in folder.iterdir() if p.read_bytes() == data]
    assert kept, "the original bytes must survive: in place, or set aside"
    if _corrupt(data):
        assert store.problem and not path.exists()


def _corrupt(data: bytes) -> bool:
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return True
    return not (isinstance(value, dict) and isinstance(value.get("answers"), dict))


class _no_warning:
    def __enter__(self):
        import warnings
        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("error")

    def __exit__(self, *exc):
        return self._w.__exit__(*exc)


@given(st.dictionaries(st.text(min_size=1, max_size=20), json_values, max_size=5))
def test_answer_store_round_trip(tmp_path_factory, responses):
    folder = tmp_path_factory.mktemp("answers")
    store = answers.AnswerStore(folder / "answers.json")
    for key, value in responses.items():
        store.save(key, value)
    again = answers.AnswerStore(folder / "answers.json").read()  # a new kernel
    assert {k: v["response"] for k, v in again.items()} == responses
    exported = json.loads(store.export(folder / "out.json").read_text(encoding="utf-8"))
    assert exported["count"] == len(responses)


# ================================================================== lessons.exercises
exercises = pytest.importorskip("lessons.exercises")


@given(texts, st.one_of(texts, st.integers(), st.floats(allow_nan=False), st.lists(st.integers(-3, 5), max_size=4),
                        st.none()))
def test_exercise_check_any_response(prompt, response):
    items = [
        dict(id="p-choice", type="choice", prompt=prompt + HOSTILE, options=["a", prompt or "b"], answer=1,
             explanation=prompt, source="test"),
        dict(id="p-numeric", type="numeric", prompt=prompt or "How many?", answer=12, tolerance=0,
             explanation="x", source="test"),
        dict(id="p-text", type="text", prompt="Why?", answer=["the agency wrote it"], explanation="x", source="test"),
    ]
    for item in items:
        try:
            ex = exercises.validate_exercise(item)
        except LessonsDataError:
            continue
        result = exercises.check(ex, response)
        assert isinstance(result, dict) and result == exercises.check(ex, response)
        page = exercises.static_html(ex, uid="u1")
        assert "<script>alert" not in page and "<img" not in page


@given(st.one_of(texts, st.integers(), st.floats(allow_nan=True), st.none()))
def test_parse_number_any_value(value):
    out = exercises.parse_number(value)
    assert out is None or isinstance(out, float)
    assert out == exercises.parse_number(value) or (out != out)


@given(texts)
def test_passage_tokens_offsets(text):
    tokens = exercises.passage_tokens(text)
    for t in tokens:
        if {"start", "end"} <= set(t):
            assert 0 <= t["start"] <= t["end"] <= len(text)


# ================================================================== lessons.figures
figures = pytest.importorskip("lessons.figures")


@given(texts)
def test_extract_figures(text):
    out = figures.extract_figures(text)
    offsets_ok(out, text, column="text")
    same(out, figures.extract_figures(text))


@given(texts)
def test_attributions_and_counting_body(text):
    out = figures.attributions(text)
    assert isinstance(out, pd.DataFrame)
    same(out, figures.attributions(text))
    counter, kind = figures.counting_body(text)
    assert isinstance(counter, str) and isinstance(kind, str)


@FEW
@given(st.lists(texts, min_size=1, max_size=3))
def test_figures_table_and_verdicts(bodies):
    articles = articles_frame(bodies)
    table = figures.figures_table(articles)
    for row in table.to_dict("records"):
        body = bodies[int(row["article_id"][1:])]
        assert body[row["start"]:row["end"]] == row["text"]
        assert row["sentence"] in body
    verdicts = figures.compare_figures(table)
    assert set(verdicts["verdict"]) <= set(figures.VERDICTS)
    same(verdicts, figures.compare_figures(figures.figures_table(articles)))


# ================================================================== lessons.language
language = pytest.importorskip("lessons.language")


@given(texts)
def test_find_loaded_terms(text):
    out = language.find_loaded_terms(text)
    offsets_ok(out, text, column="term")
    assert set(out["voice"]) <= set(language.VOICES)
    same(out, language.find_loaded_terms(text))
    ref = language.find_reference_terms(text)
    offsets_ok(ref, text, column="term")


@given(texts)
def test_highlight_is_escaped(text):
    out = language.highlight(text + " bandits " + HOSTILE)
    safe_html(out, "div|p|br|mark|span|sup|b")
    assert html.escape("<script>") in out
    assert out == language.highlight(text + " bandits " + HOSTILE)


@given(texts)
def test_scare_quotes_and_voice_words(text):
    offsets_ok(language.scare_quotes(text), text)
    words = language.voice_words(text)
    assert set(words) == set(language.VOICES) and all(v >= 0 for v in words.values())


@FEW
@given(st.lists(texts, min_size=1, max_size=3))
def test_language_summaries(bodies):
    articles = articles_frame(bodies)
    dens = language.density(articles)
    assert (dens["n_terms"] >= 0).all() and (dens["per_1000"] >= 0).all()
    same(dens, language.density(articles))
    assert isinstance(language.naming(articles), pd.DataFrame)
    assert isinstance(language.attribution_verbs(articles), pd.DataFrame)


# ================================================================== lessons.compare
compare = pytest.importorskip("lessons.compare")


@given(texts, texts)
def test_shared_passages(a, b):
    out = compare.shared_passages(a, b)
    offsets_ok(out, a, "a_start", "a_end", "a_text")
    offsets_ok(out, b, "b_start", "b_end", "b_text")
    assert ((out["score"] >= 0) & (out["score"] <= 1)).all()
    same(out, compare.shared_passages(a, b))


@given(texts)
def test_a_text_shares_itself_only_where_it_has_words(a):
    out = compare.shared_passages(a, a)
    offsets_ok(out, a, "a_start", "a_end", "a_text")


@given(st.lists(texts, max_size=6))
def test_group_quotes(quotes):
    groups = compare.group_quotes(quotes)
    assert len(groups) == len(quotes) and all(isinstance(g, int) and g >= 0 for g in groups)
    assert groups == compare.group_quotes(quotes)
    for x, y in zip(quotes, quotes[1:]):
        s = compare.quote_similarity(x, y)
        assert 0 <= s <= 1 and s == compare.quote_similarity(x, y)


@given(texts, texts)
def test_word_diff_and_variants(a, b):
    diff = compare.word_diff(a, b)
    for row in diff.to_dict("records"):
        assert row["a_words"] in a and row["b_words"] in b
    same(diff, compare.word_diff(a, b))
    quotes = pd.DataFrame({"text": [a + HOSTILE, b + HOSTILE], "label": ["One", "Two<b>"]})
    variants = compare.quote_variants(quotes, min_versions=1)
    for marked in variants["marked"]:
        safe_html(marked, "mark")
    safe_html(compare.variants_html(variants), "div|figure|figcaption|strong|blockquote|mark|p|h\\d|span")


@FEW
@given(st.lists(texts, min_size=1, max_size=3))
def test_coverage_and_reuse(bodies):
    articles = articles_frame(bodies)
    cov = compare.coverage(articles)
    assert len(cov) == len(bodies) * cov["element"].nunique()
    for row in cov.to_dict("records"):
        body = bodies[int(row["article_id"][1:])]
        if row["covered"]:
            assert body[row["start"]:row["end"]] == row["sentence"]
        else:
            assert (row["start"], row["end"], row["sentence"]) == (-1, -1, "")
    assert compare.coverage_matrix(cov).shape == (len(bodies), cov["element"].nunique())
    compare.only_one_source(cov), compare.left_out(cov)
    reuse = compare.find_reuse(articles)
    for row in reuse.to_dict("records"):
        a, b = bodies[int(row["article_a"][1:])], bodies[int(row["article_b"][1:])]
        assert a[row["a_start"]:row["a_end"]] == row["a_text"] and b[row["b_start"]:row["b_end"]] == row["b_text"]
    same(reuse, compare.find_reuse(articles))


# ================================================================== regressions found by property tests
def test_extract_figures_huge_number():
    text = "9" * 400 + " people"
    offsets_ok(figures.extract_figures(text), text, column="text")


def test_format_number_huge_int():
    assert book.format_number(10**400)


# ================================================================== lessons.grading
grading = pytest.importorskip("lessons.grading")


@given(st.one_of(st.binary(max_size=200), json_values.map(lambda v: json.dumps(v).encode())))
def test_read_submission_any_file(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("sub") / "s.ipynb"
    path.write_bytes(data)
    nb, why = grading.read_submission(path)
    assert (nb is None) != (why == "")
    assert (nb, why) == grading.read_submission(path)


def _notebook(otter) -> dict:
    return {"cells": [], "metadata": {"otter": otter}, "nbformat": 4, "nbformat_minor": 5}


@given(st.dictionaries(st.sampled_from(["assignment_name", "other"]), st.text(max_size=10), max_size=2))
def test_assignment_of_reads_otter_metadata(otter):
    assert grading.assignment_of(_notebook(otter)) == otter.get("assignment_name")


def test_assignment_of_odd_metadata(tmp_path):
    path = tmp_path / "s.ipynb"
    path.write_text(json.dumps(_notebook("not a mapping")), encoding="utf-8")
    nb, why = grading.read_submission(path)
    assert why == ""
    assert grading.assignment_of(nb) is None


# ================================================================== odd tables and values (issue 12)
# The frame functions get tables a teacher's folder or a chapter could really produce: no rows,
# the same article_id twice, bodies that are all missing (None/NaN), ids that are numbers,
# bodies of odd Unicode. A valid-but-odd table gives a correct (often empty) result; an invalid
# one raises LessonsDataError with a message. Nothing else may escape.
ODD_BODIES = st.one_of(
    texts, st.none(), st.just(float("nan")),
    st.sampled_from(["About dozens of protesters were killed.", "At least 12 people died. 2,300 were detained.",
                     "Tokayev said he ordered forces to “shoot to kill without warning”.", "\u200b\u202e\ufeff\u0301",
                     "Thousands protested.\n\nDozens were killed, officials said."]),
)
ODD_IDS = st.one_of(st.sampled_from(["a", "b", "a"]), st.integers(-5, 5), st.just(""), st.text(max_size=5), st.none())


@st.composite
def odd_articles(draw):
    n = draw(st.integers(0, 4))
    ids = [draw(ODD_IDS) for _ in range(n)]
    if n >= 2 and draw(st.booleans()):
        ids[1] = ids[0]  # a duplicate id
    bodies = [draw(ODD_BODIES) for _ in range(n)]
    if n and draw(st.booleans()):
        bodies = [None] * n  # an all-NA column
    labels = [draw(st.one_of(st.just(str(i)), st.none(), st.just(float("nan")))) for i in ids]
    return pd.DataFrame({"article_id": pd.Series(ids, dtype=object), "label": pd.Series(labels, dtype=object),
                         "body": pd.Series(bodies, dtype=object), "agencies": pd.Series([[] for _ in ids], dtype=object)})


def no_crash(fn, *args, **kwargs):
    """``fn(*args)``, or None when it refuses the input with a LessonsDataError (a clear message)."""
    try:
        return fn(*args, **kwargs)
    except LessonsDataError as err:
        assert str(err)
        return None


ODD = settings(max_examples=100 if os.environ.get("LESSONS_HYPOTHESIS") == "deep" else 15)


@ODD
@given(odd_articles())
def test_compare_on_odd_tables(articles):
    cov = no_crash(compare.coverage, articles)
    if cov is None:
        return
    assert list(cov.columns) == compare._COVERAGE_COLUMNS
    matrix = no_crash(compare.coverage_matrix, cov)
    if matrix is not None:
        assert matrix.shape == (cov["article_id"].nunique(), cov["element"].nunique())
    single = no_crash(compare.only_one_source, cov)
    assert single is None or list(single.columns) == ["element", "label", "article_id", "sentence"]
    out = no_crash(compare.left_out, cov)
    assert out is None or list(out.columns) == ["article_id", "element", "label", "covered_by"]
    for element in cov["element"].unique()[:2]:
        ex = no_crash(compare.coverage_exercise, cov, element)
        assert ex is None or ex["type"] == "multi"
    reuse = no_crash(compare.find_reuse, articles)
    if reuse is not None:
        assert isinstance(no_crash(compare.passage_agencies, reuse, articles), (pd.DataFrame, type(None)))
    quotes = pd.DataFrame({"text": articles["body"], "label": articles["label"]})
    variants = no_crash(compare.quote_variants, quotes)
    if variants is not None:
        assert isinstance(compare.variants_html(variants), str)


@ODD
@given(odd_articles())
def test_figures_on_odd_tables(articles):
    table = no_crash(figures.figures_table, articles)
    if table is None:
        return
    reports = no_crash(figures.claim_reports, table)
    verdicts = no_crash(figures.compare_figures, table)
    if verdicts is not None:
        assert set(verdicts["verdict"]) <= set(figures.VERDICTS)
    if reports is not None and len(reports):
        for _, part in reports.groupby("claim"):
            value, why = figures.conservative_figure(part)
            assert isinstance(value, float) and isinstance(why, str)


@ODD
@given(odd_articles())
def test_language_on_odd_tables(articles):
    for fn in (language.density, language.naming, language.attribution_verbs):
        out = no_crash(fn, articles)
        assert out is None or isinstance(out, pd.DataFrame)


@ODD
@given(odd_articles())
def test_text_functions_on_odd_bodies(articles):
    for body in [*articles["body"], 5, 2.5]:
        for fn in (corpus.sentences, corpus.quotes, corpus.article_html, corpus.credited_agencies,
                   figures.extract_figures, figures.attributions, figures.counting_body, exercises.passage_tokens,
                   language.find_loaded_terms, language.scare_quotes, language.voice_words):
            no_crash(fn, body)
        if isinstance(body, str):
            no_crash(corpus.clean_text, body)


def test_compare_figures_on_a_vague_figure_only():
    table = figures.figures_table(pd.DataFrame({"article_id": ["a"], "body": ["About dozens of protesters were killed."]}))
    verdicts = figures.compare_figures(table)
    assert set(verdicts["verdict"]) <= set(figures.VERDICTS)


def test_coverage_of_no_articles_and_duplicate_ids():
    empty = compare.coverage(pd.DataFrame({"article_id": [], "body": []}))
    assert compare.left_out(empty).empty and compare.only_one_source(empty).empty
    assert compare.coverage_matrix(empty).shape == (0, 0)
    dup = compare.coverage(pd.DataFrame({"article_id": ["a", "a"], "body": ["Dozens were killed.", "Nothing."]}))
    with pytest.raises(LessonsDataError, match="article_id"):
        compare.coverage_matrix(dup)


HUGE = st.one_of(st.integers(min_value=10**300, max_value=10**500), st.integers(max_value=-10**300, min_value=-10**500),
                 st.sampled_from([10**400, -10**400, float("inf"), float("-inf"), float("nan"), "1e400", "-1e999",
                                  "9" * 500, "1," * 200 + "1", True]))


@ODD
@given(HUGE, st.one_of(HUGE, st.integers(-5, 5), st.none(), st.text(max_size=5)))
def test_exercises_on_huge_numbers(answer, tolerance):
    entry = dict(id="p-huge", type="numeric", prompt="How many?", answer=answer, tolerance=tolerance,
                 explanation="x", source="test")
    ex = no_crash(exercises.validate_exercise, entry)
    value = exercises.parse_number(answer)
    assert value is None or isinstance(value, float)
    if ex is not None:
        for response in (answer, "12", 10**400, "1e400", ""):
            result = exercises.check(ex, response)
            assert isinstance(result, dict)
        assert isinstance(exercises.static_html(ex, uid="u1"), str)
        assert isinstance(exercises.answer_text(ex), str) and isinstance(exercises.plain_text(ex), str)


def test_load_exercises_with_a_huge_answer(tmp_path):
    (tmp_path / "x.yml").write_text("- id: x-huge\n  type: numeric\n  prompt: How many?\n  answer: " + "1" + "0" * 400
                                    + "\n  explanation: x\n  source: test\n", encoding="utf-8")
    try:
        loaded = exercises.load_exercises(tmp_path)
    except LessonsDataError as err:
        assert "x.yml" in str(err) and "answer" in str(err)
    else:
        assert "x-huge" in loaded

"""Tests for lessons.compare: shared passages, reuse across a corpus, quote groups, coverage.

The sentences in the edge-case tests are written for these tests (held out from the five
articles), so the helpers are checked on text they were not tuned on.
"""

from __future__ import annotations

import html
import shutil

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons import compare
from lessons.compare import (
    coverage,
    coverage_exercise,
    coverage_matrix,
    find_reuse,
    group_quotes,
    left_out,
    load_elements,
    only_one_source,
    passage_agencies,
    quote_similarity,
    quote_variants,
    shared_passages,
    variants_html,
    word_diff,
)
from lessons.errors import LessonsDataError
from lessons.paths import data_dir

# ------------------------------------------------------------------ shared passages

REUSED = [
    pytest.param(
        "Officials said the bridge would remain closed to traffic until engineers had completed "
        "a full inspection of its supports. Residents were told to use the ferry.",
        "Local radio played music all morning. Officials said the bridge would remain closed to "
        "traffic until engineers had completed a full inspection of its supports.",
        "the bridge would remain closed",
        id="verbatim",
    ),
    pytest.param(
        "Firefighters battled the blaze for six hours before bringing it under control, the "
        "regional fire service said.",
        "Firefighters battled the huge blaze for more than six hours before finally bringing it "
        "under control, the fire service said on Monday.",
        "bringing it under control",
        id="words-inserted-and-dropped",
    ),
    pytest.param(
        "Despite heavy rain, thousands of supporters gathered outside the stadium on Sunday "
        "evening to greet the team.",
        "Thousands of supporters gathered outside the stadium on Sunday evening to greet the "
        "team, despite heavy rain.",
        "gathered outside the stadium",
        id="clauses-reordered",
    ),
    pytest.param(
        'The minister described the plan as "a programme to modernise the harbour", adding that '
        "it would be finished by the autumn.",
        "The minister described the plan as “a program to modernize the harbor,” adding that it "
        "would be finished by the autumn.",
        "modernise the harbour",
        id="quotation-marks-and-spelling",
    ),
    pytest.param(
        "The airport has been closed since Wednesday, stranding thousands of travellers.",
        "Heavy snow fell overnight. The airport has been closed since Wednesday, stranding "
        "thousands of travelers, the airline said.",
        "stranding thousands",
        id="short-sentence-british-american",
    ),
    pytest.param(
        "Rescue teams using sniffer dogs searched the rubble through the night, but hopes of "
        "finding more survivors were fading, a local official said.",
        "Rescuers with sniffer dogs searched the rubble through the night, but hopes of finding "
        "survivors were fading, according to a local official.",
        "searched the rubble",
        id="light-edit",
    ),
    pytest.param(
        "The agency said 40 people had been arrested and 12 officers injured in the clashes, "
        "which began after a football match.",
        "Police fired tear gas. The agency said 40 people had been arrested and 12 officers "
        "injured in the clashes.",
        "had been arrested",
        id="tail-dropped",
    ),
]


@pytest.mark.parametrize("a, b, must_cover", REUSED)
def test_reused_passage_is_found_with_offsets_into_both_texts(a, b, must_cover):
    df = shared_passages(a, b)
    assert len(df) >= 1
    row = df.iloc[df["n_words"].idxmax()]
    assert a[row.a_start : row.a_end] == row.a_text
    assert b[row.b_start : row.b_end] == row.b_text
    assert must_cover in row.a_text
    assert 0.5 <= row.score <= 1.0


UNRELATED = [
    pytest.param(
        "Russian President Vladimir Putin met Chancellor Olaf Scholz in Moscow on Tuesday to "
        "discuss gas supplies.",
        "Russian President Vladimir Putin said on Friday that he would not attend the summit in "
        "Brazil.",
        id="shared-name",
    ),
    pytest.param(
        "The ministry said in a statement that the situation was under control.",
        "In a statement, the ministry said that all schools would reopen on Monday.",
        id="stock-attribution",
    ),
    pytest.param(
        "The orchestra will tour Japan in the spring, playing twelve concerts in six cities.",
        "Wheat prices rose sharply on Tuesday after dry weather in the spring damaged crops in "
        "six countries.",
        id="common-words",
    ),
    pytest.param(
        "Protesters set fire to the mayor's office in Almaty on Wednesday as police fired tear gas.",
        "On Wednesday demonstrators in Almaty stormed the city hall and torched it, witnesses said.",
        id="same-event-own-words",
    ),
    pytest.param(
        "The president ordered troops to shoot to kill without warning, the agency reported.",
        "Critics condemned the decision to shoot to kill without warning as a violation of "
        "international law.",
        id="shared-stock-quote",
    ),
    pytest.param(
        "It was not yet possible to determine the full extent of the damage caused by the storm.",
        "Engineers were still trying to determine the full extent of the damage to the reactor "
        "building on Monday.",
        id="stock-phrase-seven-words",
    ),
    pytest.param(
        "Prime Minister Boris Johnson said on Friday that the government would do whatever it "
        "takes to protect jobs.",
        "The central bank said on Friday it would do whatever it takes to protect the currency.",
        id="idiom",
    ),
    pytest.param(
        "The United Nations Security Council will hold an emergency meeting on Monday, diplomats said.",
        "Diplomats said the United Nations Security Council would discuss the border dispute at "
        "its next meeting.",
        id="institution-name",
    ),
]


@pytest.mark.parametrize("a, b", UNRELATED)
def test_texts_sharing_only_names_stock_phrases_or_common_words_give_nothing(a, b):
    assert shared_passages(a, b).empty


def test_columns_and_types():
    df = shared_passages("A cat sat.", "A dog ran.")
    assert list(df.columns[:5]) == ["a_start", "a_end", "b_start", "b_end", "score"]
    assert df.empty
    df = shared_passages(*[REUSED[0].values[0]] * 2)
    assert str(df["a_start"].dtype) == "int64" and str(df["score"].dtype) == "float64"


def test_offsets_survive_thin_and_no_break_spaces_and_curly_quotes():
    core = "the regional council voted to close the old coal mine by the end of next year"
    a = "In\u2009a surprise move, " + core + ", officials said\u2026"
    b = "Reports say\u00a0“" + core.replace("council", "council\u00a0") + "”."
    df = shared_passages(a, b)
    assert len(df) == 1
    r = df.iloc[0]
    assert a[r.a_start : r.a_end].startswith("the regional council")
    assert b[r.b_start : r.b_end].endswith("next year")


def test_passage_is_symmetric():
    a, b = REUSED[1].values[:2]
    ab, ba = shared_passages(a, b), shared_passages(b, a)
    assert len(ab) == len(ba) == 1
    assert (ab.a_start[0], ab.a_end[0]) == (ba.b_start[0], ba.b_end[0])


@pytest.mark.parametrize("a, b", [("", ""), ("", "Some text here."), ("Word", "Word"),
                                  ("...", "!!!"), ("\n\n", "   ")])
def test_empty_and_tiny_inputs_give_an_empty_frame(a, b):
    df = shared_passages(a, b)
    assert df.empty and "score" in df.columns


def test_huge_texts_without_punctuation_still_work():
    shared = ("engineers had completed a full inspection of the supports before the bridge "
              "reopened to traffic in both directions")
    filler_a = " ".join(f"alpha{i % 97} beta{i % 89}" for i in range(3000))
    filler_b = " ".join(f"gamma{i % 83} delta{i % 79}" for i in range(3000))
    a = filler_a + " " + shared + " " + filler_a
    b = filler_b + " " + shared
    df = shared_passages(a, b)
    assert len(df) >= 1
    assert "full inspection of the supports" in " ".join(df["a_text"])


def test_repeated_boilerplate_word_does_not_explode():
    df = shared_passages("the " * 20000, "the " * 20000)
    assert df.empty


@pytest.mark.parametrize("bad", [None, 3, ["text"]])
def test_non_text_input_raises_a_clear_error(bad):
    with pytest.raises(LessonsDataError, match="text_a must be a string"):
        shared_passages(bad, "text")


# ------------------------------------------------------------------ find_reuse

def _toy_corpus():
    wire = ("The storm brought down power lines across the northern province, leaving more than "
            "80,000 homes without electricity, the energy ministry said.")
    return pd.DataFrame({
        "article_id": ["one", "two", "three", "four"],
        "body": [
            "Schools stayed shut on Monday. " + wire,
            wire.replace("80,000", "80,000 homes and").replace("homes without", "businesses without")
            + " Repairs could take a week.",
            "The football season opens on Saturday with a derby between the two city clubs.",
            "Farmers said the harvest was the best in a decade thanks to a wet spring.",
        ],
    })


def test_find_reuse_finds_the_wire_pair_and_nothing_else():
    df = find_reuse(_toy_corpus())
    assert set(zip(df.article_a, df.article_b)) == {("one", "two")}
    assert {"article_a", "article_b", "a_start", "a_end", "b_start", "b_end", "score"} <= set(df.columns)
    bodies = _toy_corpus().set_index("article_id")["body"]
    r = df.iloc[0]
    assert bodies["one"][r.a_start : r.a_end] == r.a_text


def test_find_reuse_only_aligns_pairs_that_share_rare_shingles(monkeypatch):
    calls = []
    real = compare._passage_rows

    def spy(a, b, *args, **kw):
        calls.append((a[:10], b[:10]))
        return real(a, b, *args, **kw)

    monkeypatch.setattr(compare, "_passage_rows", spy)
    corpus = _toy_corpus()
    extra = pd.DataFrame({"article_id": [f"x{i}" for i in range(40)],
                          "body": [f"Item {i}: the shop sold {i} red apples to visitor number {i}."
                                   for i in range(40)]})
    find_reuse(pd.concat([corpus, extra], ignore_index=True))
    # 44 articles = 946 pairs, but only the one pair that shares rare word runs is aligned
    assert len(calls) == 1


def test_find_reuse_empty_corpus_and_bad_input():
    empty = find_reuse(pd.DataFrame({"article_id": [], "body": []}))
    assert empty.empty and "article_a" in empty.columns
    with pytest.raises(LessonsDataError, match="missing column.*body"):
        find_reuse(pd.DataFrame({"article_id": ["a"]}))
    with pytest.raises(LessonsDataError, match="unique"):
        find_reuse(pd.DataFrame({"article_id": ["a", "a"], "body": ["x", "y"]}))


def test_passage_agencies_intersects_credited_agencies():
    reuse = pd.DataFrame({"article_a": ["one", "one"], "article_b": ["two", "three"]})
    arts = pd.DataFrame({"article_id": ["one", "two", "three"],
                         "agencies": [["AFP", "Reuters"], "Reuters, AP", []]})
    out = passage_agencies(reuse, arts)
    assert out["shared_agencies"].tolist() == [["Reuters"], []]


# ------------------------------------------------------------------ quotes

# Held-out statements (invented), each list one statement in different renderings.
SAME_STATEMENT = [
    ["Those who do not surrender will be eliminated",
     "Whoever does not surrender will be destroyed"],
    ["We will rebuild every school that the flood destroyed",
     "All the schools destroyed by the floods will be rebuilt",
     "Every school wrecked by the flood is going to be rebuilt, I promise"],
    ["The water level in the river is still rising", "River levels continue to climb"],
    ["We will not raise taxes this year", "Taxes will not be increased this year"],
    ["The army will stay in the region for as long as necessary",
     "The troops will remain in the area as long as needed"],
    ["Order has mostly been restored in the capital",
     "Order has largely been re-established in the capital"],
]

DIFFERENT_STATEMENTS = [
    ("We will not raise taxes this year", "We will raise taxes next year"),
    ("The army will stay in the region for as long as necessary",
     "The army will leave the region within two weeks"),
    ("Those who do not surrender will be eliminated",
     "So they must be destroyed. This will be done shortly."),
    ("The terrorists must be destroyed", "The terrorists must surrender"),
    ("20,000 bandits attacked the city", "2,000 bandits attacked the city"),
    ("I thank the volunteers for their courage", "The volunteers will be sent home tomorrow"),
    ("destroyed", "liquidated"),
]


@pytest.mark.parametrize("versions", SAME_STATEMENT)
def test_renderings_of_one_statement_share_a_group(versions):
    ids = group_quotes(versions)
    assert len(set(ids)) == 1


@pytest.mark.parametrize("a, b", DIFFERENT_STATEMENTS)
def test_different_statements_by_one_speaker_get_different_groups(a, b):
    ids = group_quotes([a, b])
    assert ids[0] != ids[1]
    assert quote_similarity(a, b) < 0.55


def test_groups_in_a_mixed_list_and_ids_in_order_of_first_appearance():
    quotes = [q for group in SAME_STATEMENT for q in group]
    ids = group_quotes(quotes)
    expected = [i for i, group in enumerate(SAME_STATEMENT) for _ in group]
    assert ids == expected


def test_a_short_quote_inside_a_longer_one_joins_it_but_cannot_chain_two_statements():
    quotes = [
        "The fighters have not laid down their weapons. Those who do not surrender will be eliminated",
        "Whoever does not surrender will be destroyed",
        "We thank our friends in Minsk and Tashkent for their help",
    ]
    ids = group_quotes(quotes)
    assert ids[0] == ids[1] != ids[2]


def test_group_quotes_edge_cases():
    assert group_quotes([]) == []
    assert group_quotes(["", "", "..."]) == [0, 1, 2]  # nothing to compare: no grouping
    assert group_quotes(["nonsense", "Nonsense!"]) == [0, 0]
    with pytest.raises(LessonsDataError, match="item 1"):
        group_quotes(["fine", None])
    with pytest.raises(LessonsDataError, match="list of strings"):
        group_quotes("a single string")


def test_synonym_file_rejects_a_term_under_two_concepts(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    shutil.copytree(data_dir() / "compare", folder / "compare")
    with open(folder / "compare" / "synonyms.csv", "a", encoding="utf-8") as fh:
        fh.write("kill,destroyed,test entry that clashes with 'destroy'\n")
    monkeypatch.setenv("LESSONS_DATA", str(folder))
    compare._analyse.cache_clear()
    try:
        with pytest.raises(LessonsDataError, match="synonyms.csv.*destroyed"):
            group_quotes(["a b c"])
    finally:
        compare._analyse.cache_clear()


def test_data_files_have_a_source_or_rationale_for_every_entry():
    import csv

    import yaml

    folder = data_dir() / "compare"
    for name, col in [("spelling.csv", "source"), ("compounds.csv", "source"),
                      ("synonyms.csv", "rationale")]:
        rows = list(csv.DictReader(open(folder / name, encoding="utf-8")))
        assert rows and all(r[col].strip() for r in rows), name
    for g in yaml.safe_load(open(folder / "function_words.yml", encoding="utf-8")):
        assert g["rationale"].strip() and g["words"]
    for e in load_elements():
        assert e["rationale"].strip()


# ------------------------------------------------------------------ word diff and variants view

def test_word_diff_ignores_spelling_case_and_quote_marks_but_not_words():
    d = word_diff("“Those who do not surrender will be ELIMINATED,” he said",
                  '"Those who do not surrender will be destroyed," he said')
    assert d.to_dict("records") == [{"op": "replace", "a_words": "ELIMINATED",
                                     "b_words": "destroyed"}]
    assert word_diff("We will modernise the harbour", "We will modernize the harbor").empty
    ins = word_diff("the army and police", "the army, police and guards")
    assert "insert" in set(ins.op) or "replace" in set(ins.op)


def test_quote_variants_marks_differences_and_escapes_html():
    quotes = pd.DataFrame({
        "label": ["Paper <A>", "Paper B", "Paper C"],
        "text": ["Those who do not surrender will be eliminated",
                 "Whoever does not surrender will be <b>destroyed</b>",
                 "The harvest was good"],
    })
    v = quote_variants(quotes)
    assert len(v) == 2 and v["n_outlets"].tolist() == [2, 2]
    b = v.set_index("label").loc["Paper B", "marked"]
    import re

    stripped = re.sub(r"</?mark[^>]*>", "", b)
    assert "<" not in stripped  # the quote's own '<b>' was escaped
    assert html.unescape(stripped) == "Whoever does not surrender will be <b>destroyed</b>"
    assert '<mark class="qv-diff"' in b and "destroyed" in b
    page = variants_html(v)
    assert "Paper &lt;A&gt;" in page and "Paper <A>" not in page
    assert "text-decoration:underline" in page  # not colour alone
    assert page.count('class="qv-card"') == 2


# ------------------------------------------------------------------ coverage

def _articles():
    return pd.DataFrame({
        "article_id": ["x", "y"],
        "body": [
            "Police said 12 people were killed. The internet was cut on Tuesday.\n\n"
            "Washington called for restraint. The western province stayed calm.",
            "Troops of the CSTO arrived. The leader thanked Vladimir Putin for his help.\n\n"
            "Bitcoin miners lost power. Prices of liquefied petroleum gas doubled.",
        ],
    })


def test_coverage_finds_elements_with_their_sentence_and_offsets():
    cov = coverage(_articles())
    assert list(cov.columns) == ["article_id", "element", "label", "covered", "n_sentences",
                                 "sentence", "start", "end"]
    got = cov[cov.covered].set_index(["article_id", "element"])["sentence"].to_dict()
    assert got[("x", "casualties")] == "Police said 12 people were killed."
    assert got[("x", "internet-shutdown")].startswith("The internet")
    assert got[("x", "western-reactions")] == "Washington called for restraint."
    assert ("y", "foreign-troops") in got and ("y", "thanks-putin") in got
    assert ("y", "bitcoin") in got and ("y", "fuel-prices") in got
    body = _articles().body[0]
    r = cov[(cov.article_id == "x") & (cov.element == "casualties")].iloc[0]
    assert body[r.start : r.end] == r.sentence


def test_coverage_negatives_case_sensitive_names_and_required_words():
    arts = pd.DataFrame({"article_id": ["z"], "body": [
        "Unrest spread to the western province. She thanked her teachers. Russia sent a note."]})
    cov = coverage(arts).set_index("element")["covered"]
    assert not cov["western-reactions"]  # 'western' is not 'the West'
    assert not cov["thanks-putin"]  # thanks, but not to Russia's leader, in that sentence
    assert not cov["casualties"]


def test_coverage_shows_a_paragraph_sentence_rather_than_a_heading():
    body = ("Floods hit the valley\n\nRescuers searched all night.\n\n"
            "Mayor thanks volunteers\n\n"
            "The bitcoin farm by the river flooded. Its owner said the machines were lost.")
    arts = pd.DataFrame({"article_id": ["h"], "body": [body]})
    elements = [
        {"id": "bitcoin", "label": "Bitcoin", "signals": ["bitcoin", "machines"], "rationale": "r"},
        {"id": "thanks", "label": "Thanks", "signals": ["thank*"], "rationale": "r"},
    ]
    cov = coverage(arts, elements).set_index("element")
    assert cov.loc["bitcoin", "sentence"] == "The bitcoin farm by the river flooded."
    # a heading is still shown when nothing else mentions the element
    assert cov.loc["thanks", "sentence"] == "Mayor thanks volunteers"
    assert cov.loc["thanks", "covered"] and cov.loc["thanks", "n_sentences"] == 1


def test_coverage_prefers_paragraph_sentence_over_heading_even_when_heading_comes_first():
    body = "Tokayev refuses dialogue\n\n“What nonsense!” he said of calls for talks."
    arts = pd.DataFrame({"article_id": ["h"], "body": [body]})
    elements = [{"id": "talks", "label": "Talks", "signals": ["dialogue", "nonsense"], "rationale": "r"}]
    r = coverage(arts, elements).iloc[0]
    assert r.sentence.startswith("“What nonsense!”") and r.n_sentences == 2
    assert body[r.start : r.end] == r.sentence


def test_passive_and_active_renderings_of_one_promise_are_one_group():
    # held-out text: an irregular participle ('rebuilt') and another noun ('house' / 'home')
    quotes = ["We will rebuild every home, street by street",
              "Every house will be rebuilt, one street after another",
              "Nobody will be left without a roof"]
    assert group_quotes(quotes) == [0, 0, 1]


def test_only_one_source_and_left_out():
    cov = coverage(_articles())
    single = only_one_source(cov)
    assert set(single.element) >= {"bitcoin", "casualties", "foreign-troops"}
    gaps = left_out(cov)
    row = gaps[(gaps.article_id == "x") & (gaps.element == "bitcoin")].iloc[0]
    assert row.covered_by == ["y"]
    m = coverage_matrix(cov)
    assert m.shape == (2, len(load_elements())) and m.loc["y", "bitcoin"]


def test_elements_file_errors_name_the_file_and_field(tmp_path):
    bad = tmp_path / "elements.yml"
    bad.write_text("- id: a\n  label: A\n  signals: []\n  rationale: r\n", encoding="utf-8")
    with pytest.raises(LessonsDataError, match=r"elements.yml, line \d+, element 1 \(a\), field signals: signals must be"):
        load_elements(bad)
    bad.write_text("- id: a\n  label: A\n  signals: [x]\n", encoding="utf-8")
    with pytest.raises(LessonsDataError, match="rationale"):
        load_elements(bad)
    with pytest.raises(LessonsDataError, match="not found"):
        load_elements(tmp_path / "missing.yml")
    with pytest.raises(LessonsDataError, match="missing column"):
        coverage(pd.DataFrame({"article_id": ["a"]}))


# ------------------------------------------------------------------ the five articles

@pytest.fixture(scope="module")
def articles():
    from lessons.corpus import load_articles

    return load_articles()


@pytest.fixture(scope="module")
def reuse(articles):
    return find_reuse(articles)


def _pairs(df):
    return {tuple(sorted(p)) for p in zip(df.article_a, df.article_b)}


def test_five_articles_afp_copy_shared_by_thejournal_and_aljazeera(reuse):
    tj = reuse[(reuse.article_a == "thejournal") & (reuse.article_b == "aljazeera")]
    text = " ".join(tj.a_text)
    assert "armed and trained bandits, both local and foreign" in text
    assert "help quell the unrest" in text


def test_five_articles_reuters_copy_shared_by_jpost_and_aljazeera(reuse):
    rj = reuse[(reuse.article_a == "jpost") & (reuse.article_b == "aljazeera")]
    text = " ".join(rj.a_text)
    assert "making it difficult to determine the full extent of the violence" in text
    assert "national guard servicemembers had been killed" in text


def test_five_articles_every_passage_points_into_the_bodies(articles, reuse):
    bodies = articles.set_index("article_id")["body"]
    assert len(reuse) >= 5
    for r in reuse.itertuples():
        assert bodies[r.article_a][r.a_start : r.a_end] == r.a_text
        assert bodies[r.article_b][r.b_start : r.b_end] == r.b_text


def test_five_articles_order_quote_is_one_group_across_four_outlets(articles):
    from lessons.corpus import quotes

    frames = []
    for a in articles.itertuples():
        q = quotes(a.body)
        q["label"] = a.label
        frames.append(q)
    q = pd.concat(frames, ignore_index=True)
    v = quote_variants(q)
    order = v[v.text.str.contains("given the order|gave the order") & ~v.text.str.contains("Terrorists")]
    assert order.group.nunique() == 1
    assert {"JPost", "Republished", "Translated"} <= set(order.label)
    surrender = v[v.text.str.contains("surrender")]
    assert surrender.group.nunique() == 1 and surrender.label.nunique() == 3
    assert order.group.iloc[0] != surrender.group.iloc[0]


def test_five_articles_coverage_unique_elements(articles):
    cov = coverage(articles)
    single = only_one_source(cov).set_index("element")["article_id"].to_dict()
    assert single.get("bitcoin") == "jpost"
    assert single.get("dissident-in-paris") == "aljazeera"
    assert "state-of-emergency" not in single  # TheJournal and Al Jazeera ('emergency status')
    covered = cov[cov.covered].set_index(["article_id", "element"])["sentence"]
    # the paragraph sentence, not the live blog's heading 'West must stand up..., dissident says'
    assert covered[("aljazeera", "dissident-in-paris")].startswith("Mukhtar Ablyazov, a former government minister")
    m = coverage_matrix(cov)
    assert m["shoot-order"].all()
    assert not m.loc["jpost", "thanks-putin"]


def test_coverage_exercise_answer_follows_the_data(articles):
    from lessons.exercises import check, validate_exercise
    from lessons.tables import labels

    cov = coverage(_articles())
    ex = coverage_exercise(cov, "bitcoin", labels={"x": "Paper X", "y": "Paper Y"})
    validate_exercise(ex)
    assert ex["options"] == ["Paper X", "Paper Y"] and ex["answer"] == [0]
    assert "Bitcoin miners lost power" in ex["feedback"][1]
    assert ex["explanation"].startswith("Paper Y mentions it; Paper X does not. ")  # walk 7: grammar
    five = coverage_exercise(coverage(articles), "nazarbayev", labels=labels(articles))
    assert five["explanation"].startswith(
        "TheJournal, Republished and JPost mention it; Al Jazeera and Translated do not. ")
    assert check(ex, [0])["correct"] and not check(ex, [1])["correct"]
    with pytest.raises(LessonsDataError, match="no element"):
        coverage_exercise(cov, "no-such-element")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([
    "Officials said the bridge would remain closed until engineers had inspected its supports.",
    "The harvest was the best in a decade.", "“Nonsense!” he said.", "Prices rose\u2009sharply.",
    "The airport has been closed since Wednesday, stranding thousands of travellers.", "\n\n",
    "Rescuers searched the rubble through the night, but hopes of finding survivors faded.",
]), max_size=6), st.lists(st.sampled_from([
    "Officials said the bridge would remain closed until engineers had inspected the supports.",
    "The airport has been closed since Wednesday, stranding thousands of travelers.",
    "A dog barked.", "Rescuers searched the rubble all night, but hopes of finding survivors faded.",
]), max_size=6))
def test_property_offsets_always_index_the_original_texts(parts_a, parts_b):
    a, b = " ".join(parts_a), " ".join(parts_b)
    for r in shared_passages(a, b).itertuples():
        assert a[r.a_start : r.a_end] == r.a_text and b[r.b_start : r.b_end] == r.b_text
        assert 0 < r.score <= 1 and r.n_words >= 8


# ------------------------------------------------------------------ find_reuse at scale (issue 20)

def _stress(n):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import harness

    docs, planted = harness.stress_corpus(n)
    return pd.DataFrame(docs), planted


def _pair_set(df):
    return {tuple(sorted(p)) for p in zip(df.article_a, df.article_b)}


def _cpu(fn):
    import time

    t = time.process_time()
    out = fn()
    return time.process_time() - t, out


def test_find_reuse_grows_linearly_on_the_stress_corpus_with_every_planted_pair_and_nothing_else():
    """Articles full of boilerplate, stock phrases and common words: 4x the articles may take
    at most 4**1.4 = 7x the CPU time (all pairs, or counting pairs through common shingles,
    grows 16x). CPU time of this process, best of two for the small corpus: robust to a
    loaded machine."""
    small, planted_small = _stress(80)
    large, planted_large = _stress(320)
    find_reuse(small.head(5))  # warm-up: word lists, stemmer
    t_small, r_small = min(_cpu(lambda: find_reuse(small)), _cpu(lambda: find_reuse(small)), key=lambda x: x[0])
    t_large, r_large = _cpu(lambda: find_reuse(large))
    assert _pair_set(r_small) == planted_small
    assert _pair_set(r_large) == planted_large
    assert t_large / t_small <= 4 ** 1.4, (t_small, t_large)


def test_find_reuse_drops_boilerplate_in_a_corpus_but_not_in_a_pair():
    corpus, planted = _stress(100)
    reuse = find_reuse(corpus)
    bodies = corpus.body.tolist()
    # no reported passage is text that a fifth of the articles carry (boilerplate)
    assert all(sum(t in body for body in bodies) < 20 for t in reuse.a_text)
    # two articles of different families that share a boilerplate sentence: alone, nothing
    # tells it from reuse, and it is reported
    ids = corpus.article_id.tolist()
    for x in range(1, len(ids)):
        pair = corpus.iloc[[0, x]]
        if tuple(sorted(ids[k] for k in (0, x))) in planted:
            continue
        alone = find_reuse(pair)
        if len(alone):
            assert all(sum(t in body for body in bodies) >= 20 for t in alone.a_text)
            break
    else:
        raise AssertionError("no pair of the stress corpus shares a boilerplate sentence")


def test_find_reuse_in_small_chunks_gives_the_same_result():
    corpus, _ = _stress(60)
    whole = find_reuse(corpus)
    assert len(whole) > 0
    pd.testing.assert_frame_equal(find_reuse(corpus, chunk_size=7), whole)


def test_find_reuse_rejects_bad_parameters():
    with pytest.raises(LessonsDataError, match="chunk_size"):
        find_reuse(_toy_corpus(), chunk_size=0)
    with pytest.raises(LessonsDataError, match="min_shared"):
        find_reuse(_toy_corpus(), min_shared="3")


# --- issue 20 (reusefast): the fast tokeniser and run finder agree with the plain definitions


def _tokens_between_breaks(text):
    """The plain definition: words scanned between sentence breaks, one sentence per
    stretch that holds a word."""
    toks, seg_of, seg, pos = [], [], 0, 0
    for m in compare._BOUNDARY_RE.finditer(text):
        before = len(toks)
        for t in compare._TOKEN_RE.finditer(text, pos, m.start()):
            toks.append((t.start(), t.end(), t.group()))
            seg_of.append(seg)
        seg += len(toks) > before
        pos = m.end()
    for t in compare._TOKEN_RE.finditer(text, pos):
        toks.append((t.start(), t.end(), t.group()))
        seg_of.append(seg)
    return toks, seg_of


_HARD_TEXTS = [
    "",
    "...",
    "It rose 3.5 per cent. Then 4,000 left!\n\n'Go,' he said.' Next ?  ok",
    "He said: \u201cShoot.\u201d\u2019) Then\u2026 more \u2026\nline\n\n\n  after    end.",
    "No punctuation at all just words " * 30,
    "U.S. officials didn't say. They can't.\u00a0Won\u2019t they?\u2009Yes.\u202fNo",
]


@pytest.mark.parametrize("text", _HARD_TEXTS)
def test_one_scan_tokens_equal_the_scan_between_breaks(text):
    assert compare._raw_tokens(text) == _tokens_between_breaks(text)


def test_one_scan_tokens_equal_the_scan_between_breaks_on_the_articles():
    from lessons.corpus import load_articles

    for body in load_articles()["body"]:
        assert compare._raw_tokens(body) == _tokens_between_breaks(body)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="ab .!?\n'\u2019\u201d)3,", max_size=120))
def test_property_one_scan_tokens_equal_the_scan_between_breaks(text):
    assert compare._raw_tokens(text) == _tokens_between_breaks(text)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=0, max_size=12), st.lists(st.integers(0, 3), min_size=0, max_size=12))
def test_property_diagonal_runs_are_every_maximal_run(a, b):
    import numpy as np

    eq = np.array(a, dtype=np.int64)[:, None] == np.array(b, dtype=np.int64)[None, :]
    expected = set()
    for i in range(len(a)):
        for j in range(len(b)):
            if eq[i, j] and not (i and j and eq[i - 1, j - 1]):
                n = 0
                while i + n < len(a) and j + n < len(b) and eq[i + n, j + n]:
                    n += 1
                if n >= 2:
                    expected.add((i, j, n))
    got = compare._diagonal_runs(eq) if eq.size else []
    assert len(got) == len(expected)
    assert {tuple(r) for r in got} == expected


@pytest.mark.parametrize("bad", ["Storm", "storm_damage", "storm--damage", "storm damage", "a" * 61, "x-"])
def test_element_ids_are_kebab_case_and_bounded(tmp_path, bad):
    """An element's id becomes an exercise id (same-story-left-out-<id>): the loader rejects
    one that is not kebab-case or longer than 60 characters, naming file, line and field."""
    good = "- id: ok\n  label: A\n  signals: [x]\n  rationale: r\n"
    path = tmp_path / "elements.yml"
    path.write_text(good + f"- id: '{bad}'\n  label: B\n  signals: [y]\n  rationale: r\n", encoding="utf-8")
    with pytest.raises(LessonsDataError, match=r"elements.yml, line 5, element 2 \(.*\), field id: id .* is not kebab-case"):
        load_elements(path)
    path.write_text(good, encoding="utf-8")
    assert [e["id"] for e in load_elements(path)] == ["ok"]


def test_function_words_file_refuses_a_word_yaml_reads_as_true(tmp_path, monkeypatch):
    # YAML 1.1 reads a bare yes/on/off as a boolean: the shipped file quotes them, and a bare one
    # is refused with the file, the group and the field named (it used to become the word 'true')
    from lessons import _yaml

    words = [w for g in _yaml.read_file(data_dir() / "compare" / "function_words.yml") for w in g["words"]]
    assert all(isinstance(w, str) for w in words) and {"on", "off", "yes"} <= set(words)
    folder = tmp_path / "data"
    shutil.copytree(data_dir() / "compare", folder / "compare")
    path = folder / "compare" / "function_words.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("'yes'", "yes"), encoding="utf-8")
    monkeypatch.setenv("LESSONS_DATA", str(folder))
    compare._analyse.cache_clear()
    try:
        with pytest.raises(LessonsDataError, match=r"function_words.yml: group \d+, field 'words': True is not a word"):
            group_quotes(["a b c"])
    finally:
        compare._analyse.cache_clear()

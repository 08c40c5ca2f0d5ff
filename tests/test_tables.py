"""lessons.tables: the per-article tables and prose values the chapters show.

Hand-written frames and sentences for the small pieces; the five articles where a chapter's
prose says something about the result (these were asserts inside the chapters)."""

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from lessons import compare, corpus, language, tables
from lessons.errors import LessonsDataError

ROOT = Path(__file__).resolve().parents[1]
INVENTED = pd.DataFrame({
    "article_id": ["a", "b"], "label": ["Alpha", "Beta"], "outlet": ["A News", "unknown"],
    "headline": ["Mayor orders curfew without warning", "unknown"], "published": ["2024-01-01", "unknown"],
    "agencies": [["AFP", "Reuters"], []], "translated": [False, True], "via": ["direct", "unknown"],
    "body": ['“We will not surrender,” the mayor said.\n\nThe rebels were called “thugs” by officials.',
             "Officials said the thugs would be dealt with.\n\nA curfew began at noon."],
})


@pytest.fixture(scope="module")
def articles():
    return corpus.load_articles()


@pytest.fixture(scope="module")
def figs(articles):
    return tables.figure_tables(articles)


@pytest.fixture(scope="module")
def found(articles):
    return tables.loaded_terms_table(articles)


def test_join_names_and_count_of():
    assert tables.join_names([]) == "none"
    assert tables.join_names(["A"]) == "A"
    assert tables.join_names(iter(["A", "B", "C"])) == "A, B and C"
    assert tables.count_of(1, "group") == "1 group"
    assert tables.count_of(1200, "quotation") == "1,200 quotations"
    assert tables.count_of(2, "city", "cities") == "2 cities"


def test_labels_and_reports_with():
    assert tables.labels(INVENTED) == {"a": "Alpha", "b": "Beta"}
    assert tables.reports_with(INVENTED, "THUGS") == 2
    assert tables.reports_with(INVENTED, "THUGS", case=True) == 0
    assert tables.reports_with(INVENTED, "curfew (") == 0  # plain text, not a pattern


def test_per_article_tables_carry_the_report():
    quotes = tables.quotes_table(INVENTED)
    assert list(quotes["label"]) == ["Alpha", "Alpha"] and list(quotes["article_id"]) == ["a", "a"]
    assert "We will not surrender," in quotes["text"].iloc[0]
    assert len(tables.quotes_table(INVENTED, min_words=2)) == 1
    assert list(quotes.index) == list(range(len(quotes)))
    terms = tables.loaded_terms_table(INVENTED)
    assert {"article_id", "label", "term", "voice"} <= set(terms.columns)
    assert set(terms.loc[terms["term"].str.lower() == "thugs", "label"]) == {"Alpha", "Beta"}
    frags = tables.scare_quotes_table(INVENTED)
    assert list(frags["label"]) == ["Alpha"] and "thugs" in frags["text"].iloc[0]


def test_sources_table():
    table = tables.sources_table(INVENTED)
    assert list(table.columns) == ["Short name", "Outlet", "Headline", "Agencies named", "Translated?",
                                   "How it reached us"]
    assert table["Agencies named"].tolist() == ["AFP, Reuters", ""]
    # the date the page shows, which may be a last update (TheJournal's), not the first publication
    assert "Date shown" in tables.sources_table(INVENTED, published=True).columns


def test_credits_and_removed_tables(articles):
    credits = tables.credits_table(articles)
    assert list(credits.columns) == ["Report", "Caption (without its credit)", "Credit"]
    assert set(credits["Report"]) <= set(articles["label"]) and len(credits)
    # each credit is said once, in its own column, never repeated in the caption
    for caption, credit in zip(credits["Caption (without its credit)"], credits["Credit"]):
        assert not credit or credit not in caption
    # a copyright line keeps its mark: the page prints '© AFP 2022', and the © says whose text it is
    assert "© AFP 2022" in set(credits["Credit"]) and "AFP 2022" not in set(credits["Credit"])
    assert tables._credit_as_printed("Alamy Stock Photo Alamy Stock Photo", "Alamy Stock Photo") == "Alamy Stock Photo"
    assert tables.caption_piece_count() >= len(credits)
    removed = tables.removed_table(articles)
    summary = tables.removed_summary(removed)
    assert list(summary.columns) == ["Report", "Why it was removed", "Pieces"]
    assert summary["Pieces"].sum() == len(removed) == len(corpus.removed_parts())


def test_articles_html_escapes_and_closes_each_report():
    evil = INVENTED.assign(headline=["<script>alert(1)</script>", "unknown"])
    page = tables.articles_html(evil)
    assert page.count('<details class="lx-article">') == 2
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "Beta: (no headline survives)" in page


def test_as_written_keeps_the_sources_quotation_marks():
    assert tables.as_written("armed criminals", "Police killed 18 “armed criminals”.") == "“armed criminals”"
    assert tables.as_written("armed criminals", "Police killed 18 armed criminals.") == "armed criminals"
    assert tables.as_written("", "“”") == ""


def test_figure_tables_and_claim_lookups(figs):
    table, reports, verdicts = figs
    assert len(table) and set(reports["claim"]) <= set(table["claim"])
    row = tables.claim_row(reports, "detained", "thejournal", "approx")
    assert row["article_id"] == "thejournal" and row["qualifier"] == "approx"
    assert tables.figure_text(reports, "detained", "thejournal", "approx") == row["text"]
    with pytest.raises(KeyError, match="no figure for claim 'no-such-claim'"):
        tables.claim_row(reports, "no-such-claim")
    values = tables.claim_values(reports, verdicts, "detained", {"tj": ("thejournal", "approx"), "aj": "aljazeera"})
    assert values["tj"] == row["text"] and values["verdict"] == verdicts.set_index("claim").loc["detained", "verdict"]
    high = tables.highest_row(reports, "detained")
    assert high["compare_low"] == reports.loc[reports["claim"] == "detained", "compare_low"].max()


def test_figure_counts_and_tables(figs, articles):
    table, reports, verdicts = figs
    counts = tables.figure_counts(table, reports, verdicts)
    assert counts["n_figures"] == len(table) and counts["n_claims"] == len(verdicts)
    assert counts["n_exact"] + counts["n_vague"] + counts["n_hedged"] <= len(table)
    assert counts["shared_shown"].startswith("[") and counts["shared_sentence"]
    ledger = tables.figure_ledger(reports, verdicts, articles)
    assert list(ledger.columns) == ["Claim", *articles["label"]]
    assert len(ledger) == int((verdicts["n_articles"] > 1).sum())
    # a figure whose source is 'It', resolved from the sentence before, names the body in its
    # brackets once: '(the CSTO)', not '(It (the CSTO, named in the sentence before))'
    cells = [c for col in ledger.columns[1:] for c in ledger[col]]
    shared = reports[reports["claim"].isin(verdicts[verdicts["n_articles"] > 1]["claim"])]
    resolved = shared[shared["source_body"] != ""]
    assert len(resolved) and resolved["source"].str.startswith("It (the ").all()
    assert not any("(It (" in c or "sentence before" in c for c in cells), cells
    for body in resolved["source_body"]:
        assert any(f"(the {body})" in c for c in cells), body
    examples = tables.hedge_examples(table)
    assert examples["Kind"].is_unique and "floor" in set(examples["Kind"])
    counters = tables.counters_table(table)
    assert counters["Figures"].is_monotonic_decreasing
    assert tables.counter_values(table)["n_counters"] == len(counters)
    assert list(tables.claim_rows(reports, "detained").columns) == ["Report", "Figure", "Who said so",
                                                                    "Time words in the sentence"]
    assert (tables.acled_table(verdicts)["Conservative figure"] != "").all()
    assert list(tables.verdict_table(verdicts).columns) == ["Claim", "Reports", "Verdict", "Why"]


def test_same_value_figures(figs):
    table = figs[0]
    same = tables.same_value_figures(table, "thejournal", 18)
    assert len(same) == 2 and same["claim"].is_unique  # the chapter's two different 18s
    values = tables.same_value_values(same)
    assert values["a"] == same.iloc[0]["text"] and values["a_sentence"] == same.iloc[0]["sentence"]
    assert list(tables.same_value_table(same)["Figure"]) == list(same["text"])


def test_conservative_and_vague_values(figs):
    verdicts = figs[2]
    values = tables.conservative_values(verdicts, {"s": "security-killed", "o": "others-killed"},
                                        texts={"det": "detained"}, total=("s", "o"))
    assert values["sum"] == values["s"] + values["o"]
    assert isinstance(values["det"], str) and values["det"]
    rules = tables.vague_values(["dozens", "hundreds"])
    assert 0 < rules["dozens"] < rules["hundreds"]


def test_lexicon_groups_account_for_every_entry():
    lexicon = language.load_lexicon()
    groups, note = tables.lexicon_groups(lexicon)
    assert groups["Entries"].sum() == len(lexicon)  # the chapter's table accounts for every entry
    assert list(groups["Kind of loaded word"]) == [language.CATEGORY_NAMES[c] for c in language.CATEGORIES]
    if lexicon["term"].str.startswith("*-").any():
        assert "[a name]" in note


def test_word_use_on_hand_made_counts():
    names = pd.DataFrame({
        "group": ["crowd"] * 4 + ["forces"], "lemma": ["bandit", "bandit", "protester", "bandit", "bandit"],
        "voice": ["quoted", "reporter", "reporter", "quoted", "quoted"], "count": [3, 1, 5, 2, 9],
        "loaded": [True, True, False, True, True], "article_id": ["b", "a", "a", "a", "a"],
        "label": ["Beta", "Alpha", "Alpha", "Alpha", "Alpha"]})
    values = tables.word_use(names, ["bandit", "protester"], INVENTED)
    assert values["bandit_quoted"] == 5 and values["bandit_reporter"] == 1 and values["bandit_reports"] == 2
    assert values["bandit_quoted_reports"] == "Alpha, Beta" and values["bandit_outside_reports"] == "Alpha"
    assert values["protester_quoted"] == 0 and values["protester_reporter"] == 5
    assert values["loaded_crowd_quoted_share"] == round(100 * 5 / 6)



def test_word_use_own_words_leave_out_words_given_to_someone():
    """'Outside quotation marks' is not 'in the reporter's own words': chapter 3 says each."""
    names = pd.DataFrame({
        "group": ["crowd"] * 3, "lemma": ["protester"] * 3, "voice": ["reporter", "attributed", "quoted"],
        "count": [4, 2, 1], "loaded": [False] * 3, "article_id": ["a"] * 3, "label": ["Alpha"] * 3})
    values = tables.word_use(names, ["protester"], INVENTED)
    assert values["protester_reporter"] == 6 and values["protester_own"] == 4 and values["protester_quoted"] == 1


def test_most_loaded_words_for_the_crowds_are_quoted(articles):
    """Chapter 3's prose and chart description say so."""
    values = tables.word_use(language.naming(articles), ["bandit"], articles)
    assert values["loaded_crowd_quoted_share"] > 50


def test_naming_table(articles):
    names = language.naming(articles)
    wide = tables.naming_table(names, articles)
    assert list(wide.columns[:2]) == ["Who", "Word"] and len(wide.columns) == 2 + len(tables.VOICE_SHORT) * len(articles)
    assert wide.iloc[:, 2:].to_numpy().sum() == names["count"].sum()


def test_passage_around_and_opening(articles):
    passage = tables.passage_around(articles, "thejournal", "ridiculed")
    own = language.find_loaded_terms(passage).query("voice == 'reporter'")
    assert own["term"].tolist() == ["ridiculed"]  # chapter 3's prose says so
    assert tables.passage_around(INVENTED, "b", "curfew") == INVENTED["body"][1]
    assert tables.opening(INVENTED, "a") == INVENTED["body"][0].split("\n\n")[0]
    assert tables.opening(INVENTED, "a", paragraphs=2) == INVENTED["body"][0]
    with pytest.raises(KeyError, match="no paragraph"):
        tables.passage_around(INVENTED, "a", "not there")
    with pytest.raises(KeyError, match="no article"):
        tables.opening(INVENTED, "zzz")


def test_labels_and_euphemisms_are_denser_in_quotes(articles):
    """Chapter 3's chart description says labels and euphemisms are much denser inside quotes."""
    dens = language.density(articles)
    values = tables.density_values(dens)
    assert values["per_words"] == 1000 and values["per1000_quoted"] > values["per1000_reporter"]
    words = dens.drop_duplicates(["article_id", "voice"]).groupby("voice")["voice_words"].sum()
    for cat in ("label", "euphemism"):
        part = dens[dens["category"] == cat].groupby("voice")["n_terms"].sum()
        assert part["quoted"] / words["quoted"] > 3 * part["reporter"] / words["reporter"], cat


def test_euphemism_table_and_reports_using(found, articles):
    table = tables.euphemism_table(found, articles)
    xi = table[(table["Euphemism"] == "appropriate measures") & (table["Voice"] == "given to someone, no quotation marks")]
    assert list(xi["Reports"]) == ["Republished"]  # the note below chapter 3's table discusses this row
    hand = pd.DataFrame({"lemma": ["peacekeeper", "peacekeeping", "riot"], "category": ["euphemism"] * 2 + ["label"],
                         "label": ["Beta", "Alpha", "Alpha"]})
    assert tables.reports_using(hand, ["peacekeeper", "peacekeeping"], INVENTED) == "Alpha, Beta"
    assert tables.reports_using(hand, ["riot"], INVENTED, category="euphemism") == ""


def test_fragment_terms_table():
    table = tables.fragment_terms_table(INVENTED)
    assert list(table.columns) == ["Report", "Quoted words", "Said by (if the report says)", "Loaded words inside"]
    assert table.iloc[0]["Report"] == "Alpha" and "thugs" in table.iloc[0]["Loaded words inside"].lower()


def test_verbs_table(articles):
    verbs = language.attribution_verbs(articles)
    vt = tables.verbs_table(verbs, articles)
    assert list(vt.columns) == ["Kind of verb", "Verb", *articles["label"]]
    assert vt.columns.name is None and set(vt["Kind of verb"]) <= {"neutral", "judges the speaker"}


def test_passages_with(articles):
    warning = tables.passages_with(articles, "surrender")
    assert len(warning) and warning["Report"].is_unique  # chapter 3: one passage per report
    assert warning["Passage"].str.contains("surrender").all()
    assert tables.passages_with(INVENTED, "nothing like it").empty


def test_evaluation_values():
    values = tables.evaluation_values({"items": 40, "precision": 0.914, "recall": 0.5, "voice_accuracy": 1.0, "misses": 7})
    assert values == {"items": 40, "precision": 91, "recall": 50, "voice": 100, "misses": 7}


def test_limits_table_keeps_what_the_prose_says(articles):
    limits = tables.limits_table(articles)
    marks = limits["What the program marks"]
    assert marks[0].startswith("bandits (reporter)")
    assert marks[2].startswith("bandits (reporter)")  # 'depicted ... as' with words between: missed
    assert marks[3] == "nothing"
    assert "crackdown" in marks[4] and "peaceful" not in marks[4]
    values = tables.limits_values(limits)
    assert values == {"n_limits_reports": 2, "n_limits_written": 3}
    assert list(limits["From"]) == [tables.WRITTEN] * 2 + ["Republished", "TheJournal", tables.WRITTEN]


@pytest.mark.parametrize("text, message", [
    ("[1, 2", "not valid YAML"),
    ("{a: 1}", "expected a list"),
    ("- text: hello\n", "no reader"),
    ("- text: hi\n  article: a\n  find: x\n  reader: r\n", "either 'text'"),
    ("- reader: r\n", "either 'text'"),
])
def test_limits_file_problems_are_named(tmp_path, text, message):
    path = tmp_path / "limits.yml"
    path.write_text(text)
    with pytest.raises(LessonsDataError, match=message) as err:
        tables.limits_table(INVENTED, path)
    assert str(path) in str(err.value)


def test_headlines_and_openings():
    values = tables.headline_values(INVENTED, {"warning": "without warning", "order": r"orders?|fire"})
    assert values == {"n_headline_warning": 1, "n_headline_order": 1, "n_headlines_known": 1, "no_headline": "Beta"}
    openings = tables.openings_table(INVENTED)
    assert list(openings["First paragraph"]) == [b.split("\n\n")[0] for b in INVENTED["body"]]


def test_openings_leave_the_standfirst_out_of_the_first_paragraph(articles):
    table = tables.openings_table(articles).set_index("Report")
    opened = corpus.openings().set_index("article_id")
    for row in articles.itertuples():
        assert table.loc[row.label, "First paragraph"] == opened.loc[row.article_id, "lead"]
    journal = articles.set_index("article_id").loc["thejournal", "label"]
    assert table.loc[journal, "Line under the headline (standfirst)"] != "–"
    assert table.loc[journal, "First paragraph"] != articles.set_index("article_id").loc["thejournal", "body"].split("\n\n")[0]


def test_coverage_helpers(articles):
    cov, single, gaps = tables.coverage_tables(articles)
    assert set(cov["Report"]) == set(articles["label"]) and set(single["Report"]) <= set(articles["label"])
    values = tables.coverage_values(articles, cov, single, gaps)
    assert values["n_elements"] == len(compare.load_elements()) and values["n_single"] == len(single)
    assert values["most_gaps_n"] == gaps.groupby("article_id").size().max()
    split = tables.split_elements(cov, len(articles))
    counts = cov.groupby("element")["covered"].sum()
    assert split and all(2 <= counts[e] <= len(articles) - 2 for e in split)
    table = tables.gaps_table(gaps, articles)
    assert list(table.columns) == ["Report", "Left out (and which reports have it)"]
    assert tables.opening_coverage(articles, "shoot-order") != ""
    counts = tables.element_counts(cov, len(articles))
    assert counts["n_all"] == values["n_all_five"] and counts["n_elements"] == cov["element"].nunique()


def test_reuse_helpers(articles):
    shared = tables.shared_passages(articles)
    values = tables.reuse_values(shared, articles)
    assert values["n_pairs_all"] == 10 and 0 < values["n_pairs"] <= 10
    assert values["top_words"] == shared["n_words"].max()
    pair = tables.pair_passages(shared, "thejournal", "aljazeera")
    assert ((pair["article_a"] == "thejournal") & (pair["article_b"] == "aljazeera")).all()
    view = tables.shared_table(shared)
    assert not view["Passage in A"].str.contains("\n").any()
    html = tables.pair_comparisons_html(shared, articles, [("thejournal", "aljazeera", "quell the unrest"),
                                                           ("thejournal", "aljazeera", "no such words")])
    assert html and "quell" in html
    assert tables.pair_comparisons_html(shared, articles, [("jpost", "thejournal", "no such words")]) == ""
    reuse = compare.find_reuse(articles)
    assert list(tables.reuse_table(reuse, articles).columns) == ["Reports", "Words", "In the first", "In the second"]
    assert tables.reuse_values(shared.iloc[:0], articles)["n_passages"] == 0


def test_agency_values():
    assert tables.agency_values(INVENTED, "a", "AFP", prefix="x_") == {"x_agencies": "AFP and Reuters",
                                                                       "x_names_afp": "also names"}
    assert tables.agency_values(INVENTED, "b", "AFP")["names_afp"] == "does not name"


def test_quote_variants_values(articles):
    variants = compare.quote_variants(tables.quotes_table(articles, min_words=8))
    order = tables.group_with(variants, "the order")
    surrender = tables.group_with(variants, "surrender")
    assert order != surrender
    values = tables.variant_values(variants, articles, {"order": order, "surrender": surrender},
                                   without=("order", "army"), paraphrase=("surrender", "surrender"))
    assert values["n_order_versions"] >= 2 and values["n_quote_groups"] >= 2
    assert values["no_army_version"].endswith("version") or values["no_army_version"] == "none"
    assert values["surrender_paraphrase"].endswith(("it", "mentions it"))
    with pytest.raises(KeyError):
        tables.group_with(variants, "words nobody quotes")


def test_grouped_quotes():
    quotes = tables.grouped_quotes(INVENTED, min_words=2)
    assert quotes["group"].min() == 1  # counted from 1 for readers
    values = tables.quote_group_values(quotes)
    assert values["n_quotes"] == len(quotes) and values["quotes_in_groups"].startswith(f"{len(quotes)} quotation")
    assert list(tables.quote_groups_table(quotes).columns) == ["Group", "Report", "Speaker (if named)", "Quoted words"]
    assert tables.grouped_quotes(INVENTED, min_words=50).empty


def test_template_display_helpers():
    assert tables.capitalise_dates("on tuesday, 4 january") == "on Tuesday, 4 January"
    assert tables.capitalise_dates("mayday") == "mayday"
    ledger = pd.DataFrame({"label": ["Alpha"], "text": ["up to 40"], "qualifier": ["at_most"], "hedge": ["up to"],
                           "unit_name": [""], "counted": ["people"], "source": [""], "claim": [""], "sentence": ["s"]})
    shown = tables.ledger_table(ledger)
    assert shown["Hedge"].tolist() == ["ceiling (up to)"] and "Who gave it" in shown.columns
    verdicts = pd.DataFrame({"label": ["Dead"], "articles": ["a"], "verdict": ["agree"], "reason": ["on monday"],
                             "conservative_from": ["a"]})
    assert tables.verdicts_with_reasons(verdicts)["Why"].tolist() == ["on Monday"]
    terms = tables.loaded_terms_table(INVENTED)
    assert tables.voice_values(terms)["n_loaded"] == len(terms)
    assert list(tables.loaded_words_table(terms).columns)[:2] == ["Report", "Word"]


def test_template_prose_names_every_voice_the_table_and_chart_show():
    """Walk 9: the template said 'two voices' while its table had 'attributed' rows. Every
    voice is counted (the counts add up) and the prose shows each count from code."""
    terms = tables.loaded_terms_table(corpus.load_articles())
    values = tables.voice_values(terms)
    assert values["n_voices"] == len(language.VOICES) == 3
    assert sum(values[f"n_{v}"] for v in language.VOICES) == values["n_loaded"]
    assert set(tables.loaded_words_table(terms)["Voice"]) <= set(tables.VOICE_NAMES.values())
    nb = json.loads((ROOT / "chapters" / "template_your_articles.ipynb").read_text(encoding="utf-8"))
    prose = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    for name in values:
        assert f"{{eval}}`tpl_{name}`" in prose, name
    assert not re.search(r"\btwo voices\b", prose)
    for voice in language.VOICES:
        assert re.search(rf"\b{voice}", prose, re.I), voice


def test_open_folder_stops_on_a_broken_folder(tmp_path, capsys):
    (tmp_path / "articles.yml").write_text("- not: a valid entry\n")
    with pytest.raises(SystemExit):
        tables.open_folder(tmp_path)


def test_verb_values_on_hand_made_counts():
    verbs = pd.DataFrame({"article_id": ["a", "a", "b", "b"], "label": ["Alpha", "Alpha", "Beta", "Beta"],
                          "kind": ["neutral", "judging", "judging", "judging"],
                          "verb": ["said", "ridiculed", "ridiculed", "claimed"], "count": [3, 1, 2, 1]})
    values = tables.verb_values(verbs, INVENTED)
    assert values["n_neutral_verbs"] == 3 and values["n_judging_verbs"] == 4
    assert values["judging_verbs"] == '"ridiculed" (Alpha, Beta); "claimed" (Beta)'
    assert values["judging_given"] == "none"  # the invented reports have no judging verb at all


def test_chapter_3_names_the_judging_verbs_its_table_shows(articles):
    """The prose names the verbs of `verbs_table` (it once named 'lambasted', which no count had)."""
    verbs = language.attribution_verbs(articles)
    shown = tables.verbs_table(verbs, articles)
    shown = set(shown.loc[shown["Kind of verb"] == "judges the speaker", "Verb"])
    values = tables.verb_values(verbs, articles)
    assert set(re.findall(r'"([^"]+)"', values["judging_verbs"])) == shown
    assert not set(re.findall(r'"([^"]+)" \(', values["judging_given"])) & shown


def test_marked_words_name_what_the_passages_table_shows(articles):
    """Chapter 3 once said the list leaves out 'destroyed' while its table showed 'destroyed (quoted)'."""
    surrender = tables.passages_with(articles, "surrender")
    text = tables.marked_words(surrender, ["eliminate", "destroy"])
    named = set(re.findall(r"'([^']+)', ", text))
    shown = {m.split(" (")[0] for cell in surrender["Loaded words the program finds"] for m in cell.split(", ")}
    assert named and named <= shown
    assert {"destroyed", "eliminated"} & shown <= named
    invented = pd.DataFrame({"Passage": ["The committee met at noon."]})
    assert tables.marked_words(invented, ["eliminate"]) == "none of these words"

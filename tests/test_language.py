"""Tests for lessons.language: the lexicon file, matching, voice, scare quotes, HTML, summaries.

Sentences here are written for the tests (not taken from the five articles) unless a test says
it checks a result on the articles.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import case_files
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lessons import language as L
from lessons.datafiles import read
from lessons.datafiles.read import FileReport
from lessons.errors import LessonsDataError

CONTEXT_CASES = Path(__file__).parent / "cases" / "language_context.yml"
LEXICON_HEADER = "term,category,neutral,note,source,pos,forms,skip_if_preceded_by,skip_if_followed_by\n"


def found(text: str) -> pd.DataFrame:
    return L.find_loaded_terms(text)


def terms(text: str) -> list[str]:
    return found(text)["term"].tolist()


def one(text: str, surface: str) -> pd.Series:
    frame = found(text)
    rows = frame[frame["term"].str.lower() == surface.lower()]
    assert len(rows) == 1, f"expected one '{surface}' in {frame['term'].tolist()}"
    return rows.iloc[0]


# --------------------------------------------------------------------------- the lexicon file
def test_lexicon_is_large_valid_and_sourced():
    lex = L.load_lexicon()
    assert len(lex) >= 400
    assert set(lex["category"]) == set(L.CATEGORIES)  # every category used
    for column in ("term", "category", "note", "source", "pos"):
        assert (lex[column].str.len() > 0).all(), column
    keys = lex["term"].map(L._key)
    assert not keys.duplicated().any(), lex.loc[keys.duplicated(), "term"].tolist()
    allowed = ("own reasoned entry", "AP Stylebook", "Reuters Handbook", "BBC Editorial",
               "Wikipedia Manual of Style", "George Orwell", "News style guidance",
               "VADER sentiment lexicon", "Pattern subjectivity lexicon", "World Health Organization")
    bad = [s for s in lex["source"] if not s.startswith(allowed)]
    assert not bad, bad[:5]
    # Notes are sentences a student can read.
    assert (lex["note"].str.len().between(15, 200)).all()
    assert lex["note"].str.match(r"^[A-Z'\"‘“]").all()


def test_no_two_entries_claim_the_same_word():
    assert L.form_clashes() == []


def test_every_category_has_many_entries():
    counts = L.load_lexicon()["category"].value_counts()
    assert counts.min() >= 20, counts.to_dict()


@pytest.mark.parametrize("sentence, surface, category", [
    ("Officials blamed bandits.", "bandits", "label"),
    ("They called them terrorists.", "terrorists", "label"),
    ("Militants attacked the post.", "Militants", "label"),
    ("Thugs beat the reporter.", "Thugs", "label"),
    ("A mob gathered.", "mob", "label"),
    ("Looters emptied the shop.", "Looters", "label"),
    ("Rebels took the hill.", "Rebels", "label"),
    ("The regime fell.", "regime", "label"),
    ("Extremists were blamed.", "Extremists", "label"),
    ("Hooligans threw bottles.", "Hooligans", "label"),
    ("Ten men were liquidated.", "liquidated", "euphemism"),
    ("The fighters were eliminated.", "eliminated", "euphemism"),
    ("The gunman was neutralised.", "neutralised", "euphemism"),
    ("A peacekeeping mission began.", "peacekeeping", "euphemism"),
    ("The counter-terrorist operation goes on.", "counter-terrorist operation", "euphemism"),
    ("Troops moved to restore order.", "restore order", "euphemism"),
    ("She ridiculed the plan.", "ridiculed", "attribution"),
    ("He lambasted critics.", "lambasted", "attribution"),
    ("The coach slammed the referee.", "slammed", "attribution"),
    ("The thug claimed he was innocent.", "claimed", "attribution"),
    ("The shady firm admitted it had erred.", "admitted", "attribution"),
    ("She insisted on a recount after the rigged vote.", "insisted", "attribution"),
    ("He conceded that the botched plan failed.", "conceded", "attribution"),
    ("He boasted that sales doubled.", "boasted", "attribution"),
    ("An unprecedented storm wreaked havoc.", "unprecedented", "intensifier"),
    ("The floods caused havoc.", "havoc", "intensifier"),
    ("Soaring rents worry families.", "Soaring", "intensifier"),
    ("A brutal winter followed.", "brutal", "intensifier"),
    ("Chaos spread at the airport.", "Chaos", "intensifier"),
    ("The so-called experts disagreed.", "so-called experts", "descriptor"),
    ("The so-called deal collapsed.", "so-called", "distancing"),
    ("The alleged bribe was small.", "alleged", "distancing"),
    ("Her nefarious plan failed.", "nefarious", "descriptor"),
    ("The senator balked at the bloated cost.", "balked", "attribution"),
    ("Critics taunted the mayor.", "taunted", "attribution"),
    ("His sycophants cheered.", "sycophants", "label"),
    ("The Moscow-dominated alliance met.", "Moscow-dominated", "descriptor"),
    ("His hand-picked heir took over.", "hand-picked", "descriptor"),
    ("In the tightly controlled state, few protest.", "tightly controlled", "descriptor"),
    ("The iron-fisted ruler died.", "iron-fisted", "descriptor"),
    ("Homes were searched under the guise of a tax check.", "under the guise of", "distancing"),
    ("The minister painted a rosier picture.", "rosier", "descriptor"),
])
def test_issue_terms_are_found_in_their_category(sentence, surface, category):
    row = one(sentence, surface)
    assert row["category"] == category
    assert len(row["note"]) > 10


# --------------------------------------------------------------------------- bad lexicon files
def _write(tmp_path, body: str, header: str = LEXICON_HEADER):
    path = tmp_path / "lexicon.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


GOOD_ROW = "gremlin,label,person,\"A made-up insult.\",own reasoned entry,noun,,,\n"


def test_a_small_custom_lexicon_is_used(tmp_path):
    path = _write(tmp_path, GOOD_ROW)
    out = L.find_loaded_terms("Two gremlins and one bandit.", lexicon=path)
    assert out["term"].tolist() == ["gremlins"]  # only the custom entry


@pytest.mark.parametrize("body, message", [
    (GOOD_ROW + GOOD_ROW.replace("gremlin", "Gremlin"), "duplicates line 2"),
    ("gremlin,slur,person,\"Note.\",own reasoned entry,noun,,,\n", "category 'slur'"),
    ("gremlin,label,person,,own reasoned entry,noun,,,\n", "column note: note is empty"),
    ("gremlin,label,person,\"A note.\",,noun,,,\n", "column source: source is empty"),
    ("gremlin,label,person,\"A note.\",own reasoned entry,thing,,,\n", "pos 'thing'"),
    ("gremlin,label,person,\"A note.\",own reasoned entry,noun,,(unclosed,\n", "skip_if_preceded_by"),
])
def test_bad_lexicon_rows_name_file_line_and_field(tmp_path, body, message):
    path = _write(tmp_path, body)
    with pytest.raises(LessonsDataError) as err:
        L.find_loaded_terms("text", lexicon=path)
    assert message in str(err.value)
    assert "lexicon.csv" in str(err.value)
    assert "line 2" in str(err.value) or "line 3" in str(err.value)


def test_missing_column_and_missing_file(tmp_path):
    path = _write(tmp_path, "gremlin,label\n", header="term,category\n")
    with pytest.raises(LessonsDataError, match=r"line 1: missing column\(s\) neutral"):
        L.load_lexicon(path)
    with pytest.raises(LessonsDataError, match="cannot read"):
        L.load_lexicon(tmp_path / "nope.csv")


# --------------------------------------------------------------------------- inflections
@pytest.mark.parametrize("term, pos, expected", [
    ("bandit", "noun", {"bandit", "bandits"}),
    ("ridicule", "verb", {"ridicule", "ridicules", "ridiculed", "ridiculing"}),
    ("slam", "verb", {"slams", "slammed", "slamming"}),
    ("admit", "verb", {"admits", "admitted", "admitting"}),
    ("decry", "verb", {"decries", "decried", "decrying"}),
    ("neutralise", "verb", {"neutralised", "neutralized", "neutralising", "neutralizing"}),
    ("strongman", "noun", {"strongmen"}),
    ("militia", "noun", {"militias"}),
    ("brutal", "adj", {"brutally"}),
    ("restore order", "verb", {"restored order", "restoring order", "restores order"}),
    ("peacekeeping force", "noun", {"peacekeeping forces"}),
])
def test_inflections(term, pos, expected):
    assert expected <= set(L.inflections(term, pos))


# --------------------------------------------------------------------------- matching
def test_inflected_forms_match_and_keep_their_surface():
    text = "The bandit ran. Bandits ran. She ridicules it, ridiculed it and keeps ridiculing it."
    assert terms(text) == ["bandit", "Bandits", "ridicules", "ridiculed", "ridiculing"]
    assert set(found(text)["lemma"]) == {"bandit", "ridicule"}


def test_case_does_not_matter():
    assert terms("BANDITS, Bandits and bAnDiTs") == ["BANDITS", "Bandits", "bAnDiTs"]


def test_longest_multiword_term_wins():
    row = one("A counter-terrorist operation began.", "counter-terrorist operation")
    assert row["lemma"] == "counter-terrorist operation"
    assert terms("A counter-terrorist raid began.") == ["counter-terrorist"]


@pytest.mark.parametrize("text, surface", [
    ("The counterterrorist unit.", "counterterrorist"),
    ("The counter\u2011terrorist unit.", "counter\u2011terrorist"),    # non-breaking hyphen
    ("The counter\u2010terrorist unit.", "counter\u2010terrorist"),    # Unicode hyphen
    ("His handpicked heir.", "handpicked"),
    ("They will restore\u00a0order soon.", "restore\u00a0order"),      # no-break space
    ("They will restore\u2009order soon.", "restore\u2009order"),      # thin space
    ("They will restore\norder soon.", "restore\norder"),              # line wrap
    ("The Beijing-dominated board.", "Beijing-dominated"),
])
def test_hyphens_and_spaces_inside_terms(text, surface):
    row = one(text, surface)
    assert text[row["start"]:row["end"]] == surface


def test_no_match_inside_other_words_or_neutral_compounds():
    assert terms("Mobile phones and a regimen of mobility exercises; terrorism-free.") == ["terrorism"]
    assert terms("A male-dominated industry.") == []  # only a capitalised name before '-dominated'
    assert terms("It would be fine.") == []  # 'would be' is not 'would-be'


def _context_cases() -> list[dict]:
    """The labelled context-rule cases (``tests/cases/language_context.yml``), read by the one loader."""
    return case_files.load("language_context", None)


def test_context_case_file_is_well_formed():
    data, _ = read.yaml_data(CONTEXT_CASES, FileReport(CONTEXT_CASES))
    assert all(str(data.get(k) or "").strip() for k in ("source", "rationale", "licence"))
    cases = _context_cases()
    assert len(cases) >= 60
    assert len({c["text"] for c in cases}) == len(cases), "a sentence is listed twice"
    for c in cases:
        assert set(c) == {"text", "expected", "note", "_line"}, c["_line"]
        assert isinstance(c["expected"], list) and str(c["note"]).strip(), c["_line"]
        pos = 0
        for term in c["expected"]:  # every expected term is in the text, in order
            pos = c["text"].find(term, pos)
            assert pos >= 0, f"line {c['_line']}: {term!r} is not in the text (after the previous term)"
    neutral = sum(not c["expected"] for c in cases)
    assert 0 < neutral < len(cases), "both neutral and loaded uses are checked"


@pytest.mark.parametrize("case", _context_cases(), ids=lambda c: f"line{c['_line']}")
def test_context_rules(case):
    assert terms(case["text"]) == case["expected"], f"{CONTEXT_CASES.name}, line {case['_line']}: {case['note']}"


def test_preceded_by_word_lists_start_at_a_word_boundary():
    """'(the|a)\\s+$' without a boundary also matches the end of 'media ' or 'America '."""
    lex = L.load_lexicon()
    for row in lex.itertuples():
        pattern = row.skip_if_preceded_by
        for word in re.findall(r"(?<![\\\w])([a-z]{1,3})(?=[|)])", pattern):  # short plain words in a list
            rule = re.compile(pattern, re.IGNORECASE)
            assert not rule.search(f"xyz{word} "), f"line {row.line}: {word!r} in {pattern[:60]!r} matches inside a word"


RETIRED = ("authoritarian", "mainstream media", "point out", "unfortunately")  # data/language/README.md


def test_retired_entries_stay_out_and_are_explained():
    """Entries retired for their plain uses on real news are neither in the lexicon nor flagged,
    and the data README says why (bring one back only with a context rule for its loaded uses)."""
    lex = L.load_lexicon()
    assert not set(RETIRED) & set(lex["term"])
    text = "Unfortunately, the mainstream media pointed out that the far-right party is authoritarian."  # far-right: a word to watch
    assert terms(text) == []
    readme = (L.lexicon_path().parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Retired entries", 1)[1].split("\n## ", 1)[0]
    for term in RETIRED:
        assert f"*{term}*" in section, term


# Left and right twins (decision 52: the book takes no side): each pair has the same category,
# strength and context rules, so neither side's label is shown where the other's is not.
TWINS = (("far-left", "far-right"), ("hard-left", "hard-right"), ("ultra-left", "ultra-right"),
         ("leftist", "rightist"), ("ultraliberal", "ultraconservative"), ("arch-liberal", "arch-conservative"),
         ("libtard", "rethuglican"))


@pytest.mark.parametrize("left, right", TWINS)
def test_left_and_right_twins_are_treated_alike(left, right):
    lex = L.load_lexicon().set_index("term")
    assert left in lex.index and right in lex.index
    for column in ("category", "strength", "skip_if_preceded_by", "skip_if_followed_by", "strong_if_followed_by"):
        if column in lex.columns:
            assert lex.at[left, column] == lex.at[right, column], (left, right, column)


def test_offsets_index_the_original_string():
    text = "\u2009\U0001F600 Caf\u00e9 “thugs” \u2014 BANDITS\u2026 so\u2011called"
    out = found(text)
    assert len(out) == 3
    for row in out.itertuples():
        assert text[row.start:row.end] == row.term
    assert list(out["start"]) == sorted(out["start"])


# --------------------------------------------------------------------------- voice
@pytest.mark.parametrize("text, surface, voice", [
    ('Police said "thugs" attacked.', "thugs", "quoted"),
    ("Police said “thugs” attacked.", "thugs", "quoted"),
    ("Police said ‘thugs’ attacked.", "thugs", "quoted"),
    ("Police said 'thugs' attacked.", "thugs", "quoted"),
    ("Police said thugs attacked.", "thugs", "attributed"),  # reported speech, no quotation marks
    ("Thugs attacked the police.", "Thugs", "reporter"),
    ("It's the rebels' second attack, and they're bolder.", "rebels", "reporter"),
    ("The rebels’ leader didn’t speak.", "rebels", "reporter"),
    ("“We won’t talk to bandits,” he said.", "bandits", "quoted"),
    ("Groups they consider racist marched.", "racist", "attributed"),  # a verb of judging: their judgement
    ("Men seen as extremists were held.", "extremists", "attributed"),
    ("Racist groups marched.", "Racist", "reporter"),
    ("So-called “experts” disagreed.", "So-called", "reporter"),
])
def test_voice_with_straight_curly_single_quotes_and_apostrophes(text, surface, voice):
    assert one(text, surface)["voice"] == voice


def test_quoted_term_has_speaker_and_whole_statement_is_not_a_scare_quote():
    row = one("“The bandits will be destroyed,” the general said.", "bandits")
    assert row["voice"] == "quoted"
    assert not row["scare_quote"]
    assert "general" in row["speaker"]


def test_short_fragment_is_a_possible_scare_quote():
    row = one("Russia has sent 'peacekeeping forces' to the region.", "peacekeeping")
    assert row["voice"] == "quoted" and row["scare_quote"]
    row = one("Russia has sent “peacekeeping forces” to the region.", "peacekeeping")
    assert row["voice"] == "quoted" and row["scare_quote"]


def test_second_half_of_a_split_quote_is_not_a_scare_quote():
    text = '"We are calm," the mayor said, "and we will crush them."'
    row = one(text, "crush")
    assert row["voice"] == "quoted" and not row["scare_quote"]


def test_reporter_term_is_never_a_scare_quote():
    out = found("The regime’s thugs beat ‘protesters’.")
    assert not out[out.voice == "reporter"]["scare_quote"].any()


def test_scare_quotes_lists_short_fragments_only():
    text = 'The army called them "bandits". "We will win this war," he said. Bitcoin "mining" grew.'
    frags = L.scare_quotes(text)
    assert frags["text"].tolist() == ["bandits", "mining"]
    for row in frags.itertuples():
        assert text[row.start:row.end] == row.text


def test_voice_words_counts_words_inside_and_outside_quotes():
    counts = L.voice_words('He said "one two three" and left.')
    assert counts == {"reporter": 4, "attributed": 0, "quoted": 3}
    counts = L.voice_words("Police said thugs attacked the town.")
    assert counts == {"reporter": 2, "attributed": 4, "quoted": 0}


# --------------------------------------------------------------------------- highlight
def test_highlight_escapes_everything_and_keeps_markup_visible():
    text = 'Admins <script>alert("x")</script> & "thugs" attacked bandits.'
    out = L.highlight(text)
    assert "<script" not in out
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in out
    assert "&amp;" in out
    assert out.count("<mark") == 2 + 3  # two terms + three legend samples (one per voice)
    assert 'data-voice="quoted"' in out and 'data-voice="reporter"' in out
    assert re.search(r'title="[^"<>]*Voice: quoted', out)
    assert "solid" in out and "dashed" in out  # voice by underline style, not colour alone
    assert "Key:" in out


def test_highlight_without_legend_and_with_scare_quote_marker():
    out = L.highlight("They sent 'peacekeepers'.", legend=False)
    assert "Key:" not in out
    assert "<sup" in out and "possible scare quote" in out


def _visible(fragment: str) -> str:
    fragment = re.sub(r'<span style="position:absolute[^"]*">.*?</span>', "", fragment)
    fragment = re.sub(r"<sup[^>]*>.*?</sup>", "", fragment)
    fragment = re.sub(r"<[^>]+>", "", fragment)
    return html.unescape(fragment)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(list("ab <>&\"'’“”‘-") + ["thugs", " regime ", "so-called", "\u2009", "<script>"]),
                max_size=30).map("".join))
def test_highlight_shows_exactly_the_text(text):
    out = L.highlight(text, legend=False)
    assert "<script" not in out
    inner = out[len('<div class="lx-highlight">'):-len("</div>")]
    if text.strip():
        assert inner.startswith("<p>") and inner.endswith("</p>")
        assert _visible(inner[3:-4]) == text
    else:
        assert inner == ""


# --------------------------------------------------------------------------- robustness
def test_empty_none_and_wrong_types():
    assert found("").empty and list(found("").columns) == L.RESULT_COLUMNS
    assert found(None).empty
    with pytest.raises(LessonsDataError, match="must be a string"):
        L.find_loaded_terms(b"bandits")
    with pytest.raises(LessonsDataError, match="must be a string"):
        L.highlight(42)
    assert L.highlight("") == '<div class="lx-highlight">' + L.legend_html() + "</div>"


def test_huge_text_is_handled():
    plain = "The regime’s thugs ridiculed critics. Calm streets, ordinary words.\n\n" * 4000  # ~280,000 characters
    out = found(plain)
    assert len(out) == 3 * 4000 and (out["voice"] == "reporter").all()
    quoted = "The regime’s thugs ridiculed the “bandits”. Calm streets, ordinary words.\n" * 400
    out = found(quoted)
    assert len(out) == 4 * 400
    assert (out["voice"] == "quoted").sum() == 400


@pytest.mark.parametrize("text", [
    "\u202eThe regime\u202c said",                 # right-to-left override
    "e\u0301te\u0301 thugs",                         # combining accents
    "İSTANBUL thugs ǅ ﬁ",                            # dotted capital I, digraph, ligature
    "ＴＨＵＧＳ and thugs",                           # fullwidth letters
    "thu\u200dgs and th\u00adugs",                   # zero-width joiner and soft hyphen inside a word
    "\ud800 lone surrogate bandits",                 # a lone surrogate
    "“unclosed quote with bandits and no end",
])
def test_odd_unicode_does_not_break_offsets(text):
    out = found(text)
    for row in out.itertuples():
        assert text[row.start:row.end] == row.term
    L.highlight(text)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(list("aé \n'\"“”‘’-.,") + ["bandits", "ridiculed", "so-called",
                                                             "restore order", "regime", "admitted to hospital"]),
                max_size=40).map("".join))
def test_results_are_consistent_on_random_text(text):
    out = found(text)
    assert set(out["voice"]) <= set(L.VOICES)
    assert set(out["category"]) <= set(L.CATEGORIES)
    assert list(out["start"]) == sorted(out["start"])
    assert (out["start"].shift(-1).fillna(len(text) + 1) >= out["end"]).all()  # no overlaps
    for row in out.itertuples():
        assert text[row.start:row.end] == row.term
        assert not (row.scare_quote and row.voice == "reporter")


# --------------------------------------------------------------------------- summaries
def _tiny():
    return pd.DataFrame({
        "article_id": ["a", "b"],
        "label": ["A", "B"],
        "body": ['Protesters and bandits. The president called them "terrorists". Police said.',
                 "Demonstrators marched. Troops watched. Officials insisted the chaos was over."],
    })


def test_density_counts_per_voice_and_category():
    d = L.density(_tiny())
    assert len(d) == 2 * len(L.VOICES) * len(L.CATEGORIES)
    a = d[(d.article_id == "a")].set_index(["voice", "category"])
    assert a.loc[("reporter", "label"), "n_terms"] == 1
    assert a.loc[("quoted", "label"), "n_terms"] == 1
    assert a.loc[("quoted", "label"), "voice_words"] == 1
    assert a.loc[("quoted", "label"), "per_1000"] == 1000.0
    b = d[(d.article_id == "b")].set_index(["voice", "category"])
    assert b.loc[("reporter", "attribution"), "n_terms"] == 1


def test_naming_splits_by_group_and_voice():
    n = L.naming(_tiny())
    rows = {(r.article_id, r.lemma, r.voice): r for r in n.itertuples()}
    assert rows[("a", "terrorist", "quoted")].loaded
    assert rows[("a", "bandit", "reporter")].count == 1
    assert not rows[("a", "protester", "reporter")].loaded
    assert rows[("b", "troops", "reporter")].group == "forces"


def test_passage_span_keeps_quotations_whole():
    # hand-written: the sentence splitter cuts this quotation after "end."
    text = 'Rain fell. "We fight to the end. Whoever runs will be caught," the mayor said. Then he left.'
    cut = text.index("Whoever")
    a, b = L.passage_span(text, cut, cut + 7)
    assert text[a:b] == '"We fight to the end. Whoever runs will be caught," the mayor said.'
    # a sentence with no quotation stays as it is, trimmed of spaces
    a, b = L.passage_span(text, 0, 3)
    assert text[a:b] == "Rain fell."
    with pytest.raises(LessonsDataError, match="passage_span"):
        L.passage_span(text, 5, 2)


def test_words_to_watch_are_shown_beside_a_strong_word_or_on_request():
    """strength 'watch' (lexicon3): alone in its sentence, a weak word to watch is left out;
    beside a strong loaded word of the same sentence, or with every_watch=True, it is reported."""
    alone = "He claimed he was innocent. The thugs left."
    assert L.find_loaded_terms(alone)["term"].tolist() == ["thugs"]
    assert L.find_loaded_terms(alone, every_watch=True)["term"].tolist() == ["claimed", "thugs"]
    assert L.find_loaded_terms("The thug claimed he was innocent.")["term"].tolist() == ["thug", "claimed"]
    rows = L.load_lexicon()
    assert set(rows["strength"]) == {"strong", "watch"}
    assert (rows["strength"] == "watch").sum() < (rows["strength"] == "strong").sum()


def test_a_word_to_watch_is_strong_where_what_follows_says_so():
    """strong_if_followed_by (lexicon4): 'claimed that', 'claimed to' put a statement's truth in doubt
    and are shown alone; 'claimed' before its object alone stays a word to watch."""
    assert L.find_loaded_terms("He claimed that he was innocent.")["term"].tolist() == ["claimed"]
    assert L.find_loaded_terms("She claims to be a doctor.")["term"].tolist() == ["claims"]
    assert L.find_loaded_terms("He claimed he was innocent.")["term"].tolist() == []
    assert L.find_loaded_terms("The senator rejected claims that the plan was late.")["term"].tolist() == []


def test_strong_if_followed_by_is_only_for_a_word_to_watch(tmp_path):
    path = tmp_path / "lexicon.csv"
    path.write_text(LEXICON_HEADER.strip() + ",strength,strong_if_followed_by\n"
                    + "claim,attribution,said,A note.,own,verb,,,,strong,^\\s+that\n", encoding="utf-8")
    with pytest.raises(LessonsDataError, match="line 2, column strong_if_followed_by"):
        L.load_lexicon(path)


def test_a_lexicon_without_the_strength_column_keeps_every_entry_strong(tmp_path):
    path = tmp_path / "lexicon.csv"
    path.write_text(LEXICON_HEADER + "\nclaim,attribution,said,A note.,own,verb,,,\n", encoding="utf-8")
    assert L.find_loaded_terms("He claimed he was innocent.", lexicon=path)["term"].tolist() == ["claimed"]


def test_attribution_verbs_neutral_against_judging():
    v = L.attribution_verbs(_tiny())
    assert set(v[v.article_id == "b"]["verb"]) == {"insisted"}
    assert set(v[(v.article_id == "a") & (v.kind == "neutral")]["verb"]) == {"said"}


def test_summaries_reject_bad_input():
    with pytest.raises(LessonsDataError, match="article_id and body"):
        L.density(pd.DataFrame({"x": [1]}))


# --------------------------------------------------------------------------- the five articles
def test_results_on_the_five_articles():
    d = L.density()
    assert set(d["article_id"]) == {"thejournal", "republished", "jpost", "aljazeera", "translated"}
    per = d.groupby(["article_id", "voice"])["n_terms"].sum()
    assert (per.xs("quoted", level="voice") > 0).all()  # every outlet quotes loaded words
    n = L.naming()
    bandits = n[(n.lemma == "bandit")]
    assert set(bandits["article_id"]) == {"thejournal", "republished", "jpost", "aljazeera", "translated"}
    # The translated report renders the threat with 'eliminated'; the others use 'destroyed'.
    t = L.find_loaded_terms(n.pipe(lambda _: __import__("lessons.corpus", fromlist=["x"]).load_articles())
                            .set_index("article_id").loc["translated", "body"])
    assert ((t.lemma == "eliminate") & (t.voice == "quoted")).any()


# --------------------------------------------------------------------------- held-out evaluation
def test_heldout_set_scores():
    for split in ("dev", "test"):
        score = L.evaluate(split=split)
        assert score["items"] >= 30
        assert score["precision"] >= 0.9, score
        assert score["recall"] >= 0.85, score
        assert score["voice_accuracy"] >= 0.95, score
        assert score["scare_quote_accuracy"] >= 0.9, score


def test_heldout_file_errors(tmp_path):
    path = tmp_path / "language.yml"
    head = "source: x\nrationale: y\nlicence: z\ncases:\n  - text: 'A mob.'\n    split: test\n"
    path.write_text(head + "    expected: [{term: crowd, voice: reporter}]\n")
    with pytest.raises(LessonsDataError, match=r"line 7, case 1, field expected\[1\].term: term 'crowd' is not in the text"):
        L.load_heldout(path)
    path.write_text(head + "    expected: [{term: mob, voice: writer}]\n")
    with pytest.raises(LessonsDataError, match="field expected.1..voice: unknown voice 'writer'"):
        L.load_heldout(path)
    path.write_text(head + "    expected: [{term: mob, voice: reporter}]\n")
    assert L.load_heldout(path) == [{"text": "A mob.", "split": "test", "loaded": [{"term": "mob", "voice": "reporter"}]}]


# --------------------------------------------------------------------------- attributed voice
# Labelled cases in tests/cases/language_attributed_voice.yml (speaker "": not checked).
@pytest.mark.parametrize("case", case_files.params("language_attributed_voice", ("voice", "speaker")))
def test_reported_speech_without_quotation_marks_is_attributed(case):
    row = one(case["text"], case["surface"])
    assert row["voice"] == case["expected"]["voice"], case["note"]
    if case["expected"]["speaker"]:
        assert row["speaker"] == case["expected"]["speaker"], case["note"]
    assert not row["scare_quote"]


def test_attributed_terms_are_shown_dotted_and_said_in_words():
    out = L.highlight("Police said thugs attacked.")
    assert 'data-voice="attributed"' in out and "dotted" in out
    assert re.search(r'title="[^"<>]*Voice: attributed to Police, not quoted', out)
    assert "dotted underline" in L.legend_html()


def test_voice_rules_file_is_checked(tmp_path, monkeypatch):
    (tmp_path / "language").mkdir()
    for name in ("lexicon.csv", "reference_terms.csv"):
        (tmp_path / "language" / name).write_bytes((L.data_dir() / "language" / name).read_bytes())
    (tmp_path / "language" / "voice.yml").write_text("naming: {verbs: [called]}\nreporting: {reason: x, verbs: [said]}\n")
    monkeypatch.setenv("LESSONS_DATA", str(tmp_path))
    with pytest.raises(LessonsDataError, match=r"voice.yml, line 1, section naming, field reason: section naming has no reason"):
        L.find_loaded_terms("Police said thugs attacked and critics called them bandits.")


def test_attributed_voice_is_linear_on_long_reported_speech():
    text = ("Officials said the mob of thugs attacked, according to police, what critics called bandits. " * 300)
    out = L.find_loaded_terms(text)
    assert len(out) >= 900 and set(out["voice"]) == {"attributed"}


def test_a_data_folder_without_voice_rules_uses_the_shipped_ones(tmp_path, monkeypatch):
    (tmp_path / "language").mkdir()
    for name in ("lexicon.csv", "reference_terms.csv"):
        (tmp_path / "language" / name).write_bytes((L.data_dir() / "language" / name).read_bytes())
    monkeypatch.setenv("LESSONS_DATA", str(tmp_path))
    assert one("Police said thugs attacked.", "thugs")["voice"] == "attributed"

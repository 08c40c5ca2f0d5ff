"""lessons.corpus: cleaning, loading, sentences and quotations, on the articles and on text we wrote."""

import shutil
from pathlib import Path

import pytest
import yaml

from lessons import corpus
from lessons.errors import LessonsDataError

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"


# ------------------------------------------------------------------ the shipped data
def test_raw_files_are_the_seeds_byte_for_byte():
    raw = sorted((ROOT / "data" / "raw").glob("*.txt"))
    assert len(raw) == 5
    if SEEDS.exists():
        for path in raw:
            assert path.read_bytes() == (SEEDS / path.name).read_bytes(), f"{path.name} differs from the seed"


def test_load_articles_columns_and_ids():
    articles = corpus.load_articles()
    for column in ["article_id", "source_file", "outlet", "headline", "published", "agencies", "language",
                   "translated", "via", "provenance", "body"]:
        assert column in articles.columns
    assert articles["article_id"].is_unique and len(articles) == 5
    assert set(articles["article_id"]) == {"thejournal", "republished", "jpost", "aljazeera", "translated"}


def test_bodies_are_clean():
    bodies = corpus.load_articles().set_index("article_id")["body"]
    furniture = ["Advertisement", "Source link", "Leave a Reply", "View 31 comments", "Subscribe to",
                 "Back to top", "LAST UPDATE", "Alamy Stock Photo", "photo credit", "aktau-kazakhstan",
                 "date 2022-01-07", "© AFP", "Related Articles", "readers like you", "[Vladimir Tretyakov/AP]"]
    for article_id, body in bodies.items():
        for junk in furniture:
            assert junk not in body, f"{article_id}: '{junk}' left in the body"
        assert "\n\n" in body and "\n\n\n" not in body
    # real reporting survives, including live-blog headings and the last paragraph
    assert "The United States and, frankly, the world will be watching" in bodies["thejournal"]
    assert bodies["translated"].startswith("Kazakhstan’s President Kasim-Yomart Tokayev")
    assert "China’s Global Times newspaper reported" in bodies["republished"]
    assert "Russian units flying in ’round the clock’" in bodies["aljazeera"]


def test_headlines_found_by_cleaning_match_the_metadata():
    articles = corpus.load_articles()
    for row in articles.itertuples():
        found = corpus.clean_text((ROOT / "data" / "raw" / row.source_file).read_text()).headline
        if row.headline == "unknown":
            assert found == "", f"{row.article_id}: no headline in the text, but cleaning found {found!r}"
        else:
            assert found == row.headline


def test_removed_parts_have_reasons_and_captions_keep_credits():
    removed = corpus.removed_parts()
    assert (removed["reason"] != "").all()
    reasons = set(removed["reason"])
    for reason in ["fundraising appeal", "comments widget", "image file slug", "photo caption or credit",
                   "newsletter prompt", "update stamp", "source link, related articles or navigation furniture"]:
        assert reason in reasons
    credits = corpus.captions()
    assert {"AFP 2022", "Vladimir Tretyakov/AP", "REUTERS/PAVEL MIKHEYEV"} <= set(credits["credit"])
    assert any("EFE/EPA" in c for c in credits["credit"])


def test_nothing_is_lost_in_cleaning():
    """Every non-blank character of a raw page is either kept or removed with a reason."""
    for row in corpus.load_articles().itertuples():
        raw = (ROOT / "data" / "raw" / row.source_file).read_text()
        cleaned = corpus.clean_text(raw)
        covered = set()
        for part in cleaned.parts.itertuples():
            assert raw[part.start:part.end] == part.text
            covered.update(range(part.start, part.end))
        lost = [i for i, ch in enumerate(raw) if not ch.isspace() and i not in covered]
        assert not lost, f"{row.article_id}: characters dropped silently near {raw[lost[0]:lost[0] + 40]!r}"


def test_agencies_in_metadata_are_named_in_the_text():
    caps = corpus.captions()
    for row in corpus.load_articles().itertuples():
        raw = (ROOT / "data" / "raw" / row.source_file).read_text()
        found = corpus.credited_agencies(raw)
        for agency in row.agencies:
            assert agency in found, f"{row.article_id}: metadata credits {agency}, text does not"
    assert not caps.empty


# ------------------------------------------------------------------ boilerplate we wrote
MADE_UP_PAGE = """Sponsored content

Mayor promises new bridge by spring

Please donate today: our journalism depends on readers like you.

river-town-bridge-site-at-dawn-with-cranes-2023-jpg-large A crane at the bridge site. Photo: Jane Roe/Agency

Updated: 3 March 2023

The mayor said the bridge would open in April. "We are on schedule," she told reporters.

Sign up for our daily newsletter

Residents were not convinced.

Read more

© Example Wire 2023
Comments (4)
Good article!
"""


def test_cleaning_general_boilerplate_we_wrote():
    cleaned = corpus.clean_text(MADE_UP_PAGE)
    assert cleaned.headline == "Mayor promises new bridge by spring"
    assert cleaned.paragraphs == [
        'The mayor said the bridge would open in April. "We are on schedule," she told reporters.',
        "Residents were not convinced.",
    ]
    reasons = dict(zip(cleaned.parts["text"], cleaned.parts["reason"]))
    assert reasons["Sponsored content"] == "advertisement"
    assert reasons["Please donate today: our journalism depends on readers like you."] == "fundraising appeal"
    assert reasons["Updated: 3 March 2023"] == "update stamp"
    assert reasons["Sign up for our daily newsletter"] == "newsletter prompt"
    assert reasons["Good article!"] == "page furniture after the article"
    assert "image file slug" in reasons.values()
    assert cleaned.captions["credit"].tolist()[:1] == ["Jane Roe/Agency"]


def test_news_sentences_that_look_like_boilerplate_are_kept():
    page = ("Advertising revenue at the broadcaster fell by a fifth last year.\n\n"
            "Readers of the report were asked to support the plan.\n\n"
            "The comments section of the bill was removed.\n")
    cleaned = corpus.clean_text(page)
    assert len(cleaned.paragraphs) + bool(cleaned.headline) == 3


# ------------------------------------------------------------------ standfirst (issue 14)
STANDFIRST_PAGE = """Harbour reopens after storm

Officials said 40 boats had been damaged and 12 sunk.

Updated | 4 May 2023

THE HARBOUR reopened on Monday after a week of repairs, the port authority said.

Fishermen returned to work at dawn.
"""


def test_the_line_between_headline_and_update_stamp_is_a_standfirst_not_the_lead():
    cleaned = corpus.clean_text(STANDFIRST_PAGE)
    kinds = dict(zip(cleaned.parts["text"], cleaned.parts["kind"]))
    assert kinds["Officials said 40 boats had been damaged and 12 sunk."] == "standfirst"
    assert kinds["Fishermen returned to work at dawn."] == "paragraph"
    # the standfirst stays in the body (its figures are the page's), but is not its lead
    assert cleaned.body.startswith("Officials said 40 boats")


def test_no_standfirst_without_a_stamp_after_it_or_when_too_long():
    no_stamp = STANDFIRST_PAGE.replace("Updated | 4 May 2023\n", "")
    assert "standfirst" not in set(corpus.clean_text(no_stamp).parts["kind"])
    long_line = " ".join(["word"] * 70) + "."
    too_long = STANDFIRST_PAGE.replace("Officials said 40 boats had been damaged and 12 sunk.", long_line)
    assert "standfirst" not in set(corpus.clean_text(too_long).parts["kind"])
    stamp_first = corpus.clean_text(MADE_UP_PAGE)  # the stamp comes before the first paragraph
    assert "standfirst" not in set(stamp_first.parts["kind"])


def test_openings_give_headline_standfirst_and_lead_of_each_report():
    openings = corpus.openings()
    assert list(openings.columns) == ["article_id", "headline", "standfirst", "lead"]
    assert list(openings["article_id"]) == list(corpus.load_articles()["article_id"])
    tj = openings.set_index("article_id").loc["thejournal"]
    # TheJournal's page: the ministry's count sits under the headline, before 'LAST UPDATE'
    assert tj["standfirst"].startswith("The interior ministry said earlier that 26")
    assert tj["lead"].startswith("KAZAKHSTAN’S PRESIDENT has rejected calls for talks")
    assert (openings["lead"] != "").all() and (openings["lead"] != openings["standfirst"]).all()
    assert (openings["standfirst"] != "").sum() == 1  # no other page has a stamp after its first line


# ------------------------------------------------------------------ loading errors
def _copy_data(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "data" / "raw", tmp_path / "raw")
    shutil.copy(ROOT / "data" / "articles.yml", tmp_path / "articles.yml")
    return tmp_path


def _edit_metadata(folder: Path, change):
    path = folder / "articles.yml"
    entries = yaml.safe_load(path.read_text())
    change(entries)
    path.write_text(yaml.safe_dump(entries, allow_unicode=True))


def test_loads_any_folder_in_the_same_format(tmp_path):
    folder = _copy_data(tmp_path)
    assert len(corpus.load_articles(folder)) == 5


def test_missing_metadata_file(tmp_path):
    with pytest.raises(LessonsDataError, match=r"articles\.yml: metadata file not found"):
        corpus.load_articles(tmp_path)


def test_missing_field_names_entry_and_field(tmp_path):
    folder = _copy_data(tmp_path)
    _edit_metadata(folder, lambda e: e[2].pop("provenance"))
    with pytest.raises(LessonsDataError, match=r"articles\.yml, line \d+, entry 3 \(article_id 'jpost'\): missing field provenance"):
        corpus.load_articles(folder)


def test_unknown_field(tmp_path):
    folder = _copy_data(tmp_path)
    _edit_metadata(folder, lambda e: e[0].update(author="someone"))
    with pytest.raises(LessonsDataError, match=r"line \d+, entry 1 \(article_id 'thejournal'\), field author: unknown field 'author'"):
        corpus.load_articles(folder)


def test_duplicated_id(tmp_path):
    folder = _copy_data(tmp_path)
    _edit_metadata(folder, lambda e: e[1].update(article_id="thejournal"))
    with pytest.raises(LessonsDataError, match=r"entry 2 \(article_id 'thejournal'\), field article_id: .*used twice \(also entry 1\)"):
        corpus.load_articles(folder)


def test_missing_article_file(tmp_path):
    folder = _copy_data(tmp_path)
    (folder / "raw" / "002_7175497d84153f34.txt").unlink()
    with pytest.raises(LessonsDataError, match=r"article_id 'jpost'.*source_file.*002_7175497d84153f34\.txt not found"):
        corpus.load_articles(folder)


def test_undecodable_text_names_file_and_line(tmp_path):
    folder = _copy_data(tmp_path)
    (folder / "raw" / "001_be770c9c753a573d.txt").write_bytes("line one\nline two \xe9t\xe9\n".encode("latin-1"))
    with pytest.raises(LessonsDataError, match=r"001_be770c9c753a573d\.txt, line 2: not UTF-8"):
        corpus.load_articles(folder)


def test_bad_yaml_names_line(tmp_path):
    folder = _copy_data(tmp_path)
    (folder / "articles.yml").write_text("- article_id: a\n  outlet: [unclosed\n")
    with pytest.raises(LessonsDataError, match=r"articles\.yml, line \d+: not valid YAML"):
        corpus.load_articles(folder)


def test_bad_translated_value(tmp_path):
    folder = _copy_data(tmp_path)
    _edit_metadata(folder, lambda e: e[4].update(translated="maybe"))
    with pytest.raises(LessonsDataError, match=r"field translated: translated is 'maybe'"):
        corpus.load_articles(folder)


# ------------------------------------------------------------------ sentences
def _sentences(text):
    return corpus.sentences(text)["text"].tolist()


def test_sentences_keep_abbreviations_decimals_and_ellipses():
    text = ("Mr. Smith met U.S. officials on Monday. Prices rose 3.5 per cent. "
            "He said it was “not enough . . . and too late.” Then he left.")
    assert _sentences(text) == ["Mr. Smith met U.S. officials on Monday.", "Prices rose 3.5 per cent.",
                                "He said it was “not enough . . . and too late.”", "Then he left."]


def test_sentences_thin_and_no_break_spaces():
    text = "They were participants\u2009.\u2009.\u2009.\u2009and we will react. Next one.\u00a0And a third."
    assert _sentences(text) == ["They were participants\u2009.\u2009.\u2009.\u2009and we will react.",
                                "Next one.", "And a third."]


def test_sentences_offsets_index_the_original_and_lines_split():
    text = "A headline without a stop\n\n  First sentence! Second? “Third.”\n"
    frame = corpus.sentences(text)
    assert frame["text"].tolist() == ["A headline without a stop", "First sentence!", "Second?", "“Third.”"]
    for row in frame.itertuples():
        assert text[row.start:row.end] == row.text


def test_sentences_empty():
    assert corpus.sentences("").empty and list(corpus.sentences("").columns) == ["start", "end", "text"]


# ------------------------------------------------------------------ quotations
def _quoted(text):
    return corpus.quotes(text)["text"].tolist()


def test_quotes_curly_straight_and_single_but_not_apostrophes():
    text = ("The country’s leader said “we will win” and called them 'bandits', while "
            "critics in the ’90s style wrote \"no\" to the ‘so-called’ plan. Don’t panic, rock 'n' roll.")
    assert _quoted(text) == ["we will win", "bandits", "no", "so-called"]


def test_quotes_plural_possessive_inside_single_quotes():
    assert _quoted("They rejected ‘the protesters’ demands for talks’ at once.") == ["the protesters’ demands for talks"]


def test_quotes_headline_single_quotes():
    assert _quoted("President issues ‘shoot to kill’ order") == ["shoot to kill"]


def test_quote_running_across_paragraphs():
    text = "“This is the first part of what she said.\n\n“And this is the second part,” she said."
    frame = corpus.quotes(text)
    assert len(frame) == 1
    row = frame.iloc[0]
    assert row.start == 1 and text[row.end] == "”" and "second part" in row.text


def test_unclosed_quote_does_not_swallow_the_next_paragraph():
    text = "He said “this never closes.\n\nA new paragraph without quotes."
    frame = corpus.quotes(text)
    assert len(frame) == 1 and "new paragraph" not in frame.iloc[0].text


def test_speakers_before_after_and_resolved_pronouns():
    text = ("“We are ready,” the defence minister said. “The border is calm,” said General Ana Ruiz. "
            "“We will hold,” she added. Mayor Tom Cole, speaking in the square, says the plan is “a disaster”.")
    frame = corpus.quotes(text)
    assert frame["speaker"].tolist() == ["the defence minister", "General Ana Ruiz", "General Ana Ruiz", "Mayor Tom Cole"]


def test_speaker_empty_when_not_attributed():
    assert corpus.quotes("The word “unrest” appears often.")["speaker"].tolist() == [""]


def test_nested_quotes():
    frame = corpus.quotes("“They ask me: ‘What should we do?’ every day,” he said.")
    assert frame["nested"].tolist() == [False, True]


def test_quotes_offsets_and_empty_input():
    text = "A “quoted\u00a0phrase” with a no-break space."
    row = corpus.quotes(text).iloc[0]
    assert text[row.start:row.end] == row.text == "quoted\u00a0phrase"
    assert corpus.quotes("").empty


def test_quotes_in_the_articles_have_speakers():
    body = corpus.load_articles().set_index("article_id")["body"]
    frame = corpus.quotes(body["jpost"])
    grushko = frame[frame["text"].str.startswith("standing up for Kazakhstan")]
    assert grushko["speaker"].iloc[0] == "Deputy Foreign Minister Alexander Grushko"
    journal = corpus.quotes(body["thejournal"])
    he_said = journal[journal["text"].str.startswith("Local authorities are monitoring")]
    assert he_said["speaker"].iloc[0] == "Tokayev"


def test_article_html_escapes_and_marks_quotes():
    html = corpus.article_html('He wrote “<script>alert(1)</script>” here.\n\nNext & last.')
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'class="lx-quote"' in html and html.count("<p>") == 2 and "&amp;" in html


def test_caption_without_credit_says_the_credit_once_in_its_own_column():
    assert corpus.caption_without_credit("Protest in Aktau. Alamy Stock Photo Alamy Stock Photo",
                                         "Alamy Stock Photo") == "Protest in Aktau."
    assert corpus.caption_without_credit("A barricade. (photo credit: REUTERS/X)", "REUTERS/X") == "A barricade."
    assert corpus.caption_without_credit("Central Asia [Jane Roe/AP]", "Jane Roe/AP") == "Central Asia"
    assert corpus.caption_without_credit("The president, 7 January | EFE/EPA", "EFE/EPA") == "The president, 7 January"
    assert corpus.caption_without_credit("© AFP 2022", "AFP 2022") == ""
    assert corpus.caption_without_credit("No credit here.", "") == "No credit here."
    # on the five pages: no caption keeps its credit at the end
    for row in corpus.captions().itertuples():
        shown = corpus.caption_without_credit(row.caption, row.credit)
        assert not row.credit or not shown.endswith(row.credit), row.caption

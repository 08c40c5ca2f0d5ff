"""The articles as clean data: load them, clean scraped pages, split sentences, find quotations.

Cleaning is code, not hand edits: each raw file is split into a headline, body paragraphs and
removed parts, each removed part with a reason. The rules are general patterns kept in
``data/corpus/*.yml`` so another set of articles needs new data, not new code.
Every offset returned here indexes the original string it was computed on.
"""

from __future__ import annotations

import bisect
import html
import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import _guard, _yaml
from . import text as _text
from .datafiles import articles as articles_file
from .datafiles.read import cached as read_cached
from .datafiles.read import stamp as read_stamp
from .errors import LessonsDataError, text_arg
from .paths import data_dir
from .text import CLOSE_DOUBLE as _CLOSE_DOUBLE
from .text import CLOSE_SINGLE as _CLOSE_SINGLE
from .text import OPEN_DOUBLE as _OPEN_DOUBLE
from .text import OPEN_SINGLE as _OPEN_SINGLE
from .text import SPACE as _SPACE
from .text import sentences  # noqa: F401  (part of this module's API: corpus.sentences)

# The articles.yml fields and their rules: lessons.datafiles.articles
METADATA_FILE, RAW_FOLDER = articles_file.METADATA_FILE, articles_file.RAW_FOLDER
REQUIRED_FIELDS, OPTIONAL_FIELDS = articles_file.REQUIRED_FIELDS, articles_file.OPTIONAL_FIELDS
TRANSLATED_VALUES = articles_file.TRANSLATED_VALUES
# paragraph_kinds: the kind of each paragraph of the body, in order (see clean_text);
# headings: the headline and crosshead lines (spaces normalised), so a skill can tell a
# heading from the body without going back to the cleaning record on disk.
ARTICLE_COLUMNS = [*REQUIRED_FIELDS, "label", "body", "paragraph_kinds", "headings"]



# --------------------------------------------------------------------------- rule data
@dataclass(frozen=True)
class _Rule:
    reason: str
    regex: re.Pattern
    ends_article: bool


_read_yaml = _yaml.read_file  # one reader for every data file


def _boilerplate_rules(folder: str) -> tuple[_Rule, ...]:
    """The boilerplate rules of a rules folder, cached by the file's (path, mtime, size)."""
    return _boilerplate_file(Path(folder) / "corpus" / "boilerplate.yml")


@read_cached()
def _boilerplate_file(path: Path) -> tuple[_Rule, ...]:
    rules = []
    for i, entry in enumerate(_read_yaml(path) or []):
        for pattern in entry.get("patterns", []):
            try:
                regex = re.compile(pattern, re.IGNORECASE)
            except re.error as err:
                raise LessonsDataError(f"{path}, rule {i + 1} ({entry.get('reason')}): bad pattern {_guard.brief(pattern)}: {err}") from None
            rules.append(_Rule(entry["reason"], regex, bool(entry.get("ends_article"))))
    return tuple(rules)


def _agency_patterns(folder: str) -> tuple[tuple[str, re.Pattern], ...]:
    """(name, pattern) per agency of a rules folder, cached by the file's (path, mtime, size)."""
    return _agency_file(Path(folder) / "corpus" / "agencies.yml")


@read_cached()
def _agency_file(path: Path) -> tuple[tuple[str, re.Pattern], ...]:
    return tuple((e["name"], re.compile("|".join(e["patterns"]))) for e in _read_yaml(path) or [])


def _rules_folder() -> str:
    """Rule files come from the shipped data folder (or $LESSONS_DATA)."""
    folder = data_dir()
    if not (folder / "corpus" / "boilerplate.yml").exists():
        from .paths import REPO_ROOT
        folder = REPO_ROOT / "data"
    return str(folder)


# --------------------------------------------------------------------------- cleaning
# A long lowercase hyphenated token: an image file name left in the page by a scraper.
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+){6,}")
# A date stamp glued to the start of a line ("date 2022-01-07 Kazakhstan's...").
_LEADING_STAMP = re.compile(r"^date\s+\d{4}-\d{2}-\d{2}\s+", re.IGNORECASE)
# Credits that mark a caption: "(photo credit: X)", "Alamy Stock Photo", "| EFE/EPA/...",
# "[Name/AP]", "Photo: X", "Credit: X".
# Every repetition is bounded or possessive so that a long line costs linear time (a word of
# over 40 letters is not part of a credit; a credit in brackets is at most 200 characters).
_CREDIT_PATTERNS = [
    re.compile(r"\((?:photo\s++)?credit:\s*+(?P<credit>[^)]{1,200}+)\)\s*$", re.IGNORECASE),
    re.compile(r"(?P<credit>(?:[A-Z][\w&-]{0,40}+\s++){0,3}Stock Photo(?:\s++(?:[A-Z][\w&-]{0,40}+\s++){0,3}Stock Photo)*+)\s*$"),
    re.compile(r"\|\s*+(?P<credit>[A-Z0-9][A-Z0-9 &./'-]{2,}+)\s*$"),
    re.compile(r"\[(?P<credit>[^\[\]/]{2,60}/[^\[\]]{2,40})\]\s*$"),
    re.compile(r"(?:^|\s)(?:photo|picture|image|credit)s?:\s*(?P<credit>[A-Z][^.]{1,80})$", re.IGNORECASE),
]
_CREDIT_ONLY = re.compile(r"^\(?\s*(?:photo\s+)?credit:", re.IGNORECASE)
_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright\b)\s*(?P<credit>.+)$", re.IGNORECASE)


@dataclass
class CleanedArticle:
    """The result of cleaning one raw page."""

    headline: str
    paragraphs: list[str]
    parts: pd.DataFrame  # one row per piece of the raw page: start, end, text, kind, reason
    captions: pd.DataFrame  # caption, credit, start, end

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def paragraph_kinds(self) -> tuple[str, ...]:
        """'paragraph', 'standfirst' or 'crosshead' for each of ``paragraphs``, in order."""
        kept = self.parts[self.parts["kind"].isin(["paragraph", "standfirst", "crosshead"])]
        return tuple(kept["kind"])

    @property
    def headings(self) -> tuple[str, ...]:
        """The headline and the crossheads, spaces normalised (as ``lessons.text`` compares lines)."""
        kept = self.parts[self.parts["kind"].isin(["headline", "crosshead"])]
        return tuple(dict.fromkeys(_text.normalise_spaces(t) for t in kept["text"]))


@dataclass
class _Line:
    start: int
    end: int
    text: str
    pieces: list = field(default_factory=list)


def _lines(raw: str) -> list[_Line]:
    """Non-empty lines with offsets of their stripped text in ``raw``."""
    out = []
    for m in re.finditer(r"[^\n]+", raw):
        text = m.group()
        stripped = text.strip()
        if not stripped:
            continue
        lead = len(text) - len(text.lstrip())
        start = m.start() + lead
        out.append(_Line(start, start + len(stripped), stripped))
    return out


def _match_rule(text: str, rules) -> _Rule | None:
    for rule in rules:
        if rule.regex.search(text):
            return rule
    return None


def _find_credit(text: str) -> re.Match | None:
    for pattern in _CREDIT_PATTERNS:
        m = pattern.search(text)
        if m:
            return m
    return None


def _credit_of(match: re.Match | None) -> str:
    """The credit a caption names, said once ('Alamy Stock Photo Alamy Stock Photo' -> once)."""
    if match is None:
        return ""
    credit = match.group("credit").strip()
    if len(credit) > 200:  # the back-reference costs the square of the length: only short credits
        return credit
    return re.sub(r"^(.+?)(?:\s+\1)+$", r"\1", credit)


def caption_without_credit(caption: str, credit: str) -> str:
    """The words of a caption without the credit at its end, however often the page repeats it
    ('Protest in Aktau. Alamy Stock Photo Alamy Stock Photo' -> 'Protest in Aktau.'); "" when
    the line is only a credit ('© AFP 2022'). The credit is shown once, in its own column."""
    out = text_arg(caption, "caption_without_credit").strip()
    credit = text_arg(credit, "caption_without_credit").strip()
    if not credit:
        return out
    # '(photo credit: X)' at the end: searched only in the last few characters (linear time)
    wrapped = re.compile(r"\(\s*+(?:photo\s++)?credit:\s*+" + re.escape(credit) + r"\s*+\)$", re.IGNORECASE)
    window = max(0, len(out) - len(credit) - 40)
    m = wrapped.search(out, window)
    if m:
        out = out[: m.start()].rstrip(" |")
    for _ in range(len(out) // len(credit) + 1):  # each round removes one copy, or stops
        tail = next((t for t in (f"[{credit}]", credit) if out.endswith(t)), None)
        if tail is None:
            break
        out = out[: -len(tail)].rstrip(" |")
    return out if any(ch.isalnum() for ch in out) else ""


def _starts_one_of(sorted_texts: list[str], text: str, proper: bool = False) -> bool:
    """Is ``text`` the start of one of ``sorted_texts`` (a longer one if ``proper``)? The texts
    that start with ``text`` follow it directly in sorted order, so one bisection answers."""
    i = bisect.bisect_left(sorted_texts, text)
    while proper and i < len(sorted_texts) and sorted_texts[i] == text:
        i += 1
    return i < len(sorted_texts) and sorted_texts[i].startswith(text)


def _looks_like_headline(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 30 and not text.rstrip("”’\"'").endswith(".")


def _standfirst_index(kept: list[tuple[int, int, str]], parts: list[dict]) -> int | None:
    """0 if the first paragraph after the headline is a standfirst, else None.

    A standfirst is the line a news page prints under its headline, before the update stamp
    or byline: a summary, not the article's lead paragraph. The page shows the order
    (headline, one short paragraph, a time stamp, then the article), so the rule is: a
    paragraph of at most 60 words with an 'update stamp' removed after it and before the
    next paragraph. Its text stays in the body (figures and quotes in it are the page's);
    `openings` tells it apart from the lead paragraph.
    """
    if len(kept) < 2 or len(kept[0][2].split()) > 60:
        return None
    end, next_start = kept[0][1], kept[1][0]
    stamp = any(p["kind"] == "removed" and p["reason"] == "update stamp"
                and end <= p["start"] < next_start for p in parts)
    return 0 if stamp else None


def clean_text(raw: str, rules_folder: str | None = None) -> CleanedArticle:
    """Split one scraped page into headline, body paragraphs, removed parts and captions.

    Lines are classified by general patterns: boilerplate rules from ``boilerplate.yml``, image
    file slugs, photo captions with a credit, date stamps. After a line that ends an article
    (a 'Source link', a copyright line, a comment box) everything else is page furniture.
    """
    raw = text_arg(raw, "clean_text")
    rules = _boilerplate_rules(rules_folder or _rules_folder())
    parts: list[dict] = []
    captions: list[dict] = []
    kept: list[tuple[int, int, str]] = []
    caption_texts: list[str] = []  # sorted: is a line the start of an earlier caption? (bisect)
    ended = False
    lines = _lines(raw)

    def removed(start, end, reason):
        parts.append(dict(start=start, end=end, text=raw[start:end], kind="removed", reason=reason))

    for index, line in enumerate(lines):
        start, text = line.start, line.text
        if ended:
            rule = _match_rule(text, rules)
            removed(start, line.end, rule.reason if rule else "page furniture after the article")
            continue
        # A scraper can glue a date stamp or an image file name to the front of a line.
        stamp = _LEADING_STAMP.match(text)
        if stamp:
            removed(start, start + stamp.end(), "update stamp")
            start, text = start + stamp.end(), text[stamp.end():]
        slug = _SLUG.match(text)
        if slug:
            removed(start, start + slug.end(), "image file slug")
            rest = text[slug.end():]
            offset = len(rest) - len(rest.lstrip())
            start, text = start + slug.end() + offset, rest.strip()
            if text:  # what follows a slug is the photo's caption
                credit = _find_credit(text)
                captions.append(dict(caption=text, credit=_credit_of(credit), start=start, end=start + len(text)))
                bisect.insort(caption_texts, text)
                removed(start, start + len(text), "photo caption or credit")
            continue
        copyright_line = _COPYRIGHT.match(text)
        if copyright_line:
            captions.append(dict(caption=text, credit=copyright_line.group("credit").strip(), start=start, end=line.end))
            bisect.insort(caption_texts, text)
        rule = _match_rule(text, rules)
        if rule:
            removed(start, line.end, rule.reason)
            ended = ended or rule.ends_article
            continue
        next_text = lines[index + 1].text if index + 1 < len(lines) else ""
        credit = _find_credit(text)
        is_caption = (credit is not None and len(text.split()) <= 60) or _CREDIT_ONLY.match(text)
        # A caption printed twice: once alone, then again with its credit on the next line.
        repeated = _CREDIT_ONLY.match(next_text) or _starts_one_of(caption_texts, text)
        if is_caption or repeated:
            captions.append(dict(caption=text, credit=_credit_of(credit), start=start, end=line.end))
            bisect.insort(caption_texts, text)
            removed(start, line.end, "photo caption or credit")
            continue
        kept.append((start, line.end, text))

    headline = ""
    if kept and _looks_like_headline(kept[0][2]):
        h_start, h_end, headline = kept.pop(0)
        parts.append(dict(start=h_start, end=h_end, text=headline, kind="headline", reason=""))
    standfirst = _standfirst_index(kept, parts) if headline else None
    for i, (start, end, text) in enumerate(kept):
        if i == standfirst:
            kind = "standfirst"
        else:
            kind = "crosshead" if _looks_like_headline(text) and len(text.split()) <= 15 else "paragraph"
        parts.append(dict(start=start, end=end, text=text, kind=kind, reason=""))

    parts_df = pd.DataFrame(parts, columns=["start", "end", "text", "kind", "reason"]).sort_values("start", ignore_index=True)
    captions_df = pd.DataFrame(captions, columns=["caption", "credit", "start", "end"])
    # A caption printed twice (alone, then with its credit) or a credit repeated: keep one.
    texts = captions_df["caption"].tolist()
    credits = captions_df["credit"].tolist()
    credit_count = Counter(credits)
    first_index: dict[str, int] = {}
    for i, text in enumerate(texts):
        first_index.setdefault(text, i)
    distinct = sorted(first_index)
    repeat = [
        _starts_one_of(distinct, text, proper=True)
        or (_CREDIT_ONLY.match(text) is not None and credit_count[credits[i]] > 1)
        or first_index[text] != i
        for i, text in enumerate(texts)
    ]
    captions_df = captions_df[[not r for r in repeat]].reset_index(drop=True)
    return CleanedArticle(headline, [t for _, _, t in kept], parts_df, captions_df)


def credited_agencies(text: str) -> list[str]:
    """Agencies a text names (in its body, captions or credit lines), in a stable order."""
    text = text_arg(text, "credited_agencies")
    return [name for name, regex in _agency_patterns(_rules_folder()) if regex.search(text)]


# --------------------------------------------------------------------------- loading
read_raw = articles_file.read_article  # one raw article as text (lessons.datafiles.articles)


@lru_cache(maxsize=8)
def _load(folder: str, stamp: tuple) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rows, parts, captions = [], [], []
    for entry, cleaned in articles_file.load(Path(folder)):  # checked: the first problem is raised
        article_id = str(entry["article_id"])
        rows.append({**{f: entry[f] for f in REQUIRED_FIELDS}, "article_id": article_id,
                     "label": entry.get("label") or article_id, "body": cleaned.body,
                     "paragraph_kinds": cleaned.paragraph_kinds, "headings": cleaned.headings})
        parts.append(cleaned.parts.assign(article_id=article_id))
        captions.append(cleaned.captions.assign(article_id=article_id))
    articles = pd.DataFrame(rows, columns=ARTICLE_COLUMNS)
    return articles, pd.concat(parts, ignore_index=True), pd.concat(captions, ignore_index=True)


def _corpus(path=None):
    folder = Path(path) if path is not None else data_dir()
    # the cleaning rules too: a changed boilerplate.yml cleans the articles again
    files = [folder / METADATA_FILE, *sorted((folder / RAW_FOLDER).glob("*")),
             Path(_rules_folder()) / "corpus" / "boilerplate.yml"]
    stamp = tuple(read_stamp(f) for f in files)  # (path, mtime, size): a changed file is read again
    return _load(str(folder.resolve()), stamp)


NO_HEADLINE = "(no headline survives)"  # what the book prints for a headline 'unknown'


def shown_headline(headline) -> str:
    """A headline as the book and the handouts print it: 'unknown' in ``articles.yml`` (the
    page kept none) reads as NO_HEADLINE, the one wording for it everywhere."""
    text = "" if headline is None or (isinstance(headline, float) and headline != headline) else str(headline)
    return NO_HEADLINE if text.strip().lower() in ("", "unknown") else text


def load_articles(path=None) -> pd.DataFrame:
    """One row per article: metadata from ``articles.yml`` plus the clean ``body``, the kind of
    each body paragraph (``paragraph_kinds``: paragraph, standfirst or crosshead) and the ``headings``
    (headline and crossheads), so no skill has to read the cleaning record again.

    ``path`` is a folder holding ``articles.yml`` and ``raw/``; by default the shipped data.
    """
    return _corpus(path)[0].copy()


def parts(path=None) -> pd.DataFrame:
    """Every piece of every raw page: ``article_id, start, end, text, kind, reason``.

    ``kind`` is headline, standfirst (the line under the headline), paragraph, crosshead or
    removed; ``reason`` says why a part was removed.
    Offsets index the raw file.
    """
    frame = _corpus(path)[1]
    return frame[["article_id", "start", "end", "text", "kind", "reason"]].copy()


def openings(path=None) -> pd.DataFrame:
    """How each report opens: ``article_id, headline, standfirst, lead``.

    ``standfirst`` is the line under the headline when the page has one (else ""); ``lead``
    is the first paragraph of the article itself, after any standfirst and crossheads.
    """
    frame = parts(path)
    rows = []
    for article_id in _corpus(path)[0]["article_id"]:
        mine = frame[frame["article_id"] == article_id]
        kinds = dict.fromkeys(["headline", "standfirst", "paragraph"], "")
        for kind in kinds:
            texts = mine.loc[mine["kind"] == kind, "text"]
            kinds[kind] = texts.iloc[0] if len(texts) else ""
        rows.append(dict(article_id=article_id, headline=kinds["headline"],
                         standfirst=kinds["standfirst"], lead=kinds["paragraph"]))
    return pd.DataFrame(rows, columns=["article_id", "headline", "standfirst", "lead"])


def removed_parts(path=None) -> pd.DataFrame:
    """Only the removed pieces, each with its reason."""
    frame = parts(path)
    return frame[frame["kind"] == "removed"].reset_index(drop=True)


def captions(path=None) -> pd.DataFrame:
    """Photo captions and credit lines, kept apart because they carry provenance."""
    frame = _corpus(path)[2]
    return frame[["article_id", "caption", "credit", "start", "end"]].copy()


# --------------------------------------------------------------------------- sentences
# sentences(text) is lessons.text.sentences (imported above): one splitter for every module.
_sentences_frame = _text._sentences_frame


# --------------------------------------------------------------------------- quotations
_ELISION = re.compile(r"(?:\d0s|\d\d\b|em\b|tis\b|twas\b|til\b|cause\b|n\b)", re.IGNORECASE)
_WORDCHAR = re.compile(r"\w")


def _prev(text, i):
    return text[i - 1] if i > 0 else ""


def _next(text, i):
    return text[i + 1] if i + 1 < len(text) else ""


def _opens_double(text, i):
    ch = text[i]
    if ch == _OPEN_DOUBLE:
        return True
    if ch == _CLOSE_DOUBLE:
        return False
    before, after = _prev(text, i), _next(text, i)
    return (before == "" or before.isspace() or before in "([{\u2014\u2013-/:\u2018'") and after != "" and not after.isspace()


def _double_spans(para: str) -> list[tuple[int, int, bool]]:
    """(open index, close index or len, closed) for double quotation marks in one paragraph."""
    spans, open_at = [], None
    for m in re.finditer(r"[\u201c\u201d\"]", para):
        i = m.start()
        if _opens_double(para, i):
            if open_at is None:
                open_at = i
            elif para[i] == '"':  # a straight mark where one is open closes it
                spans.append((open_at, i, True))
                open_at = None
        elif open_at is not None:
            spans.append((open_at, i, True))
            open_at = None
    if open_at is not None:
        spans.append((open_at, len(para), False))
    return spans


def _single_closer_candidates(para: str) -> list[int]:
    out = []
    for m in re.finditer(r"[\u2019']", para):
        i = m.start()
        before, after = _prev(para, i), _next(para, i)
        if before and not before.isspace() and not _WORDCHAR.match(after or " "):
            out.append(i)
    return out


_SPACE_LOWER = re.compile(_SPACE + r"++[a-z]")


def _single_spans(para: str) -> list[tuple[int, int]]:
    """Single quotation marks used as quotation marks, never apostrophes."""
    closers = _single_closer_candidates(para)
    spans, i = [], 0
    for m in re.finditer(r"[\u2018\u2019']", para):
        o = m.start()
        if o < i:
            continue
        before, after = _prev(para, o), _next(para, o)
        at_word_start = before == "" or before.isspace() or before in "([{\u201c\"\u2014\u2013-/:"
        if not at_word_start or not after or after.isspace():
            continue
        if para[o] != _OPEN_SINGLE and _ELISION.match(para, o + 1):
            continue  # the '90s, rock 'n' roll
        k = bisect.bisect_right(closers, o + 1)  # closers[k:] come after the opening mark
        # Skip plural possessives (protesters' demands) when a later closer exists.
        while len(closers) - k > 1 and para[closers[k] - 1] in "sS" and _SPACE_LOWER.match(para, closers[k] + 1):
            k += 1
        if k >= len(closers):
            continue
        c = closers[k]
        inner = para[o + 1:c]
        if para[o] == _CLOSE_SINGLE and len(inner.split()) < 2:
            continue  # a right quote as opener only for real phrases ('round the clock')
        if "\n" in inner or len(inner.strip()) < 2 or inner != inner.strip():
            continue
        spans.append((o, c))
        i = c + 1
    return spans


_PRONOUNS = _text.PRONOUNS


def quotes(text: str) -> pd.DataFrame:
    """Every quoted passage: ``start, end, text, speaker, mark, nested, n_words, closed``.

    ``start``/``end`` cover the words inside the quotation marks. Curly and straight double
    quotes, and single quotes used as quotation marks (never apostrophes). A quotation that runs
    on into the next paragraph (the opening mark repeated, no closing mark at the paragraph end)
    is one passage. ``speaker`` is who the text says is speaking, when it says so; 'he'/'she'
    are resolved to the last named speaker.
    """
    folder = _rules_folder()
    return _quotes_frame(text_arg(text, "quotes"), folder, _attribution_stamp(folder)).copy()


_QUOTE_COLUMNS = ["start", "end", "text", "speaker", "mark", "nested", "n_words", "closed"]


def _attribution_stamp(folder: str) -> tuple:
    """(path, mtime, size) of the folder's attribution grammar: part of the quotation caches'
    key, so a changed ``attribution.yml`` finds the speakers again."""
    return read_stamp(Path(folder) / "corpus" / "attribution.yml")


@lru_cache(maxsize=512)
def _quotes_frame(text: str, folder: str, rules: tuple = ()) -> pd.DataFrame:
    """quotes() for one text and rules folder, cached: several helpers (figures, language,
    compare) and the chapters look up the quotations of the same bodies again and again."""
    return pd.DataFrame(list(_quote_rows(text, folder, rules)), columns=_QUOTE_COLUMNS)


def quote_rows(text: str) -> tuple[dict, ...]:
    """The rows of :func:`quotes` as dicts, cached (for helpers that need no DataFrame, such as
    ``lessons.language``); shared between callers: do not change them."""
    folder = _rules_folder()
    return _quote_rows(text_arg(text, "quote_rows"), folder, _attribution_stamp(folder))


def quote_marks(text: str) -> list[dict]:
    """Where the quotations of ``text`` are, without their speakers (the first, cheap step of
    :func:`quotes`): dicts with ``start``, ``end`` (the words inside the marks), ``mark`` and
    ``closed`` (and ``nested`` for single quotations), sorted by start (the longer first). For a
    helper that needs only what is quoted (``language.voice_words``): finding who speaks is most
    of the work of :func:`quotes`."""
    text = text_arg(text, "quote_marks")
    paragraphs = [(m.start(), m.group()) for m in re.finditer(r"[^\n]+", text)]
    found: list[dict] = []
    carry: dict | None = None  # a double quotation continuing from the previous paragraph
    for base, para in paragraphs:
        doubles = _double_spans(para)
        if carry is not None:
            first = para.lstrip()
            lead = len(para) - len(first)
            if first[:1] in (_OPEN_DOUBLE, '"') and doubles and doubles[0][0] == lead:
                o, c, closed = doubles.pop(0)
                carry["end"] = base + c
                carry["closed"] = closed
                if closed:
                    found.append(carry)
                    carry = None
            else:
                found.append(carry)
                carry = None
        for o, c, closed in doubles:
            item = dict(start=base + o + 1, end=base + c, mark="double", closed=closed)
            if not closed and para[o + 1:].strip():
                carry = item  # may continue in the next paragraph
            elif closed:
                found.append(item)
        inside = [(base + o, base + c) for o, c, _ in doubles]  # disjoint, in order
        inside_starts = [a for a, _ in inside]
        for o, c in _single_spans(para):
            k = bisect.bisect_left(inside_starts, base + o) - 1  # the last one opened before it
            nested = k >= 0 and base + o < inside[k][1]
            found.append(dict(start=base + o + 1, end=base + c, mark="single", closed=True, nested=nested))
    if carry is not None:
        found.append(carry)
    found.sort(key=lambda q: (q["start"], -q["end"]))
    return found


@lru_cache(maxsize=1024)
def _quote_rows(text: str, folder: str, rules: tuple = ()) -> tuple[dict, ...]:
    found = quote_marks(text)
    g = _text.grammar(folder)  # once for the text, not once a quotation
    words = _text._WordIndex(text) if found else None  # the text's words, listed once for every quotation
    breaks = [m.start() for m in re.finditer("\n", text)]

    def line_break_before(pos: int) -> int:  # text.rfind("\n", 0, pos), by bisect instead of a scan back
        i = bisect.bisect_left(breaks, pos)
        return breaks[i - 1] if i else -1

    last_named = ""
    last_end, last_speaker = -1, ""  # the last outer quotation: where it closed, who spoke it
    rows = []
    reach = -1  # the furthest end of a double quotation opened before the current one
    for q in found:
        start, end = q["start"], q["end"]
        nested = q.get("nested", False) or reach >= end
        if q["mark"] == "double":
            reach = max(reach, end)
        speaker = "" if nested else _text._quote_speaker(text, start, end, g, words)
        para = line_break_before(start)  # the paragraph the quotation opens in
        same_para = last_end >= 0 and line_break_before(last_end) == para
        if not speaker and not nested and rows and _text._continues_quotation(text, last_end, start, end, g):
            speaker = last_speaker  # '"A," Tokayev said. "B."': B is Tokayev's too
        elif (not speaker and not nested and same_para and last_speaker and not _text._is_fragment(text[start:end])
              and _text._sentence_start(text, para + 1, start, words) > last_end):
            # a full statement with no attribution after a quotation of a named speaker, in a
            # later sentence of the same paragraph: news writing gives it to the same speaker
            speaker = last_speaker
        if speaker.lower() in ("he", "she"):
            # 'he said' after a named speaker, else the named subject of an earlier sentence
            speaker = last_named or _text._antecedent(text, start, folder)
        elif speaker.lower() == "they":
            speaker = last_speaker if same_para else ""  # 'they said': the speaker just quoted
        elif speaker.lower() == "it":
            # 'It said ... "<a statement>"' after '"...," the statement said.': the body or document
            # named just before (a word or two in quotes stays nobody's: 'it says ... "gender identity"')
            speaker = "" if _text._is_fragment(text[start:end]) else _text._source_before(text, start, folder)
        elif speaker.lower() in _PRONOUNS:
            speaker = ""
        elif speaker and not speaker.lower().startswith("the "):
            last_named = speaker
        if not nested:
            last_end, last_speaker = end, speaker
        inner = text[start:end]
        rows.append(dict(start=start, end=end, text=inner, speaker=speaker, mark=q["mark"],
                         nested=nested, n_words=len(re.findall(r"\w+", inner)), closed=q["closed"]))
    return tuple(rows)


def in_quotes(text: str, start: int, end: int, spans: pd.DataFrame | None = None) -> bool:
    """Is ``text[start:end]`` inside a quotation?"""
    spans = quotes(text) if spans is None else spans
    return bool(((spans["start"] <= start) & (spans["end"] >= end)).any())


# --------------------------------------------------------------------------- reading view
QUOTE_LEGEND = (
    '<p class="lx-legend"><span class="lx-quote">Words in a box with a dotted underline</span> '
    "are quoted: someone else's words, not the reporter's. Hover over them (or, in the book, tap or tab to them) to see who said them.</p>"
)


def article_html(text: str) -> str:
    """The text as HTML paragraphs with every (outer) quotation marked; everything escaped."""
    text = text_arg(text, "article_html")
    spans = quotes(text)
    spans = spans[~spans["nested"].astype(bool)]
    out, paragraphs = [], [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text or "")]
    rows = list(zip(spans["start"], spans["end"], spans["speaker"]))  # by start, as quotes() gives them
    starts = [a for a, _, _ in rows]
    reach = list(itertools.accumulate((b for _, b, _ in rows), max))  # the furthest end so far
    for p_start, p_end in paragraphs:
        pieces, cursor = [], p_start
        # only the quotations that may overlap the paragraph: none before j ends after its start,
        # none from hi on starts before its end (the others would be skipped below)
        j, hi = bisect.bisect_right(reach, p_start), bisect.bisect_left(starts, p_end)
        for q_start, q_end, speaker in rows[j:hi]:
            s, e = max(q_start, p_start), min(q_end, p_end)
            if s >= e or s < cursor:
                continue
            who = f"Quoted: {speaker}" if speaker else "Quoted (speaker not named here)"
            pieces.append(html.escape(text[cursor:s]))
            pieces.append(f'<span class="lx-quote" tabindex="0" title="{html.escape(who)}">{html.escape(text[s:e])}</span>')
            cursor = e
        pieces.append(html.escape(text[cursor:p_end]))
        out.append(f"<p>{''.join(pieces)}</p>")
    return "\n".join(out)

"""One text layer: the characters, words, sentences, headings and attribution grammar that
every skill (corpus, figures, language, compare) reads text with.

Why one module: the articles hold thin spaces (U+2009), no-break spaces (U+00A0), narrow
no-break spaces (U+202F), curly quotation marks and the ellipsis character. When each module
wrote its own space class or sentence splitter, they drifted apart (two of them missed
U+202F). Here each idea is written once:

* characters: ``SPACE_CHARS`` / ``SPACE`` (a regex class), ``APOSTROPHES``, the quotation marks;
* words: ``TOKEN`` and :func:`words`;
* sentences: :func:`sentences` (and :func:`segment_breaks`, the cheap break points used to cut
  text into chunks for alignment);
* headings: :func:`looks_like_headline`, :func:`is_heading`, :func:`is_heading_line`;
* who speaks: :func:`quote_speaker` (who said the words inside a quotation) and
  :func:`attributions` (who a sentence says gave its information), both from one grammar
  whose verb lists are data (``data/corpus/attribution.yml``).

Every offset indexes the original string. Every regular expression is linear on any input
(bounded words, possessive runs of spaces, bounded windows; see docs/CONVENTIONS.md).
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from . import _regex_cache
from .datafiles import read
from .datafiles.read import stamp as read_stamp
from .errors import LessonsDataError, text_arg
from .paths import REPO_ROOT, data_dir

__all__ = [
    "SPACE_CHARS", "SPACE", "SPACES", "APOSTROPHES", "OPEN_DOUBLE", "CLOSE_DOUBLE",
    "OPEN_SINGLE", "CLOSE_SINGLE", "DOUBLE_QUOTES", "SINGLE_QUOTES", "TOKEN", "SEGMENT_BREAK",
    "normalise_spaces", "words", "sentences", "sentence_rows", "segment_breaks",
    "looks_like_headline", "is_heading", "is_heading_line",
    "grammar", "quote_speaker", "continues_quotation", "attributions", "attribution_rows", "clean_subject",
    "PRONOUNS",
]

# --------------------------------------------------------------------------- characters
# White space the articles really contain, inside a line: ordinary space, tab, no-break
# (U+00A0), thin (U+2009), narrow no-break (U+202F), figure (U+2007), punctuation (U+2008)
# and hair (U+200A) spaces. A line break is not in the class: it ends a paragraph.
SPACE_CHARS = " \t\u00a0\u2009\u202f\u2007\u2008\u200a"
# One character of SPACE_CHARS. Written as the Latin-1 ones or the others (an atomic group, so
# that the regex parser keeps the two apart): matches exactly what "[" + SPACE_CHARS + "]"
# matches, but compiles in a third of the time (a class holding characters above U+00FF in
# more than two runs is compiled as a 64K-character map each time it occurs, and the
# attribution grammar holds it hundreds of times: a chapter waited about a second for it).
_LATIN1_SPACES = "".join(c for c in SPACE_CHARS if ord(c) < 256)
_OTHER_SPACES = "".join(c for c in SPACE_CHARS if ord(c) >= 256)
SPACE = "(?:[" + _LATIN1_SPACES + "]|(?>[" + _OTHER_SPACES + "]))" if _OTHER_SPACES else "[" + SPACE_CHARS + "]"
SPACES = SPACE + "++"  # a run of spaces, possessive: never re-read
APOSTROPHES = "'\u2019"  # straight and right single quotation mark (the typographic apostrophe)
OPEN_DOUBLE, CLOSE_DOUBLE = "\u201c", "\u201d"
OPEN_SINGLE, CLOSE_SINGLE = "\u2018", "\u2019"
DOUBLE_QUOTES = '"' + OPEN_DOUBLE + CLOSE_DOUBLE
SINGLE_QUOTES = "'" + OPEN_SINGLE + CLOSE_SINGLE
_SPACE_RUN = re.compile(r"\s++")


def shorten(text, limit: int) -> str:
    """`text` whole when it has at most `limit` characters, else cut at the last space
    before the limit with '…' (a word cut in two reads as a typo; walk 11 saw
    '…authorising his fo'); a single word longer than the limit is cut where it must be.
    None and NaN are ''."""
    text = "" if text is None or (isinstance(text, float) and text != text) else str(text)
    if len(text) <= limit:
        return text
    head = text[:limit]
    space = head.rfind(" ")
    if space > 0:
        head = head[:space]
    return head.rstrip(" ,;:.–-") + "…"


def normalise_spaces(text: str) -> str:
    """Every run of white space (any kind) as one ordinary space, ends stripped."""
    return _SPACE_RUN.sub(" ", text_arg(text, "normalise_spaces")).strip()


# --------------------------------------------------------------------------- words
# Words (letters, with inner apostrophes) and numbers (with thousands separators or a decimal
# point). Hyphens, dashes and quotation marks separate words: 'shoot-to-kill' = 'shoot to kill'.
TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['\u2019][^\W\d_]+)*")


def words(text: str) -> pd.DataFrame:
    """The words of a text: ``start, end, text`` (offsets into ``text``)."""
    text = text_arg(text, "words")
    return pd.DataFrame([(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text)],
                        columns=["start", "end", "text"])


# --------------------------------------------------------------------------- sentences
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "st", "sen", "gen", "col", "lt", "sgt", "capt", "gov",
    "rep", "jr", "sr", "no", "vs", "v", "etc", "inc", "ltd", "co", "corp", "mt", "ft", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx", "cf", "fig",
}
_CANDIDATE = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*(?=" + SPACE + r"+\S)")
_SPACE_BEFORE_END = re.compile(r"\." + SPACE + r"$")
_LAST_WORD = re.compile(r"([A-Za-z.]+)$")
_INITIALS = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]|[A-Z]")
_LINE = re.compile(r"[^\n]+")
_NOT_SPACE = re.compile("[^" + SPACE_CHARS + "]")


def _is_boundary(text: str, m: re.Match) -> bool:
    """Does the punctuation at ``m`` end a sentence?"""
    end = m.end()
    after = _NOT_SPACE.search(text, end)  # the next character after the spaces (no copy of the rest)
    nxt = after.group() if after else ""
    punct = m.group().rstrip("\"'\u201d\u2019)]")
    # Spaced ellipsis ". . ." (ordinary or thin spaces): the dots are not sentence ends.
    before = text[max(0, m.start() - 40): m.start()]  # a bounded window keeps this linear
    if punct == "." and (nxt == "." or _SPACE_BEFORE_END.search(before)):
        return False
    if not (nxt.isupper() or nxt.isdigit() or nxt in "\"'\u201c\u2018(["):
        return False
    if punct == ".":
        word = _LAST_WORD.search(before)
        token = word.group(1) if word else ""
        if token.lower() in _ABBREVIATIONS:
            return False
        if _INITIALS.fullmatch(token):
            return False  # U.S., U.K., e.g. / an initial
    return True


def sentences(text: str) -> pd.DataFrame:
    """Split text into sentences: ``start, end, text`` with offsets into ``text``.

    A line break always ends a sentence (headlines have no full stop). Abbreviations (Mr.,
    U.S.), decimals (3.5) and spaced ellipses (. . .) do not; a closing quotation mark stays
    with the sentence it closes.
    """
    return _sentences_frame(text_arg(text, "sentences")).copy()


@lru_cache(maxsize=512)
def _sentences_frame(text: str) -> pd.DataFrame:
    """sentences() for one text, cached: chapters split the same bodies many times."""
    return pd.DataFrame(list(sentence_rows(text)), columns=["start", "end", "text"])


@lru_cache(maxsize=1024)
def sentence_rows(text: str) -> tuple[tuple[int, int, str], ...]:
    """The rows of :func:`sentences` as ``(start, end, text)`` tuples (no DataFrame)."""
    text = text_arg(text, "sentence_rows")
    rows = []
    for line in _LINE.finditer(text):
        base, chunk, cut = line.start(), line.group(), 0
        bounds = [m.end() for m in _CANDIDATE.finditer(chunk) if _is_boundary(chunk, m)]
        for stop in [*bounds, len(chunk)]:
            piece = chunk[cut:stop]
            stripped = piece.strip()
            if stripped:
                s = base + cut + (len(piece) - len(piece.lstrip()))
                rows.append((s, s + len(stripped), stripped))
            cut = stop
    return tuple(rows)


# Cheap break points between chunks of text (used to align two texts word by word): after
# . ! ? or … (and any closing quotes or brackets) and the white space that follows, or at a
# line break. It does not know abbreviations: a chunk may be shorter than a sentence, which
# alignment does not mind. A break with a line break starts where its run of white space
# starts ((?<!\s)): tried from inside a long run of spaces it would re-read the run.
# Why not sentences(): it is the chunking compare's results are measured with, and cutting at
# sentences() instead changes them (tools/segment_check.py: sentences() keeps 'property… and
# use weapons' in one piece, so thejournal/translated share one passage more, and passages of
# the 100-article stress corpus end elsewhere). Changing it is a change of compare's results.
SEGMENT_BREAK = re.compile(r"(?<=[.!?\u2026])[\"'\u201d\u2019)\]]*\s+|(?<!\s)\s*\n\s*")


def segment_breaks(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each break of :data:`SEGMENT_BREAK` in ``text``."""
    return [(m.start(), m.end()) for m in SEGMENT_BREAK.finditer(text_arg(text, "segment_breaks"))]


# --------------------------------------------------------------------------- headings
# What a full sentence ends with: . ! ? or …, perhaps followed by closing quotes or brackets.
_CLOSERS = "\"'\u201d\u2019\u00bb)] \u00a0\u2009"
_HEADING_END = re.compile(r"[.!?:;,\u201d\"'\u2019)]$")


def looks_like_headline(line: str) -> bool:
    """A line that could be a headline or a crosshead: 2 to 30 words, no full stop at the end."""
    count = len(line.split())
    return 2 <= count <= 30 and not line.rstrip("\u201d\u2019\"'").endswith(".")


def is_heading(text: str, start: int, end: int) -> bool:
    """Is ``text[start:end]`` a heading: a paragraph of its own without a full stop?

    Live blogs and long reports put short headings (crossheads) between paragraphs: 'West must
    stand up to Russia..., dissident says'. A heading sums up the paragraphs under it in the
    editor's words, so a reader should be shown the paragraph sentence instead when there is one.
    """
    i = start - 1  # only white space back to the line start, and on to the line end?
    while i >= 0 and text[i] != "\n" and text[i].isspace():
        i -= 1
    j = end
    while j < len(text) and text[j] != "\n" and text[j].isspace():
        j += 1
    if (i >= 0 and text[i] != "\n") or (j < len(text) and text[j] != "\n"):
        return False  # other sentences share its paragraph
    last = text[start:end].rstrip(_CLOSERS)[-1:]
    return last not in {".", "!", "?", "\u2026"}


def is_heading_line(text: str, pos: int, known=()) -> bool:
    """Is the position ``pos`` on a heading line (a crosshead such as '2,300 detained')?

    A line counts as a heading when it is one of ``known`` (the headline and crossheads of the
    cleaning record, e.g. ``load_articles()``'s ``headings`` column; spaces normalised), or
    when it is short (at most eight words) and has no sentence punctuation at its end.
    """
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    line = _SPACE_RUN.sub(" ", text[line_start:line_end if line_end >= 0 else len(text)]).strip()
    if line in known:
        return True
    return len(line.split()) <= 8 and not _HEADING_END.search(line)


# --------------------------------------------------------------------------- grammar data
def _rules_folder() -> Path:
    """Rule files come from the shipped data folder (or $LESSONS_DATA when it has them)."""
    folder = data_dir()
    return folder if (folder / "corpus" / "attribution.yml").exists() else REPO_ROOT / "data"


_SHIPPED = REPO_ROOT / "data" / "corpus" / "attribution.yml"
_GRAMMAR_LISTS = ("speech_verbs", "source_verbs", "participles", "determiners", "titles", "naming_verbs", "speech_nouns")
_OPTIONAL_LISTS = ("document_nouns", "term_nouns", "publishing_verbs", "document_others")


def _alternation(items) -> str:
    """A regex alternation of words or phrases, longest first (spaces match any space).

    Written as a tree of shared beginnings ('said|says|say' as 'sa(?:id|ys?)'): it matches
    what the flat list matches, in the same order (of two words that both fit at one place,
    one begins the other, and the tree tries the longer one first), and compiles faster, which
    counts because the grammar repeats these lists many times."""
    words = sorted(set(items), key=lambda w: (-len(w), w))  # one order in every process (a set has none)
    tree: dict = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    if _ambiguous_branches(tree):  # two branches that can read the same character: keep the list
        return "|".join(re.escape(w).replace(r"\ ", SPACES) for w in words)
    return _tree_regex(tree)


def _ambiguous_branches(node: dict) -> bool:
    """Whether two edges out of one node could match the same character (a space and another
    space character, or one letter in two cases), somewhere in the tree."""
    keys = [k for k in node if k]
    spaces = sum(1 for k in keys if k in SPACE_CHARS)
    if spaces > 1 or len({k.casefold() for k in keys}) < len(keys):
        return True
    return any(_ambiguous_branches(child) for child in node.values())


def _tree_depth(node: dict) -> int:
    return max((1 + _tree_depth(child) if k else 0) for k, child in node.items())


def _tree_regex(node: dict) -> str:
    """The regex of one node: its branches, then (if a word ends here) the empty ending, by a
    greedy ``?`` (so a longer word is always tried first).

    Written short, because the parser's time grows with the pattern's length (the grammar holds
    these trees dozens of times): branches whose rests are the same are one class followed by
    that rest (``[ds]`` for ``(?:d|s)``, ``critici[sz]e`` for ``critici(?:se|ze)``), and an
    optional group is ``(?:...)?``, not ``(?:(?:...))?``. The branches' order does not matter:
    each starts with its own character (``_ambiguous_branches`` keeps out two that could read
    the same one), so at most one of them can match at a place."""
    rests: dict = {}  # a branch's rest -> the characters that lead to it, in the order met
    for k, child in sorted(((k, child) for k, child in node.items() if k), key=lambda kc: -_tree_depth(kc[1])):
        rest = _tree_regex(child)
        rests.setdefault((SPACES, rest) if k == " " else rest, []).append(k)
    parts = []
    for rest, keys in rests.items():
        if isinstance(rest, tuple):  # a space: any run of spaces, never in a class
            parts.append(rest[0] + rest[1])
        elif len(keys) == 1:
            parts.append(re.escape(keys[0]) + rest)
        else:
            parts.append("[" + "".join(re.escape(k) for k in keys) + "]" + rest)
    if not parts:
        return ""
    if len(parts) > 1:
        body, atom = "(?:" + "|".join(parts) + ")", True
    else:
        body = parts[0]
        atom = bool(re.fullmatch(r"\\?.|\[[^\]]*\]", body, re.DOTALL))  # one character, or one class
    if "" not in node:
        return body
    return body + "?" if atom else "(?:" + body + ")?"


class Grammar:
    """The attribution grammar of one rules folder (see :func:`grammar`).

    The word lists are read at once; each rule is compiled the first time it is used (a text
    with no quotation never needs the speakers' rules), through :mod:`lessons._regex_cache`,
    which keeps the compiled code between processes: the rules are long (the name pattern is
    part of most of them) and compiling them all took a chapter about 1.5 CPU seconds.
    ``cues``: for most rules, the words one of which every match holds (see ``_rule_cues``):
    a quotation whose window holds none of them is not searched with that rule, and a text
    that never needs a rule never compiles it."""

    # the rules, by name: what each one finds
    RULES = {
        "after": "right after a quotation: ', Tokayev said' / 'said Grushko'",
        "tail": "later in the sentence: '..., Tokayev said in a televised address.'",
        "before": "before it: 'Tokayev said ...' / 'Mayor Tom Cole, speaking ..., says'",
        "bare_before": "a plain noun opening a clause before it: 'officials said'",
        "colon": "'Tokayev: \"...\"' / 'Another activist, unaware of it, questioned: \"...\"'",
        "according": "'according to the ministry' / 'in the words of one diplomat'",
        "put_it": "'as the shadow chancellor put it'",
        "participle": "'..., saying \"...\"' / '... and said': the clause's subject speaks",
        "subject": "a clause's subject: 'after Governor Roy Cooper, a Democrat, rejected'",
        "strict_subject": "the same, the longest name followed by a verb-like word",
        "appositive": "', Ali Akbar Velayati.' after a description",
        "quoted_as": "'Interfax quoted the ministry as saying': the ministry spoke",
        "passive_head": "'was described as' right before a quotation (with passive_by)",
        "passive_by": "'... \" by union leaders': the agent of a passive verb of saying speaks",
        "document": "'the council's statement that ...': the statement speaks (None: off)",
        "term": "'has weaponized the word \"hoax\"': the subject used the word (None: off)",
        "published": "'the ministry issued a statement calling ...': who issued it speaks (None: off)",
        "document_others": "'a video showing protesters chanting ...': others speak in the document (None: off)",
        "name_more": "the capitalised words a name reads on over: '... Council Ali Akbar Velayati', 'van der Berg'",
        "trailing_connector": "joining words a name may end on, cut off: 'Ana Ruiz of the' -> 'Ana Ruiz'",
    }

    def __init__(self, speech: str, source: str, titles: frozenset, naming: frozenset, rules: dict,
                 not_a_name: frozenset = frozenset(), cues: dict | None = None, clause_words: frozenset = frozenset()):
        self.speech = speech  # alternation of verbs of saying
        # rule -> the words one of which any match of the rule holds (see _cue_words); a rule not
        # here, or with None, has no such set and is always run
        self.cues = dict(cues or {})
        self.source = source  # alternation of verbs that give information ('reported', 'estimated')
        self.titles = titles  # words that make a phrase a title or a description, not a name
        self.naming = naming  # verbs that name rather than quote: 'a trait called "gender"'
        self.rule_texts = rules  # name -> the rule's regex text (None: the rule is off)
        self.not_a_name = not_a_name  # words that open a sentence's subject but never a name ('His', 'This')
        self.clause_words = clause_words  # words no title holds: function words, verbs of saying, irregular pasts

    def __getattr__(self, name: str):
        """A rule (or ``source_patterns``, the patterns of :func:`attributions`), compiled once."""
        rules = self.__dict__.get("rule_texts")
        if rules is None or (name not in rules and name not in ("source_patterns", "speech_word")):
            raise AttributeError(name)
        if name == "source_patterns":
            value = _source_patterns(self.source)
        elif name == "speech_word":  # a verb of saying as a word (continues_quotation)
            value = re.compile(r"\b(?:" + self.speech + r")\b")
        else:
            value = None if rules[name] is None else _regex_cache.compile(rules[name])
        self.__dict__[name] = value
        return value


# Word lists written with the reason for the list: {"source": "...", "words": [...]}. Optional
# in a rules folder: an older attribution.yml without one gets the shipped file's list.
_SOURCED_LISTS = ("name_stop_verbs", "not_a_name", "stop_words", "name_stop_articles", "name_particles")
_LIST_WORD = re.compile(r"[a-z][a-z'\u2019-]{0,39}")


def _list_error(path, key: str, line: int | None, problem: str) -> LessonsDataError:
    where = f", line {line}" if line else ""
    return LessonsDataError(f"{path}: field '{key}'{where}: {problem}")


def _words_of(path, key: str, value, node, line: int | None) -> list[str]:
    """The words of one list field (a non-empty list of non-empty strings); ``line``: its key's."""
    if not isinstance(value, list) or not value:
        raise _list_error(path, key, line, "must be a non-empty list of words")
    items = node.value if isinstance(node, yaml.SequenceNode) else [None] * len(value)
    for number, (v, item) in enumerate(zip(value, items), start=1):
        if not (isinstance(v, str) and v.strip()):
            at = item.start_mark.line + 1 if item is not None else line
            raise _list_error(path, key, at, f"entry {number} must be a non-empty word, got {v!r:.40}")
    return [v.strip() for v in value]


def _sourced_words(path, key: str, value, node, line: int | None) -> list[str]:
    """A list written with its reason: ``{source: "...", words: [one lowercase word each]}``."""
    if not isinstance(value, dict) or set(value) != {"source", "words"}:
        raise _list_error(path, key, line, "must be a mapping with exactly 'source' (why these words) and 'words' (a list)")
    if not isinstance(value["source"], str) or not value["source"].strip():
        raise _list_error(path, key, read.key_lines(node).get("source", line), "'source' must say where the list comes from")
    words_node = read.child_node(node, "words")
    words = _words_of(path, key, value["words"], words_node, read.key_lines(node).get("words", line))
    items = words_node.value if isinstance(words_node, yaml.SequenceNode) else [None] * len(words)
    for number, (w, item) in enumerate(zip(words, items), start=1):
        if not _LIST_WORD.fullmatch(w):
            at = item.start_mark.line + 1 if item is not None else line
            raise _list_error(path, key, at, f"entry {number} must be one lowercase word (letters, ' or -), got {w!r:.40}")
    return words


def _read_lists(folder: str) -> dict:
    """The grammar's word lists of a rules folder, each checked; a LessonsDataError names the
    file, the field and the line of the first problem."""
    path = Path(folder) / "corpus" / "attribution.yml"
    report = read.FileReport(path)
    parsed = read.yaml_data(path, report, Path(folder))
    read.first_error(report.problems)
    data, node = parsed if parsed is not None else (None, None)
    if not isinstance(data, dict):
        raise LessonsDataError(f"{path}: expected fields {', '.join(_GRAMMAR_LISTS)}")
    out, lines = {}, read.key_lines(node)
    for key in _GRAMMAR_LISTS + _OPTIONAL_LISTS + _SOURCED_LISTS:
        value, child = data.get(key), read.child_node(node, key)
        if value is None and key in _OPTIONAL_LISTS:
            out[key] = []  # an older rules file without it: that rule is off
        elif value is None and key in _SOURCED_LISTS and path != _SHIPPED:
            out[key] = _read_lists(str(_SHIPPED.parent.parent))[key]  # an older rules file: the shipped list
        elif value is None:
            raise _list_error(path, key, None, "is missing: it must be " + (
                "a mapping with 'source' and 'words'" if key in _SOURCED_LISTS else "a non-empty list of words"))
        else:
            out[key] = (_sourced_words if key in _SOURCED_LISTS else _words_of)(path, key, value, child, lines.get(key))
    return out


# A capitalised word of a name: no full stop inside, except in an abbreviated title ('Sen.',
# 'Dr.') or initials ('U.S.', 'J.K.'), so 'said Ana Ruiz. The plan...' ends the name at 'Ruiz'.
_CAP_WORD = (r"(?:(?:Sen|Rep|Gov|Gen|Col|Lt|Sgt|Capt|Cpt|Dr|Mr|Mrs|Ms|Prof|St|Jr|Sr|Mt|Ft|Rev|Adm|Maj|Cmdr|Supt|Insp|Pres|Sec|Amb)\."
             r"|(?:[A-Z]\.){1,4}+(?![\w])|[A-Z][\w\u2019'/-]{0,40}+)")



def _cap_word(particles: str) -> str:
    """A capitalised word of a name (``_CAP_WORD``), perhaps after a particle joined to it by a
    hyphen or an apostrophe ('al-Amiri', 'd’Estaing')."""
    return r"(?:(?:" + particles + r")[-\u2011'\u2019](?=[A-Z]))?+" + _CAP_WORD


def _stop(words) -> str:
    """A negative lookahead: the next word is none of ``words`` (a word, then a word boundary).
    Written as one tree (see :func:`_alternation`); a phrase that starts with another of the
    words and a space ('took to Twitter', 'took') is left out, the shorter one stops it already.
    Inside a negative lookahead only the set of words counts, not their order."""
    ws = set(words)
    kept = [w for w in ws if not any(w.startswith(f + " ") for f in ws)]
    return r"(?!(?:" + _alternation(kept) + r")\b)"


def _name_patterns(det: str, stop: str, lazy: bool, particles: str, member: str | None = None) -> tuple[str, str]:
    """(one speaker, several speakers) as regex text. ``lazy``: the shortest description
    first (a clause's subject is followed by its verb, which must not join the name).
    ``stop``: the lookahead of the words that end a name (:func:`_stop`; irregular past tenses
    too: 'Trump made his claim' is not the name 'Trump made'). ``particles``: the alternation of
    the lowercase particles a name reads on over ('van der', 'al-'; attribution.yml's
    name_particles). ``member``: what else may be a later member of a list of speakers
    ('Teachers and parents', 'Ana Ruiz and local residents'): a plain noun phrase."""
    sp = SPACES
    # Words are bounded (40 characters) and possessive: each attempt reads a bounded stretch.
    cap = _cap_word(particles)
    low = r"[a-z][\w\u2019'-]{0,40}+"
    # a number may lead a hyphenated word: 'the 28-year-old', 'a 3-time champion'
    word = r"(?:" + cap + r"|" + stop + low + r"|\d{1,6}+(?:-[a-z][\w-]{0,30}+)?)"
    q = "?" if lazy else ""
    # a nickname of up to three capitalised words: 'Joanne 'JK' Rowling', 'Tony "The Wall" Mendes'
    nick = (r"[\u2018\u201c'\"][A-Z][\w.]{0,20}+(?:" + SPACE + r"[A-Z][\w.]{0,20}+){0,2}[\u2019\u201d'\"](?=" + SPACE + r")")
    job = stop + r"(?![a-z][\w-]{0,40}(?:ed|s)\b)" + low + r"(?=" + sp + r"[A-Z])"
    party = r"(?:" + SPACE + r"*+\([A-Z][\w./-]{0,12}+\))?"  # Rep. Al Green (D-TX)
    name = (
        # a description: the interior ministry / a senior Canadian official / the embassy in Kazakhstan /
        # a statement from the ministry
        r"\b(?:" + det + r"(?:" + sp + word + r"){1,5}" + q +
        # ('a source close to the star', 'the ambassador to the UN')
        r"(?:" + sp + r"(?:in|of|for|at|from|to)" + sp + r"(?:(?:the|these|those|this|its|his|her|their|our)" + sp + r")?" + word + r"(?:" + sp + word + r"){0,3}" + q + r")?"
        # a possessive, a lowercase description, then a name: China's state-run newspaper Global Times
        # (or no name after it: 'Ruiz's lawyer', 'China's foreign ministry')
        r"|[A-Z][\w-]{0,40}+['\u2019]s(?:" + sp + stop + low + r"){1,3}(?:" + sp + cap + r"){0,4}"
        # titles and names: Deputy Foreign Minister Alexander Grushko / Kazakhstan's president /
        # Iran's Head of Strategic Research Center Ali Akbar Velayati / Leaders of the 20 biggest economies
        # Fox News host Tucker Carlson / Novelist Joanne 'JK' Rowling: a lowercase job word between
        # capitalised words (not a verb: no -ed or -s), a quoted nickname inside a name
        r"|" + cap + r"(?:" + sp + r"(?:" + cap + r"|of|the|for|(?:" + particles + r")\b|\d{1,6}+|" + nick + r")){0,10}"
        r"(?:" + sp + job + r"(?:" + sp + r"(?:" + cap + r"|" + nick + r")){1,4})?" + party +
        r"(?:" + sp + stop + low + r"){0,2}?"
        r"|(?:[Hh]e|[Ss]he|[Tt]hey|[Ii]t|I|[Ww]e)\b)"
    )
    # several speakers, a list with 'and': 'Kristine Phillips and Deanna Paul'
    other = name if member is None else r"(?:" + name + r"|" + member + r")"
    names = name + r"(?:(?:" + SPACE + r"*+," + sp + other + r"){0,3},?" + sp + r"and" + sp + other + r")?"
    return name, names


@lru_cache(maxsize=4)
def _grammar(folder: str, stamp: tuple = ()) -> Grammar:  # stamp: attribution.yml's (path, mtime, size)
    lists = _read_lists(folder)
    speech = _alternation(lists["speech_verbs"])
    participles = _alternation(lists["participles"])
    det = r"(?:" + _alternation(lists["determiners"] + [d.capitalize() for d in lists["determiners"]]) + r")"
    sp = SPACES
    # the words that end a name or a plain noun phrase (attribution.yml's stop_words), with the
    # verbs of saying; a name also ends at an article or an irregular past tense
    name_stop = _stop(lists["name_stop_articles"] + lists["stop_words"] + lists["name_stop_verbs"] + lists["speech_verbs"])
    particles = _alternation(lists["name_particles"])
    stop = _stop(lists["stop_words"] + lists["speech_verbs"])  # an article opens a plain noun phrase
    low = r"[a-z][\w-]{0,40}+"
    bare = stop + low + r"(?:" + sp + stop + low + r")?"  # officials / local residents
    # a name or a plain noun phrase may be a later member of a list of speakers: 'Teachers and parents'
    _, names = _name_patterns(det, name_stop, lazy=False, particles=particles, member=bare)
    _, lazy_names = _name_patterns(det, name_stop, lazy=True, particles=particles)
    # a list of plain noun phrases: 'nurses, doctors and cleaners'
    bares = bare + r"(?:(?:" + SPACE + r"*+," + sp + bare + r"){0,3},?" + sp + r"and" + sp + bare + r")?"
    adverb = r"(?:also|then|later|earlier|again|once|now|[a-z]{2,20}ly)"
    # no "was", "were", "been": a passive verb of saying ("had been told") does not make its subject the speaker
    # a modal too: 'they can tell us', 'officials will say'
    # and a quantifier after a list of speakers: 'Ana Ruiz and the mayor both called'
    aux = r"(?:(?:has|had|have|can|could|will|would|may|might|must|should|both|each|" + adverb[3:-1] + r")" + sp + r"){0,3}"
    # a short time or place between a name and its verb: 'Trump on Tuesday said'
    # (not a relative clause: 'a video in which a man says' is the man's words)
    when = (r"(?:(?:on|in|at|during|last|this|over|after)(?:" + sp + r"(?!(?:which|whom|whose)\b)[\w\u2019'-]{1,20}+){1,3}?"
            + sp + r")?")
    said = r"(?:" + speech + r")\b"
    # a verb of saying, or a participle after 'is/are/was/were': 'are now describing ... as'
    # 'was quoted (by the Tribune) as saying': the subject spoke
    quoted = (r"(?:is|are|was|were|been)" + sp + r"(?:quoted|cited)(?:" + sp + r"by" + sp + r"[^,\u201c\u201d\"\n]{1,60}?)?" + sp
              + r"as" + sp + r"(?:saying|telling)\b")
    verb = (r"(?:" + aux + r"(?P<verb>" + speech + r")\b|(?:is|are|was|were|been)" + sp + r"(?:" + adverb + sp + r")?"
            r"(?:" + participles + r")\b|" + quoted + r")")
    # 'The white nationalist who said', 'The residents who met on Tuesday said'
    relative = r"(?:,?" + sp + r"(?:who|which|that)(?:" + sp + r"(?!(?:he|she|they|it|we|you|many|most|some|all|" + speech + r")\b)[a-z0-9][\w\u2019'-]{0,20}+){0,4}?)?"
    # right after a quotation, a lowercase job or kinship word or two may lead a name, as in
    # tabloid and broadsheet style: 'farmer Luis Costa said', 'said police chief Ana Ruiz' (not
    # an adverb or a time word: 'said yesterday Ana Ruiz' is not a title)
    lead = (r"(?:(?:(?!(?:" + adverb[3:-1] + r"|yesterday|today|tonight|last|next|this|every)\b)" + stop + low + sp
            + r"){1,2}(?=[A-Z]))?")
    # an appositive between the name and its verb: '..." Leah Fontaine, 19, told', '..." one nurse,
    # who asked not to be named, told', '..." the group's leader, Abu Karim, said' (bounded, no quotation mark)
    apposed = r"(?:," + sp + r"[^,\u201c\u201d\"\n]{1,80}+,)?"
    # a plain noun phrase after the verb ('said police.', 'said workers at the plant', 'shouted
    # protesters outside the gates'): it ends before punctuation, a preposition or a clause word
    ends_phrase = (r"(?=" + SPACE + r"*+[,.;:!?]|" + SPACE + r"*+$|" + sp + r"(?:at|of|in|from|for|on|outside|after|before|"
                   r"during|near|with|across|who|which|when|as|to|and|but|while)\b)")
    bare_after = (stop + low + r"(?:" + sp + stop + low + r")??(?:" + sp + r"(?:at|of|from)" + sp + r"(?:the" + sp + r")?(?:"
                  + _CAP_WORD + r"(?:" + sp + _CAP_WORD + r"){0,3}|" + stop + low + r"))?" + ends_phrase)
    after = (
        r"^[\s,.!?\u2014\u2013-]*+(?:(?P<name>" + lead + names + r"|" + bares + r")" + apposed + sp + r"(?:" + quoted + r"|" + aux + said + r")" +
        r"|" + said + sp + r"(?P<name2>" + lead + names + r"|" + bare_after + r"))"
    )
    tail = (r",\s++(?P<name>" + names + r"|" + bares + r")" + sp + aux + r"(?P<verb>" + speech + r")\b")
    quoted_as = (sp + r"(?P<name>" + names + r")" + sp + r"as" + sp + r"(?:saying|telling)\b")
    # a passive verb of saying before the quotation and its agent after it: 'The plan was
    # described as "reckless" by union leaders'
    naming = _alternation(lists["naming_verbs"])
    passive_head = (r"\b(?:is|are|was|were|been|being)" + sp + r"(?:" + adverb + sp + r")?(?:" + speech + r"|" + naming
                    + r")\b(?:" + sp + r"as)?" + SPACE + r"*+$")
    passive_by = (r"^" + SPACE + r"*+by" + sp + r"(?P<name>" + lead + names + r"|" + bares + r")")
    # an appositive may sit between name and verb: 'Robin Forestier-Walker, reporting from Georgia, says'
    # (an appositive may hold a comma or two: 'The papers, which were found on Lake Watch, a new site, allege')
    before = (r"(?P<name>" + names + r")(?:(?:,[^,\u201c\"]{1,120}+){1,3},)?" + relative + sp + when + verb)
    bare_before = (r"(?:^|[,;:]" + sp + r"|\b(?:but|and|while|whereas|although|though|as|when|because|since|if|unless|until)" + sp + r")(?P<name>" + bares + r")" + relative + sp + aux + r"(?P<verb>" + said + r")")
    aside = r"(?:" + SPACE + r"*+[\u2014\u2013(,][^\u201c\"\n]{1,200}?[\u2014\u2013),])?"
    colon = (r"(?:^|[,;.]" + sp + r")(?P<name>" + names + r")" + aside +
                       # 'Prime Minister Ana Ruiz on the budget:' (a topic of up to four words)
                       r"(?:" + sp + r"on" + sp + r"[\w\u2019'-]{1,20}+(?:" + sp + r"[\w\u2019'-]{1,20}+){0,3}?)?"
                       r"(?:" + sp + aux + r"(?:[a-z]{2,20}ed|" + speech + r")\b(?:" + sp + r"[\w\u2019'-]{1,20}+){0,3}?)?" + SPACE + r"*+:" + SPACE + r"*+$")
    according = (r"\b(?:[Aa]ccording" + sp + r"to|[Ii]n" + sp + r"the" + sp + r"words" + sp + r"of)" + sp
                 # a job word may lead the name ('according to engineer Ana Ruiz'), not an article
                 # ('a Reuters poll' is a description, read by the name pattern)
                 + r"(?P<name>(?:(?!" + det + r"\b)" + lead + r")?" + names + r"|" + bares + r")")
    # 'As the shadow chancellor put it, "..."': the words are the speaker's
    put_it = (r"\b[Aa]s" + sp + r"(?P<name>" + names + r"|" + bares + r")" + sp + r"(?:put|puts|has" + sp + r"put)"
              + sp + r"it\b")
    nouns = _alternation(lists["speech_nouns"])
    participle = (
        # '..., saying "...', 'by bizarrely claiming', '... and said'
        r"(?:,|\band|\bby|\bfor|\bin|\bwhen|\bbefore|\bafter|\bwhile)" + sp + r"(?:" + adverb + sp + r")?(?:" + participles + r"|" + said + r")\b"
        # 'walked back its claim on Friday that', 'made his tenth claim that'
        r"|\b(?:its|his|her|their)(?:" + sp + low + r")?" + sp + r"(?:" + nouns + r")(?:" + sp + r"(?:on|in|at|last)" + sp + r"\w{1,20}+)?" + sp + r"that\b"
        # 'the president shared the clip while blaring:', 'Another activist ... questioned:'
        r"|\b[a-z]{2,20}(?:ed|ing)" + SPACE + r"*+:" + SPACE + r"*+$")
    subject = (
        r"(?:(?:^|[;:]" + sp + r")"
        r"(?:(?:On|In|At|During|After|Before|Last|Earlier|Meanwhile|Later|Yet|But|And|Now|Still)\b[^,\u201c\"]{0,60}+," + sp + r")?"
        r"(?:(?:which|who|where|when)\b[^,\u201c\"]{0,60}+," + sp + r")?"
        # a question puts its subject after the auxiliary: 'How do the people at these rallies explain ...'
        r"(?:(?:How|Why|When|Where|What)" + sp + r"(?:do|does|did|can|could|will|would|should)" + sp + r")?"
        r"(?!(?:How|What|Why|When|Where|Which|Who|If|Although|Though|Because|While|In|On|At|As)\b)"
        r"(?P<name>" + lazy_names + r"|" + bare + r")"
        r"|\b(?:after|before|when|as|while|because|since|until|and|but|then|so|that)" + sp + r"(?P<name2>" + lazy_names + r"))"
        r"(?:,[^,\u201c\"]{1,120},|" + sp + r"[\u2014\u2013][^\u201c\"\u2014\u2013]{1,200}+[\u2014\u2013])?" + sp + r"(?=(?!(?:of|in|for|at|to|and|or|with|from|on|by)\b)[a-z])"
    )
    # a verb-like word: a regular or irregular past ('began', attribution.yml's name_stop_verbs),
    # a present in -s, an auxiliary or an adverb
    verb_like = (r"(?:[a-z]{2,20}(?:ed|es|s)|has|have|had|is|are|was|were|will|would|can|could|may|might|must|"
                 r"should|did|does|do|also|then|still|now|again|never|[a-z]{2,20}ly|"
                 + _alternation(lists["name_stop_verbs"]) + r")\b")
    # a lowercase subject after a colon, perhaps with its places: '...: state governors in
    # Norland, Ostria and even Vessia are ...'
    cap = _CAP_WORD
    place = cap + r"(?:" + sp + cap + r"){0,3}"
    places = place + r"(?:(?:," + sp + place + r"){0,4},?" + sp + r"(?:and|or)(?:" + sp + r"[a-z]{2,10}+)?" + sp + place + r")?"
    bare_place = stop + low + r"(?:" + sp + stop + low + r"){0,2}(?:" + sp + r"(?:in|from|of|across)" + sp + places + r")?"
    strict_subject = (
        # after a conjunction, up to two lowercase words may lead the name: 'when prime-time cable
        # host Dan Ruiz began', 'as former Mayor Ana Ruiz has'
        r"(?:^|[;:]" + sp + r"|\b(?:after|before|when|as|while|because|since|until|and|but|then|so|that)" + sp
        + r"(?:" + stop + low + sp + r"){0,2})"
        r"(?:(?:On|In|At|During|After|Before|Last|Earlier|Meanwhile|Later|Yet|But|And|Now|Still)\b[^,\u201c\"]{0,60}+," + sp + r")?"
        r"(?!(?:How|What|Why|When|Where|Which|Who|If|Although|Though|Because|While|In|On|At|As)\b)"
        r"(?P<name>" + names + r"|(?<=[;:]" + SPACE + r")" + bare_place + r")"
        r"(?:,[^,\u201c\"]{1,120},|" + sp + r"[\u2014\u2013][^\u201c\"\u2014\u2013]{1,200}+[\u2014\u2013])?" + sp + when + r"(?=" + verb_like + r")"
    )
    # 'the White House statement that', 'a ministry report that': the document's words
    document = None
    if lists["document_nouns"]:
        doc_word = r"(?:" + _CAP_WORD + r"|[A-Z][\w-]{0,40}+['\u2019]s|" + stop + low + r")"
        document = (r"\b(?P<name>(?:[Tt]he|[Aa]n?|[Tt]his)(?:" + sp + doc_word + r"){0,4}?" + sp + r"(?:"
                              + _alternation(lists["document_nouns"]) + r"))" + sp + r"that\b"
                              # 'an order that allowed ...' is a relative clause, not what it says
                              r"(?!" + sp + verb_like + r")")
    term = None
    if lists["term_nouns"]:
        # '... the word "hoax"', 'his favourite slogan "..."', and with no determiner before a
        # list of examples: 'segments that used euphemisms like "..."', 'using terms such as "..."'
        terms = r"(?:" + _alternation(lists["term_nouns"]) + r")"
        like = r"(?:like|such" + sp + r"as)"
        term = (r"(?:\b(?:the|a|an|his|her|their|its)(?:" + sp + r"[\w-]{1,20}+)?" + sp + terms + r"(?:" + sp + like + r")?"
                r"|\b" + terms + sp + like + r")" + SPACE + r"*+$")
    # 'issued a statement calling the report "baseless"', 'released a plan on Monday aimed at "..."':
    # the words of a document someone put out are theirs (ends at the document noun)
    published = None
    if lists["publishing_verbs"] and lists["document_nouns"]:
        published = (r"\b(?:" + _alternation(lists["publishing_verbs"]) + r")" + sp
                     + r"(?:a|an|the|its|his|her|their)(?:" + sp + stop + low + r"){0,2}?" + sp
                     + r"(?:" + _alternation(lists["document_nouns"]) + r")\b")
    # 'posted a video showing protesters chanting "..."', 'a plan to end what critics call "..."':
    # after the document noun, words that bring in other people, who may be the speakers
    others = None
    if published is not None and lists["document_others"]:
        others = r"\b(?:" + _alternation(lists["document_others"]) + r")\b"
    cap = _cap_word(particles)
    # up to six words, the name pattern's particles inside: ', Ali Akbar Hashemi Velayati.', ', Omar bin Zayed.'
    # the rest of a long lowercase title may come first: 'said the deputy speaker ... and chair of the
    # constitutional committee Arman Seitkali', 'the Secretary General of the organisation, Jean Ndiaye'
    # (its words checked by _with_appositive: no verb, no clause word)
    appositive = (r"^(?P<gap>(?:" + sp + r"[a-z][\w\u2019'-]{0,30}+){0,12}?)(?P<comma>,)?" + sp + r"(?P<name>" + cap
                  + r"(?:" + sp + r"(?:(?:" + particles + r")\b" + sp + r"){0,2}" + cap + r"){1,5}+)" + SPACE + r"*+(?:[,.;!?]|$)")
    # the words a name reads on over after the name pattern's bound (``_name_end``): capitalised
    # words, each perhaps after up to three joining words ('of the', 'van der'); each step ends on a
    # capitalised word, so the run is possessive; at most 20 more words
    name_more = (r"(?:(?:" + SPACES + r"(?:of|the|for|(?:" + particles + r")\b)){0,3}" + SPACES + cap + r"){1,20}+")
    # the joining words and adverbs a name found by a lazy pattern may end on: cut off
    trailing_connector = (r"(?:\s++(?:of|the|for|(?:" + particles + r")\b|and|also|then|now|again|once|"
                          r"[a-z]{2,20}(?:ed|al|nt|ous|ive|ic|ate|ful|ess|ent)ly))++$")
    rules = dict(after=after, tail=tail, before=before, bare_before=bare_before, colon=colon, according=according,
                 put_it=put_it, participle=participle, subject=subject, strict_subject=strict_subject, appositive=appositive,
                 quoted_as=quoted_as, passive_head=passive_head, passive_by=passive_by, document=document, term=term, published=published,
                 document_others=others, name_more=name_more, trailing_connector=trailing_connector)
    return Grammar(speech, _alternation(lists["source_verbs"]), frozenset(t.lower() for t in lists["titles"]),
                   frozenset(w.lower() for w in lists["naming_verbs"]), rules,
                   PRONOUNS | frozenset(lists["not_a_name"]), _rule_cues(lists),
                   frozenset(w for w in lists["stop_words"] + lists["name_stop_verbs"] + lists["speech_verbs"] if " " not in w))


# --------------------------------------------------------------------------- cue words
# Most rules can only match where one word of a list stands: 'before' and 'tail' need a verb of
# saying (or a participle), 'according' the word 'according', 'document' a document noun. In
# each such rule the listed word follows a space (or opens the window) and a word boundary (or
# a space) follows it, so the text holds, as a whole word (a run of ``\w``), the first word of
# that entry. The text's words are listed once (``_WordIndex``); a window of a quotation with
# none of a rule's cue words cannot match the rule, so the rule is not run on it. Same results,
# but a text of many short quotations and no verbs of saying costs a bisect per rule and
# quotation instead of a scan of up to 1,000 characters.
_WORD_RUN = re.compile(r"\w++")
_STOP_MARK = re.compile(r"[.!?]")
_LINE_BREAK = re.compile(r"\n")
_NOT_IN_END = re.compile(r"[^.!?\"'\u201d\u2019)\]]")  # a character no sentence end (_CANDIDATE) holds


def _cue_words(*lists) -> frozenset | None:
    """The first word (``\\w`` run) of every entry of ``lists``; None when an entry does not
    start with a word character (no word could then stand for it: the rule always runs)."""
    out = set()
    for items in lists:
        for item in items:
            m = _WORD_RUN.match(item)
            if not m:
                return None
            out.add(m.group())
    return frozenset(out)


def _rule_cues(lists: dict) -> dict:
    """rule -> its cue words (None: none known, the rule always runs); "any": all of them."""
    speech, participles = lists["speech_verbs"], lists["participles"]
    cues = {"after": _cue_words(speech), "tail": _cue_words(speech), "bare_before": _cue_words(speech),
            "before": _cue_words(speech, participles),
            "participle": _cue_words(speech, participles, lists["speech_nouns"]),
            "according": frozenset({"according", "According", "words"}), "put_it": frozenset({"put", "puts"}), "quoted_as": frozenset({"saying", "telling"}),
            "document": _cue_words(lists["document_nouns"]), "term": _cue_words(lists["term_nouns"]),
            "published": _cue_words(lists["publishing_verbs"])}
    cues["any"] = frozenset().union(*(c for c in cues.values() if c is not None))
    return cues


class _WordIndex:
    """The words (``\\w`` runs) of one text, found once, and for each cue set the runs in it: does
    a window ``text[a:b]`` hold one of a set's words as a whole word? (a bisect, not a scan)."""

    def __init__(self, text: str):
        self.text = text
        self.starts, self.ends = [], []
        for m in _WORD_RUN.finditer(text):
            self.starts.append(m.start())
            self.ends.append(m.end())
        self._hits: dict = {}
        self._lines: dict = {}  # line start -> its sentence ends (line_sentence_ends)
        self.stops = [m.start() for m in _STOP_MARK.finditer(text)]  # where a sentence may end
        self.breaks = [m.start() for m in _LINE_BREAK.finditer(text)]

    def may_end_sentence(self, a: int, b: int) -> bool:
        """Whether ``text[a:b]`` holds '.', '!' or '?' (every sentence end starts with one)."""
        i = bisect.bisect_left(self.stops, max(a, 0))
        return i < len(self.stops) and self.stops[i] < b

    def sentence_start(self, line_start: int, lo: int, pos: int) -> int | None:
        """``_sentence_start(text, lo, pos)`` from the sentence ends of the whole line starting at
        ``line_start`` (found once a line), or None when it must be found by a scan.

        A sentence end found in ``text[line_start:]`` is one of ``text[lo:pos]``'s exactly when
        its lookahead (spaces, then a character) fits before ``pos`` (``needs``), it starts after
        a character that cannot be part of one (there a scan from ``lo`` reads as one from
        ``line_start``) and at least 40 characters after ``lo`` (the stretch ``_is_boundary``
        reads before it); the last such end is the sentence start. Else: None."""
        line = self._lines.get(line_start)
        if line is None:
            stop = self.text.find("\n", line_start)
            chunk = self.text[line_start:stop if stop >= 0 else len(self.text)]
            line = ([], [], [])  # needs, starts, ends
            for m in _CANDIDATE.finditer(chunk):
                if _is_boundary(chunk, m):
                    line[0].append(line_start + _NOT_SPACE.search(chunk, m.end()).start() + 1)
                    line[1].append(line_start + m.start())
                    line[2].append(line_start + m.end())
            self._lines[line_start] = line
        needs, starts, ends = line
        k = bisect.bisect_right(needs, pos) - 1
        if lo == line_start:
            return ends[k] if k >= 0 else lo
        if k < 0 or starts[k] < lo + 40:
            return None
        free = _NOT_IN_END.search(self.text, lo, starts[k])
        return ends[k] if free else None

    def _runs_in(self, cues: frozenset) -> tuple[list[int], list[int]]:
        hits = self._hits.get(cues)
        if hits is None:
            text = self.text
            idx = [i for i, (a, b) in enumerate(zip(self.starts, self.ends)) if text[a:b] in cues]
            hits = self._hits[cues] = ([self.starts[i] for i in idx], [self.ends[i] for i in idx])
        return hits

    def holds(self, a: int, b: int, cues: frozenset) -> bool:
        """Whether a run of ``\\w`` of ``text[a:b]`` (a maximal one there) is in ``cues``."""
        if a >= b:
            return False
        starts, ends = self._runs_in(cues)
        i = bisect.bisect_left(starts, a)
        if i < len(starts) and ends[i] <= b:
            return True  # a run wholly inside the window is one of the window's runs
        text = self.text  # runs cut by the window's edges: the one holding a, the one holding b
        j = bisect.bisect_right(self.starts, a) - 1
        if j >= 0 and self.starts[j] < a < self.ends[j] and text[a:min(self.ends[j], b)] in cues:
            return True
        k = bisect.bisect_left(self.starts, b) - 1
        return k >= 0 and a <= self.starts[k] and self.ends[k] > b and text[self.starts[k]:b] in cues


def _holds_cue(g: Grammar, rule: str, words: _WordIndex | None, text: str, a: int, b: int) -> bool:
    """May ``rule`` match in ``text[a:b]``? False only when the window holds none of its cue words."""
    cues = g.cues.get(rule)
    if cues is None:
        return True
    a, b, _ = slice(a, b).indices(len(text))
    if words is None or words.text is not text:
        return any(w in cues for w in _WORD_RUN.findall(text, a, max(a, b)))
    return words.holds(a, b, cues)


def grammar(folder: str | Path | None = None) -> Grammar:
    """The compiled attribution grammar of a rules folder (default: the shipped data)."""
    folder = str(Path(folder) if folder is not None else _rules_folder())
    return _grammar(folder, read_stamp(Path(folder) / "corpus" / "attribution.yml"))  # a changed file is read again


# --------------------------------------------------------------------------- who speaks
PRONOUNS = frozenset({"he", "she", "they", "it", "i", "we"})
_WINDOW = 1000  # an attribution sits within this many characters of its quotation
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019]?\s++(?=[A-Z\u201c\"])")
# a day of the week after a name is when it was said, not part of the name: 'said Interior
# Minister Ana Ruiz Monday' (US news style drops 'on'). Months are left alone: 'Theresa May'.
_TRAILING_WEEKDAY = re.compile(r"(?:\s++(?:on\s++)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
                               r"(?:\s++(?:morning|afternoon|evening|night))?)++$")
_PARTY = re.compile(r"\s*+\([A-Z][\w./-]{0,12}+\)")
_CLAUSE_BREAK_BEFORE = re.compile(r";|\s[\u2014\u2013]\s|,\s*+(?:but|while|whereas|although|though)\b|\b(?:but|while|whereas|although)\s")
_MODIFIER_BEFORE = re.compile(r"(?:\b(?:the|a|an|its|his|her|their|our|your|this|that|these|those|so-called)|['\u2019]s)"
                              + SPACE + r"*+$", re.IGNORECASE)
_AFTER_PREPOSITION = re.compile(r"\b(?:on|in|at|by|from|to|with|of|for|about|into|over)" + SPACE + r"++$")
_TRAILING_PARTICIPLE = re.compile(r"(?<=\w\w)\s++(?:released|published|issued|conducted|carried|seen|obtained)\b.{0,40}$")
_QUOTE_THEN_CLAUSE = re.compile(r"[\u201d\"](?>[^\u201c\"\n]{0,300}?\b(?:when|while|whereas|because|although|though|since|but)\b)")
_THAT = re.compile(r"(?:that|\w{1,4}+" + SPACE + r"++that)\b")  # 'that' ends or follows a match
_SO_CALLED = re.compile(r"\bso-called" + SPACE + r"*+$", re.IGNORECASE)
_NEXT_WORD = re.compile(SPACE + r"++([a-z][\w-]{0,40}+)")
_FUNCTION_WORDS = frozenset(
    "and or but nor to from of in on for with that as at by is are was were be been has have had will would can "
    "could may might should must than which who whom whose when where while if because so".split())


# A capitalised word that opens a clause or a phrase, not a name: 'As the president spoke about ...',
# 'Under Ostria's "open door" rules'
_LEADING_CONJUNCTION = re.compile(r"^(?:As|When|While|After|Before|If|Because|Since|Although|Though|Once|Until|"
                                  r"But|And|So|Yet|Then|Now|Meanwhile|Still|Under|In|On|At|For|From|With|By|"
                                  r"About|Against|During|Despite|Over|Without) (?=\S)")


def _name_end(text: str, end: int, g: Grammar) -> int:
    """Where a name found up to ``end`` ends: a name pattern reads at most eleven words, so
    'said Iran's Head of Strategic Research Center for the Expediency Council Ali Akbar
    Velayati' stopped at 'Ali'; the name reads on over the capitalised words after it (the
    grammar's ``name_more``: joining words and particles between them)."""
    m = g.name_more.match(text, end)
    return m.end() if m else end


def _clean_name(name: str, g: Grammar) -> str:
    name = _PARTY.sub("", _SPACE_RUN.sub(" ", name)).strip(" ,.")
    name = _LEADING_CONJUNCTION.sub("", name)
    name = _TRAILING_WEEKDAY.sub("", name)
    return g.trailing_connector.sub("", name)


def _is_description(name: str, g: Grammar) -> bool:
    """A speaker phrase that is a title or a description rather than a name."""
    parts = name.split()
    return bool(parts) and (parts[-1].lower() in g.titles or parts[0].lower() in ("the", "a", "an")
                            or " of " in name
                            # 'Okafor's agent': a possessive and a lowercase noun
                            or (len(parts) > 1 and parts[0].endswith(("'s", "\u2019s")) and parts[-1][:1].islower()))


_JOINING = frozenset({"of", "the", "and", "for", "in", "at", "on"})  # words inside a long title


def _with_appositive(name: str, rest: str, g: Grammar) -> str:
    """'said the head of X, Ali Akbar Velayati.': the name in the appositive, not the title."""
    if not _is_description(name, g):
        return name
    m = g.appositive.match(rest)
    if not m or any(w.lower() in g.titles for w in m.group("name").split()):
        return name
    gap = m.group("gap").split()
    if not m.group("comma") and (not gap or gap[-1] in _JOINING):
        return name  # 'said the spokesman for the European Commission': a body, not a name
    if any(w not in _JOINING and w in g.clause_words for w in gap):
        return name  # 'said the mayor as police arrested Ana Ruiz': a new clause
    return _clean_name(m.group("name"), g)


def _is_fragment(inner: str) -> bool:
    """A short quoted piece that is not a statement (a scare quote or a quoted word or two)."""
    ws = inner.split()
    return (len(ws) <= 4 and inner.rstrip(" ,;:")[-1:] not in (".", "!", "?", "\u2026")
            and not (inner[:1].isupper() and len(ws) >= 3))


_NAME_WORD_BEFORE = re.compile(r"(?<![\w.])[A-Z][\w\u2019'.-]{0,40}+" + SPACE + r"$")
_NAME_WORD_AFTER = re.compile(SPACE + r"[A-Z][\w\u2019'-]{1,40}+\b")


def _is_nickname(text: str, start: int, end: int) -> bool:
    """'Danny "The Hammer" O'Rourke': a quoted nickname of one to three capitalised words
    between a first name and a surname (the capitalised words right before and after it)."""
    ws = text[start:end].split()
    if not 1 <= len(ws) <= 3 or not all(w[:1].isupper() for w in ws) or text[end - 1: end] in ".,!?":
        return False
    before = _NAME_WORD_BEFORE.search(text, max(0, start - 43), max(0, start - 1))
    return (before is not None and before.group().strip() not in _NOT_FIRST_NAMES
            and _NAME_WORD_AFTER.match(text, end + 1) is not None)


_NOT_FIRST_NAMES = frozenset({"The", "A", "An", "In", "On", "At", "As", "Of", "For", "To", "And", "But", "So", "By", "I"})
_RELATIVE = re.compile(r"\b(?:which|who|whose|whom)\b")
def _in_relative_clause(head: str, pos: int) -> bool:
    """Does ``head`` end inside a relative clause opened after ``pos`` ('the system which saw
    ...'), with no comma closing it?"""
    last = None
    for last in _RELATIVE.finditer(head, pos):
        pass
    return last is not None and "," not in head[last.end():]

_WORD = re.compile(r"[^\W\d_]{2,}")
_TITLE_SMALL = frozenset("a an the and or of for in on at to by with from as nor but".split())


def _is_title(inner: str) -> bool:
    """'Agenda for the Catholic Community', 'Northern Lights': the name of a work, a plan or an
    event (two to twelve words, every word but the small ones capitalised, no end stop)."""
    ws = inner.split()
    if not 2 <= len(ws) <= 12 or inner.rstrip()[-1:] in (".", "!", "?", ",", "\u2026"):
        return False
    big = [w for w in ws if w.lower() not in _TITLE_SMALL]
    return bool(big) and all(w[:1].isupper() for w in big) and ws[0][:1].isupper() and ws[0] not in ("I", "We")


def _modifies_noun(text: str, start: int, end: int) -> bool:
    """'the so-called "fetal heartbeat" bill', 'the Commonwealth's "stop the boats" policy': a
    quoted label inside a noun phrase, the reporter's naming of a thing, not someone's words."""
    if not _MODIFIER_BEFORE.search(text, max(0, start - 12), max(0, start - 1)):
        return False
    m = _NEXT_WORD.match(text, end + 1)
    return bool(m) and m.group(1).lower() not in _FUNCTION_WORDS


# A name in the possessive right before a quotation mark: 'President Ana Ruiz's "'. Not after
# a determiner ('the city's', 'a rival's'), which makes it a description of a thing or a place.
_POSSESSOR = re.compile(r"(?<![\w'\u2019.-])(?P<name>[A-Z][\w.-]{0,40}+(?:" + SPACE + r"[A-Z][\w.-]{0,40}+){0,3})"
                        r"['\u2019]s" + SPACE + r"*+[\u201c\"'\u2018]$")
_DETERMINER_BEFORE = re.compile(r"\b(?:the|a|an|this|that|its|his|her|their|our)" + SPACE + r"++$", re.IGNORECASE)


def _possessor(text: str, start: int, g: Grammar) -> str:
    """The person or body whose term a quoted label is ('Trump's "invisible enemy"' -> 'Trump'),
    or '' when the possessive is not a name."""
    lo = max(0, start - 200)
    m = _POSSESSOR.search(text, lo, start)
    if not m or _DETERMINER_BEFORE.search(text, max(0, m.start() - 12), m.start()):
        return ""
    return _clean_name(m.group("name"), g)


def _sentence_start(text: str, line_start: int, pos: int, words: _WordIndex | None = None) -> int:
    """Where the sentence holding ``pos`` starts (the splitter of :func:`sentences`, on the
    stretch of its line before ``pos``: abbreviations such as 'U.S.' do not end it).
    ``words``: the text's ``_WordIndex``, which knows at once a stretch with no '.', '!' or '?'."""
    if words is not None and words.text is text and 0 <= line_start:
        if not words.may_end_sentence(line_start, pos):
            return line_start
        i = bisect.bisect_left(words.breaks, line_start)  # the line breaks before line_start
        if i == len(words.breaks) or words.breaks[i] >= pos:  # text[line_start:pos] is on one line
            cut = words.sentence_start(words.breaks[i - 1] + 1 if i else 0, line_start, pos)
            if cut is not None:
                return cut
    chunk = text[line_start:pos]
    cut = 0
    for m in _CANDIDATE.finditer(chunk):
        if _is_boundary(chunk, m):
            cut = m.end()
    return line_start + cut


def quote_speaker(text: str, start: int, end: int, folder: str | Path | None = None) -> str:
    """Who ``text`` says spoke the words of the quotation ``text[start:end]`` (offsets of the
    words inside the quotation marks), as written: a name ('Deputy Foreign Minister Alexander
    Grushko'), several ('Kristine Phillips and Deanna Paul'), a description ('a senior Canadian
    official', 'the embassy') or a pronoun ('he': resolving it is the caller's job, it needs
    the quotations before). '' when the sentence names nobody.

    Looked for in this order: right after the quotation ('..." said X' / '..." X said'), later
    in its sentence (', X said'), 'according to X' after it, then before it in its sentence
    ('X: "..."', 'X said ... "..."', 'according to X', '..., saying "..."' gives the clause's
    subject). A short fragment (a scare quote) gets no speaker when it labels a noun ('the
    "reform" plan'), when a naming verb comes right before it ('a trait called "gender"'), or
    when a new clause ('but', 'while', ';') starts between the verb and the quotation.
    """
    text = text_arg(text, "quote_speaker")
    return _quote_speaker(text, start, end, grammar(folder))


def _quote_speaker(text: str, start: int, end: int, g: Grammar, words: _WordIndex | None = None) -> str:
    """:func:`quote_speaker` with the grammar given, and the text's words (``_WordIndex``) when
    the caller has them: a rule is run only on a window that holds one of its cue words."""
    inner = text[start:end]
    anywhere: dict = {}  # (a, b) -> whether text[a:b] holds any rule's cue word

    def holds(rule: str, a: int, b: int) -> bool:  # may ``rule`` match in text[a:b]?
        if g.cues.get(rule) is None:
            return True
        if (a, b) not in anywhere:  # most windows hold no cue word at all: one look for every rule
            anywhere[a, b] = _holds_cue(g, "any", words, text, a, b)
        return anywhere[a, b] and _holds_cue(g, rule, words, text, a, b)

    fragment = _is_fragment(inner)
    if _is_nickname(text, start, end):
        return ""  # 'Boxer Danny "The Hammer" O'Rourke': part of a name, nobody's words
    if fragment and _SO_CALLED.search(text, max(0, start - 12), max(0, start - 1)):
        return ""  # 'the so-called "reform"': the writer's distance, nobody's words
    line_end = text.find("\n", end, end + 1 + _WINDOW)
    tail_at = end + 1
    tail = text[tail_at: line_end if line_end >= 0 else end + 1 + _WINDOW]
    tail_at = slice(tail_at, None).indices(len(text))[0]  # where tail starts in text
    # '... politics." The statement called ...': a quotation that ends its sentence is not
    # attributed by the next sentence.
    ends_sentence = inner.rstrip()[-1:] == "." and tail.lstrip(SPACE_CHARS)[:1].isupper()
    trailing_source = ""
    if not ends_sentence:
        m = g.after.match(tail) if holds("after", tail_at, tail_at + len(tail)) else None
        if m and m.group("name2"):
            # 'said Iran's Head of ... Council Ali Akbar Velayati': the name read on to its end
            name_end = _name_end(tail, m.end("name2"), g)
            return _with_appositive(_clean_name(tail[m.start("name2"):name_end], g), tail[name_end:], g)
        if m:
            return _clean_name(m.group("name"), g)
        m = g.passive_by.match(tail) if tail.lstrip(SPACE_CHARS)[:3] == "by " else None
        if m and g.passive_head.search(text, max(0, start - 80), max(0, start - 1)):
            return _clean_name(tail[m.start("name"):_name_end(tail, m.end("name"), g)], g)
        may_end = words is None or words.text is not text or words.may_end_sentence(tail_at, tail_at + len(tail))
        stop = _SENTENCE_END.search(tail) if may_end else None
        tail = tail[: stop.start() if stop else len(tail)]
        m = g.tail.search(tail) if holds("tail", tail_at, tail_at + len(tail)) else None
        if m:
            # ', Interfax has quoted the defence ministry as saying': the ministry spoke
            relayed = (g.quoted_as.match(tail, m.end()) if m.group("verb").lower() in ("quoted", "cited")
                       and holds("quoted_as", tail_at + m.end(), tail_at + len(tail)) else None)
            return _clean_name((relayed or m).group("name"), g)
        m = g.according.search(tail) if holds("according", tail_at, tail_at + len(tail)) else None
        if m:  # used only when nothing before the quotation names a speaker
            trailing_source = _TRAILING_PARTICIPLE.sub("", _clean_name(tail[m.start("name"):_name_end(tail, m.end("name"), g)], g))
    line_start = max(text.rfind("\n", max(0, start - _WINDOW), start) + 1, start - _WINDOW, 0)
    head_end = max(line_start, start - 1)
    head_at = _sentence_start(text, line_start, start, words)
    head = text[head_at:head_end].lstrip()
    # colon: a head ending in ':' (the rule ends with ':', spaces and the end)
    m = g.colon.search(head.rstrip()) if head.rstrip().endswith(":") else None
    if m:
        return _clean_name(m.group("name"), g)

    def may(rule: str) -> bool:  # may the rule match in the head? (its cue words)
        return holds(rule, head_at, head_end)

    found = [(x.start(), x.end(), x.group("name"), x.group("verb") or "") for x in g.before.finditer(head)] if may("before") else []
    if may("bare_before"):
        found += [(x.start("name"), x.end(), x.group("name"), x.group("verb")) for x in g.bare_before.finditer(head)]
    if may("according"):
        found += [(x.start(), x.end(), head[x.start("name"):_name_end(head, x.end("name"), g)], "according")
                  for x in g.according.finditer(head)]
    if may("put_it"):
        found += [(x.start(), x.end(), x.group("name"), "") for x in g.put_it.finditer(head)]
    if g.document is not None and not (fragment and _modifies_noun(text, start, end)) and may("document"):
        found += [(x.start(), x.end(), x.group("name"), "") for x in g.document.finditer(head)]
    # The object of a preposition is not a speaker: '... published on NRA Watch, a database, allege'
    found = [f for f in found if not _AFTER_PREPOSITION.search(head, max(0, f[0] - 8), f[0])]
    # '... tell us to vote "because judges" when their nominees passed a law ... "...": a new
    # clause after an earlier quotation ends what the verb introduced
    found = [f for f in found if not _QUOTE_THEN_CLAUSE.search(head, f[1])]
    if found:
        a, b, name, verb = max(found, key=lambda f: (f[1], -f[0]))
        # 'The fire started ..., according to Chief Ana Ruiz, who called it "...": the source
        # inside the appositive the match read over speaks, not the clause before it
        inside = [f for f in found if f[3] == "according" and f[0] < b and f[1] > a and (f[0], f[1]) != (a, b)]
        if inside:
            a, b, name, verb = max(inside, key=lambda f: f[1])
            b = max(f[1] for f in found)
        relayed = g.quoted_as.match(head, b) if verb.lower() in ("quoted", "cited") else None
        name = _clean_name(relayed.group("name") if relayed else name, g)  # 'the agency quoted the governor as saying'
        b = relayed.end() if relayed else b
        # 'a trait called "gender"' names a thing; 'what he called "terrorists"' quotes him
        naming = (verb.lower() in g.naming and name.lower() not in PRONOUNS
                  and not head[b:].strip(SPACE_CHARS + "\u201c\"'\u2018"))
        if fragment and (_CLAUSE_BREAK_BEFORE.search(head, b) or naming):
            return ""
        if fragment and _in_relative_clause(head, b) and _modifies_noun(text, start, end):
            # 'X said ... the system which saw ... under the Commonwealth's "stop the boats" policy':
            # a label deep in a relative clause names a thing, it does not quote X
            return _possessor(text, start, g)
        if _is_title(inner) and _WORD.search(head, b):
            return ""  # 'Biden, who boasted ..., presents his "Agenda for the Heartland"': a title
        return _speaker_or_subject(name, head, g)
    if trailing_source:
        return trailing_source
    p = None
    # the participle rule's third branch ends with ':' and the end, like the colon rule
    for p in (g.participle.finditer(head) if may("participle") or head.rstrip().endswith(":") else ()):
        pass
    # '..., claiming that ending it is a "nonessential" procedure', 'his claim that he had a
    # "much better" plan': a label inside what a speaker claims is that speaker's word
    reported = p is not None and bool(_THAT.match(head, p.end() - 4))
    if fragment and not reported and _modifies_noun(text, start, end):
        # 'the city's "green corridor" plan': a label inside a noun phrase, nobody's words;
        # but 'Trump's "invisible enemy"': a person's (or body's) own term for the thing
        return _possessor(text, start, g)
    if p is not None and not (fragment and _CLAUSE_BREAK_BEFORE.search(head, p.end())):
        subject = _clause_subject(head, p.start() + 1, g) or _earlier_speaker(head, p.start() + 1, g)
        if subject:
            return subject
    pub = None
    for pub in (g.published.finditer(head) if g.published is not None and may("published") else ()):
        pass
    if (pub is not None and not _CLAUSE_BREAK_BEFORE.search(head, pub.end()) and not _QUOTE_THEN_CLAUSE.search(head, pub.end())
            and not (g.document_others is not None and g.document_others.search(head, pub.end()))):
        # 'The ministry issued a statement calling the report "baseless"': the ministry's words
        subject = _clause_subject(head, pub.end(), g)
        if subject and subject.lower() not in PRONOUNS:
            return subject
    term = g.term.search(head, max(0, len(head) - 80)) if g.term is not None and fragment and may("term") else None
    if term and not _CLAUSE_BREAK_BEFORE.search(head, term.start()):
        # 'Trump has weaponized the word "hoax"': the subject used the word
        subject = _clause_subject(head, term.start(), g)
        if subject and subject.lower() not in PRONOUNS:
            return subject
    return ""


_CLOSING_MARK = re.compile(r"[\u201d\"](?=[,\s])")  # a closing quotation mark (a straight one before a comma or space)


def _earlier_speaker(head: str, end: int, g: Grammar) -> str:
    """'"...," said the mayor, adding that ... "...": the speaker of an earlier quotation in the
    same clause, named right after it (the ``after`` rule), for a participle whose clause
    has no subject before the verb ('' when there is none, or a new clause starts between)."""
    last = None
    for last in _CLOSING_MARK.finditer(head, 0, end):
        pass
    if last is None:
        return ""
    rest = head[last.end():end]
    m = g.after.match(rest)
    if not m or _CLAUSE_BREAK_BEFORE.search(rest, m.end()):
        return ""
    if m.group("name2"):
        name_end = _name_end(rest, m.end("name2"), g)
        return _with_appositive(_clean_name(rest[m.start("name2"):name_end], g), rest[name_end:], g)
    return _clean_name(m.group("name"), g)


def _clause_subject(head: str, end: int, g: Grammar) -> str:
    """The subject of the clause before ``head[end:]`` ('' when none is found)."""
    subjects = [_clean_name(x.group("name"), g) for x in g.strict_subject.finditer(head, 0, end)]
    subjects = subjects or [_clean_name(x.group("name") or x.group("name2"), g) for x in g.subject.finditer(head, 0, end)]
    if not subjects:
        return ""
    # 'Trump ..., when he gave a speech, claiming': a pronoun stands for the named subject before it
    # (a person's name, not 'her biggest moment')
    named = [x for x in subjects if x.lower() not in PRONOUNS and x.split(" ", 1)[0].lower() not in g.not_a_name]
    if subjects[-1].lower() not in ("he", "she"):
        return subjects[-1]
    return named[-1] if named else _speaker_or_subject(subjects[-1], head, g)


def continues_quotation(text: str, prev_end: int, start: int, end: int | None = None,
                        folder: str | Path | None = None) -> bool:
    """'"A," Tokayev said. "B."': does the quotation opening at ``start`` carry on the one that
    closed at ``prev_end``, with only a short attribution sentence between them (in the same
    paragraph, or ending the paragraph before the one the new quotation opens)? News writing
    gives a new sentence or paragraph of quotation straight after one to the same speaker."""
    return _continues_quotation(text_arg(text, "continues_quotation"), prev_end, start, end, grammar(folder))


def _continues_quotation(text: str, prev_end: int, start: int, end: int | None, g: Grammar) -> bool:
    if end is not None and is_heading(text, max(0, start - 1), min(len(text), end + 1)):
        return False  # a quoted crosshead ('Ordinary life has come to a standstill') stands alone
    gap = text[prev_end + 1:max(prev_end + 1, start - 1)]
    # the attribution ends the previous paragraph and the new quotation opens the next one
    first, _, rest = gap.partition("\n")
    if rest.strip() or not 0 < len(first.strip()) <= 80 or first.rstrip()[-1:] not in (".", ","):
        return False
    if _SENTENCE_END.search(first.rstrip()[:-1]):
        return False  # more than one sentence between them: the reporter has moved on
    return bool(g.speech_word.search(first))


def _antecedent(text: str, pos: int, folder: str | Path | None = None) -> str:
    """'Lena Ortiz made headlines. At the summit, she asked: "..."': the named subject of the
    last earlier sentence of the paragraph that has one ('' when none), for a 'he' or 'she'."""
    g = grammar(folder)
    line_start = max(text.rfind("\n", max(0, pos - _WINDOW), pos) + 1, pos - _WINDOW, 0)
    found = ""
    for _, _, sentence in sentence_rows(text[line_start:_sentence_start(text, line_start, pos)]):
        m = g.subject.match(sentence)
        name = _clean_name((m.group("name") or m.group("name2") or "") if m else "", g)
        first = name.split(" ", 1)[0].lower()
        if name[:1].isupper() and first not in g.not_a_name and not _is_description(name, g):
            found = name
    return found


def _source_before(text: str, pos: int, folder: str | Path | None = None) -> str:
    """'"...," the statement said. / It said ...': who the last sentences before ``pos`` (at most
    two paragraphs, 600 characters back) say gave their information ('the statement', 'The
    interior ministry'), for an 'it' that says something; '' when none is named there."""
    line_start = max(text.rfind("\n", max(0, pos - _WINDOW), pos) + 1, pos - _WINDOW, 0)
    here = _sentence_start(text, line_start, pos)
    lo = max(0, here - 600)
    prev_para = text.rfind("\n", lo, max(lo, line_start - 1))
    while prev_para > lo and text[prev_para - 1] == "\n":
        prev_para -= 1  # the blank line between paragraphs
    lo = max(lo, text.rfind("\n", lo, max(lo, prev_para)) + 1 if prev_para > lo else lo)
    found = ""
    not_a_name = grammar(folder).not_a_name
    for _, _, sentence in sentence_rows(text[lo:here]):
        for row in attribution_rows(sentence, folder):
            source = row["source"]
            if source and source.split(" ", 1)[0].lower() not in not_a_name and "(via" not in source:
                found = source
    return found


def _speaker_or_subject(name: str, head: str, g: Grammar) -> str:
    """'Trump ..., he said "...": a pronoun stands for the named subject of its own sentence
    ('Voters were asked how they can tell ...': 'they' for a plural subject too)."""
    if name.lower() not in ("he", "she", "they"):
        return name
    s = g.subject.match(head)
    subject = (s.group("name") or s.group("name2") or "") if s else ""
    if subject and subject.lower() not in PRONOUNS and not _is_description(subject, g):
        return _clean_name(subject, g)
    return name


# --------------------------------------------------------------------------- who informs
# The grammar of figures.attributions: who a sentence says gave its information.
def _source_patterns(verbs: str):
    sp = SPACES
    # Linear on any input: a lazy name that may hold spaces must end on a non-space character
    # before the spaces that follow it, runs of spaces are possessive (``++``), words are
    # bounded (``{0,40}``), so no start position re-reads a long run of spaces or letters.
    according = re.compile(r"\b[Aa]ccording" + sp + r"to" + sp + r"(?P<name>[^,.;:\u201c\"]{1,79}?[^,.;:\u201c\"\s])(?=" + SPACE + r"*+(?:[,.;:]|$|\u201d))")
    cited_as = re.compile(r"(?P<via>[A-Z][\w\u2019'\-]{0,40}+(?:" + sp + r"[\w\u2019'\-]{1,40}+){0,5}?)" + sp + r"(?:has" + sp + r"|had" + sp + r")?(?:cited|quoted)" + sp + r"(?P<name>[^,.;]{1,79}?[^,.;\s])" + sp + r"as" + sp + r"saying")
    cited_by = re.compile(r"(?P<name>[A-Z][^,.;]{1,80}?)," + SPACE + r"*+(?:as" + sp + r")?(?:cited|quoted)" + sp + r"by" + sp + r"(?P<via>[^,.;]{2,60}?)," + SPACE + r"*+(?:" + verbs + r")\b")
    with_saying = re.compile(r"\bwith" + sp + r"(?P<name>[^,.;]{1,59}?[^,.;\s])" + sp + r"(?:saying|reporting|estimating|claiming)\b")
    subject_verb = re.compile(r"(?P<name>[^,.;:\u201c\u201d\"]{1,89}?[^,.;:\u201c\u201d\"\s])" + sp + r"(?:(?:has|have|had|was|were|also|earlier|later|then|now)" + sp + r"){0,2}(?P<verb>" + verbs + r")\b(?!" + SPACE + r"++(?:by|to)\b)")
    verb_subject = re.compile(r"(?:^|[,\u201d\"]" + SPACE + r"*+)(?P<verb>said|says|reported|claimed|added)" + sp + r"(?P<name>(?:[A-Z][\w\u2019'.\-]{0,40}+)(?:" + sp + r"[A-Z][\w\u2019'.\-]{0,40}+){0,5})")
    return according, cited_as, cited_by, with_saying, subject_verb, verb_subject


def _last_char(text: str, end: int, spaces: str | None = None) -> str:
    """The last character of ``text[:end]`` that is not white space (or not one of
    ``spaces``), '' if none: like ``text[:end].strip()[-1:]`` without copying the prefix."""
    i = end - 1
    while i >= 0 and (text[i] in spaces if spaces is not None else text[i].isspace()):
        i -= 1
    return text[i] if i >= 0 else ""


_SUBJECT_SPLIT = re.compile(r"\b(?:that|and|but|while|after|before|as|when|with)\s")
_SUBJECT_INTRO = re.compile(r"^(?:On|In|Late|Early)\s+\w+\s*")
_DIGIT = re.compile(r"\d")
_PASSIVE = re.compile(r"\b(?:been|be|being|is|was|were|are|widely)$", re.IGNORECASE)
_UPPER = re.compile(r"[A-Z]")
_AFTER_SOURCE = re.compile(SPACE + r"*(?:$|[,.;]|in\b|on\b|at\b|late\b|earlier\b|yesterday\b|today\b|after\b|as\b)")
_FORWARD_CITE = re.compile(SPACE + r"*(?:that\b|[a-z0-9])")


def clean_subject(name: str) -> str:
    """A source phrase as a name: spaces normalised, leading clauses and time phrases cut
    ('On Friday, the Russian defence ministry' -> 'the Russian defence ministry'), at most
    eight words."""
    name = re.sub(SPACE + "+", " ", name).strip(" ,.\u201c\u201d\"'")
    name = _SUBJECT_SPLIT.split(name)[-1].strip()
    name = _SUBJECT_INTRO.sub("", name).strip()
    parts = name.split()
    if len(parts) > 8:
        name = " ".join(parts[-8:])
    return name


def attributions(sentence: str, folder: str | Path | None = None) -> pd.DataFrame:
    """Who a sentence says gave its information: ``start, end, source, direction``.

    ``direction`` is 'forward' when the attribution comes first ('The ministry said 26 ...',
    'According to NetBlocks, ...') and 'backward' when it follows the words it attributes
    ('..., according to officials', '..., Tokayev said.'). 'X cited Y as saying' and
    'Y, cited by X, said' give 'Y (via X)'.
    """
    sentence = text_arg(sentence, "attributions")
    frame = pd.DataFrame(attribution_rows(sentence, folder), columns=["start", "end", "source", "direction"])
    return frame.sort_values("start", ignore_index=True)


def attribution_rows(sentence: str, folder: str | Path | None = None, verbs: str | None = None) -> list[dict]:
    """The rows of :func:`attributions` as dicts, in the order found (not sorted by start).
    ``verbs``: a regex alternation of reporting verbs instead of the folder's ``source_verbs``."""
    sentence = text_arg(sentence, "attribution_rows")
    patterns = _source_patterns(verbs) if verbs is not None else grammar(folder).source_patterns
    according, cited_as, cited_by, with_saying, subject_verb, verb_subject = patterns
    rows = []
    taken_starts: list[int] = []  # the spans already taken, disjoint and sorted by start
    taken_ends: list[int] = []

    def free(a, b):
        i = bisect.bisect_left(taken_starts, b)  # spans that start before b
        return i == 0 or taken_ends[i - 1] <= a

    def add(a, b, source, direction):
        source = source.strip()
        if source and free(a, b):
            i = bisect.bisect_left(taken_starts, a)
            taken_starts.insert(i, a)
            taken_ends.insert(i, b)
            rows.append(dict(start=a, end=b, source=source, direction=direction))

    for m in cited_as.finditer(sentence):
        add(m.start(), m.end(), f"{clean_subject(m.group('name'))} (via {clean_subject(m.group('via'))})",
            "forward" if _FORWARD_CITE.match(sentence[m.end():m.end() + 6]) else "backward")
    for m in cited_by.finditer(sentence):
        add(m.start(), m.end(), f"{clean_subject(m.group('name'))} (via {clean_subject(m.group('via'))})", "forward")
    for m in according.finditer(sentence):
        before = _last_char(sentence, m.start())
        direction = "forward" if not before or before in ".:" else "backward"
        add(m.start(), m.end(), clean_subject(m.group("name")), direction)
    for m in with_saying.finditer(sentence):
        add(m.start(), m.end(), clean_subject(m.group("name")), "forward")
    for m in verb_subject.finditer(sentence):
        add(m.start("verb"), m.end(), clean_subject(m.group("name")), "backward")
    for m in subject_verb.finditer(sentence):
        name = clean_subject(m.group("name"))
        if not name or _DIGIT.search(name) or _PASSIVE.search(name):
            continue  # passive: 'unrest has been reported'
        if len(name.split()) > 6 and not _UPPER.search(name[1:]):
            continue  # a long lowercase clause is not a speaker
        after = sentence[m.end():m.end() + 30]
        # backward: ', Tokayev said.' / ', the ministry said, after ...'
        trailing = _AFTER_SOURCE.match(after)
        start = m.start("name") + (len(m.group("name")) - len(m.group("name").lstrip()))
        # The character before the name, over spaces (led_by_comma) or any white space.
        led_by_comma = _last_char(sentence, start, SPACE_CHARS) in (",", "\u201d", '"')
        led = led_by_comma or _last_char(sentence, m.start("name")) in (",", "\u201d", '"')
        direction = "backward" if trailing and led else "forward"
        add(start, m.end(), name, direction)
    return rows

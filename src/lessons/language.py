"""Loaded language: find judging words in a text and say whose voice they are in.

A word list (``data/language/lexicon.csv``) names loaded terms, each with a category, a neutral
alternative, a note a student can read and a source. ``find_loaded_terms`` matches every entry
in one pass of one compiled regular expression (built once, cached), with inflections
(bandit/bandits, ridicule/ridiculed/ridiculing), multi-word and hyphenated terms in any case,
and then decides the *voice*: ``quoted`` (inside quotation marks, as found by
:func:`lessons.corpus.quotes`), ``attributed`` (reported speech without quotation marks: 'those
he called bandits', 'what officials described as a riot', 'Police said thugs attacked', '...,
according to the army'; rules in ``data/language/voice.yml``) or ``reporter`` (the outlet's own
words). A term inside a short quoted fragment that is nobody's whole statement is also flagged
as a possible scare quote.

Why voice matters: a reporter who writes *bandits* uses the label; one who writes that the
president spoke of "bandits" reports it, and one who writes that the president called
them bandits gives the word to him without quoting him exactly (the reader cannot check the
exact words, so such a term is 'attributed', neither the reporter's own nor a quotation). A word list cannot tell irony or context, so every
result is a prompt for a human reader, not a verdict.
"""

from __future__ import annotations

import bisect
import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

from lessons import _guard, _regex_cache
from lessons.datafiles import gold as gold_file
from lessons.datafiles import lexicon as lexicon_file
from lessons.datafiles import reference_terms as reference_file
from lessons.datafiles import tables
from lessons.datafiles import voice as voice_file
from lessons.errors import LessonsDataError
from lessons.paths import data_dir
from lessons.text import SPACE_CHARS, sentence_rows

__all__ = [
    "CATEGORIES", "CATEGORY_NAMES", "VOICES", "RESULT_COLUMNS", "SCARE_QUOTE_MAX_WORDS",
    "lexicon_path", "load_lexicon", "load_reference_terms", "inflections", "form_clashes",
    "find_loaded_terms", "find_reference_terms", "scare_quotes", "voice_words", "passage_span",
    "density", "naming", "attribution_verbs", "highlight", "legend_html",
    "load_heldout", "evaluate", "evaluation_table",
]

CATEGORIES = lexicon_file.CATEGORIES  # the lexicon file's rules: lessons.datafiles.lexicon
CATEGORY_NAMES = {
    "label": "labels for people and groups",
    "euphemism": "euphemisms",
    "attribution": "verbs of saying that judge",
    "intensifier": "emotive intensifiers",
    "distancing": "distancing markers",
    "descriptor": "loaded descriptions",
    "comment": "the writer's own comment",
}
VOICES = gold_file.VOICES  # the voices a term is tagged with (gold cases use the same)
POS = lexicon_file.POS
LEXICON_COLUMNS = lexicon_file.COLUMNS
REFERENCE_COLUMNS, REFERENCE_GROUPS = reference_file.COLUMNS, reference_file.GROUPS
RESULT_COLUMNS = ["term", "lemma", "start", "end", "category", "voice", "scare_quote",
                  "speaker", "neutral", "note"]
# A quoted passage of at most this many words that is not a whole sentence is a "fragment":
# a loaded term inside it may be a scare quote (the writer holding the word at arm's length).
SCARE_QUOTE_MAX_WORDS = 5

_HYPHENS = "-\u2010\u2011\u2012\u2013"
_HYPHEN_CLASS = r"\-\u2010\u2011\u2012\u2013"  # the same, for use inside [...]
_APOSTROPHES = "'\u2019\u02bc"
_SEP_REQUIRED = r"[\s" + _HYPHEN_CLASS + r"]+"      # between words: "hit out", "hit-out"
_SEP_OPTIONAL = r"[" + _HYPHEN_CLASS + r"]?"         # a hyphen may be dropped: "counter-terrorist", "counterterrorist"
_APOS = "[" + _APOSTROPHES + "]"
_WINDOW = 80  # characters of context given to skip_if_preceded_by / skip_if_followed_by


# --------------------------------------------------------------------------- paths and loading
def lexicon_path() -> Path:
    """The shipped lexicon: ``<data>/language/lexicon.csv``."""
    return data_dir() / "language" / "lexicon.csv"


def _reference_path() -> Path:
    return data_dir() / "language" / "reference_terms.csv"


def _stamp(path: Path) -> tuple[str, float, int]:
    try:
        st = path.stat()
    except OSError as exc:
        raise LessonsDataError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    return str(path), st.st_mtime, st.st_size


def _read_csv(path: Path, required: tuple[str, ...], must_fill: tuple[str, ...]) -> list[dict]:
    """Rows of a CSV as dicts (``_line``: the row's line), with clear errors for missing fields."""
    return tables.rows(path, required, must_fill, nonempty=True, line=True)  # lessons.datafiles


class _Context:
    """A context pattern, checked and compiled by ``lessons._guard`` when first searched: most
    entries never match a given text, so most of the lexicon's 230 patterns are never compiled
    (the loader has already checked every one)."""

    __slots__ = ("pattern", "where", "_compiled")

    def __init__(self, pattern: str, where: str):
        self.pattern, self.where, self._compiled = pattern, where, None

    def search(self, text: str):
        if self._compiled is None:
            self._compiled = _guard.user_regex(self.pattern, re.IGNORECASE, self.where)  # lessons._guard
        return self._compiled.search(text)


def _compile_context(pattern: str, path: Path, line: int, field: str) -> _Context | None:
    if not pattern:
        return None
    return _Context(pattern, f"{path}, line {line}: field '{field}'")


def _lexicon_rows(path: str, mtime: float, size: int) -> tuple[dict, ...]:
    """The lexicon's rows, checked by ``lessons.datafiles.lexicon`` (cached by path, mtime, size)."""
    return lexicon_file.load(path)


def load_lexicon(path=None) -> pd.DataFrame:
    """The lexicon as a DataFrame (validated: known categories, no duplicate terms, every
    entry with a note and a source, valid context patterns). Raises LessonsDataError."""
    p = Path(path) if path is not None else lexicon_path()
    rows = _lexicon_rows(*_stamp(p))
    frame = pd.DataFrame([{k: r[k] for k in LEXICON_COLUMNS} for r in rows], columns=list(LEXICON_COLUMNS))
    frame.insert(len(frame.columns), "line", [r["_line"] for r in rows])
    return frame


@lru_cache(maxsize=8)
def _loaded_forms(path: str, mtime: float, size: int) -> tuple[str, ...]:
    out: dict[str, None] = {}  # in the lexicon's order, each form once (a list's `in` was quadratic)
    for row in _lexicon_rows(path, mtime, size):
        if not row["term"].startswith("*-"):
            out.update(dict.fromkeys(inflections(row["term"], row["pos"], row.get("forms", ""))))
    return tuple(out)


def loaded_forms(path=None) -> tuple[str, ...]:
    """Every word or phrase the lexicon matches (``inflections`` of each entry: 'lying',
    'wreaked havoc'; the '*-dominated' patterns left out): the list a rewrite exercise is
    checked against, in the kernel and, as data, in the book's quiz.js."""
    p = Path(path) if path is not None else lexicon_path()
    return _loaded_forms(*_stamp(p))


def _reference_rows(path: str, mtime: float, size: int) -> tuple[dict, ...]:
    """The reference terms, checked by ``lessons.datafiles.reference_terms`` (cached by path, mtime, size)."""
    return reference_file.load(path)


def load_reference_terms(path=None) -> pd.DataFrame:
    """Words for the same people (crowd; security forces and troops) and neutral verbs of saying, used to
    compare what each source calls whom. Loaded ones also appear in the lexicon."""
    p = Path(path) if path is not None else _reference_path()
    rows = _reference_rows(*_stamp(p))
    return pd.DataFrame([{k: r[k] for k in REFERENCE_COLUMNS} for r in rows], columns=list(REFERENCE_COLUMNS))


# --------------------------------------------------------------------------- inflections
_VOWELS = set("aeiou")


def _is_cvc(word: str) -> bool:
    """Ends consonant-vowel-consonant (slam, admit): the final consonant may double."""
    if len(word) < 3:
        return False
    a, b, c = word[-3], word[-2], word[-1]
    return (a.isalpha() and a not in _VOWELS and b in _VOWELS and c.isalpha()
            and c not in _VOWELS and c not in "wxy")


def _plural(word: str) -> list[str]:
    if word.endswith("man") and len(word) > 4:
        return [word[:-3] + "men", word + "s"]
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return [word + "es"]
    if word.endswith("y") and len(word) > 1 and word[-2] not in _VOWELS:
        return [word[:-1] + "ies"]
    return [word + "s"]


def _verb(word: str) -> list[str]:
    forms = _plural(word) if not word.endswith("man") else [word + "s"]
    if word.endswith("e"):
        forms += [word + "d"]
        forms += [word[:-2] + "ying"] if word.endswith("ie") else (
            [word + "ing"] if word.endswith(("ee", "ye", "oe")) else [word[:-1] + "ing"])
    elif word.endswith("y") and len(word) > 1 and word[-2] not in _VOWELS:
        forms += [word[:-1] + "ied", word + "ing"]
    else:
        forms += [word + "ed", word + "ing"]
        if _is_cvc(word):  # both spellings: admitted/visited cannot be told apart without stress
            forms += [word + word[-1] + "ed", word + word[-1] + "ing"]
    return forms


def _adverb(word: str) -> list[str]:
    if word.endswith("ic"):
        return [word + "ally"]
    if word.endswith("le") and len(word) > 3:
        return [word[:-1] + "y"]
    if word.endswith("y") and len(word) > 2:
        return [word[:-1] + "ily"]
    if word.endswith("ll"):
        return [word + "y"]
    return [word + "ly"]


_ISE = re.compile(r"(?<=[a-z]{3})(is|iz|ys|yz)(e|ed|es|ing|ation|ations|er|ers)\b")


def _spelling_variants(form: str) -> list[str]:
    """British and American spellings: neutralise/neutralize, stabilisation/stabilization."""
    swap = {"is": "iz", "iz": "is", "ys": "yz", "yz": "ys"}
    other = _ISE.sub(lambda m: swap[m.group(1)] + m.group(2), form)
    return [form] if other == form else [form, other]


def inflections(term: str, pos: str, forms: str = "") -> list[str]:
    """Every surface form an entry matches: the term, its regular inflections by part of speech
    (noun: plural; verb: -s/-ed/-ing on the first word; adj: -ly adverb), the extra ``forms``
    (irregular ones, separated by '|'), and -ise/-ize spellings. Case is handled by matching."""
    term = term.strip()
    out = [term]
    words = term.split(" ")
    if pos == "noun":
        out += [" ".join(words[:-1] + [w]) for w in _plural(words[-1])]
    elif pos == "verb":
        out += [" ".join([w] + words[1:]) for w in _verb(words[0])]
    elif pos == "adj" and len(words) == 1:
        out += _adverb(term)
    out += [f.strip() for f in forms.split("|") if f.strip()]
    result: list[str] = []
    for form in out:
        for variant in _spelling_variants(form):
            if variant not in result:
                result.append(variant)
    return result


# --------------------------------------------------------------------------- one compiled regex
_key = lexicon_file.term_key  # normalised lookup key: case-folded, no spaces or hyphens, one apostrophe


def _tokens(form: str) -> list[str]:
    """Split a form into regex tokens: literal characters, separators, apostrophes."""
    tokens: list[str] = []
    for ch in unicodedata.normalize("NFC", form.casefold()):
        if ch.isspace():
            tok = _SEP_REQUIRED
        elif ch in _HYPHENS:
            tok = _SEP_OPTIONAL
        elif ch in _APOSTROPHES:
            tok = _APOS
        else:
            tokens.append(re.escape(ch))
            continue
        if tokens and tokens[-1] in (_SEP_REQUIRED, _SEP_OPTIONAL):
            tokens[-1] = _SEP_REQUIRED if _SEP_REQUIRED in (tok, tokens[-1]) else _SEP_OPTIONAL
        else:
            tokens.append(tok)
    return tokens


def _trie_regex(forms: list[str]) -> str:
    """One regex for many literal forms, as a trie, so matching is one pass over the text.
    Greedy optional tails make the longest form win ('peacekeeping force' over 'peacekeeping')."""
    root: dict = {}
    for form in forms:
        node = root
        for tok in _tokens(form):
            node = node.setdefault(tok, {})
        node[""] = {}

    def render(node: dict) -> str:
        terminal = "" in node
        alts = [tok + render(child) for tok, child in sorted(node.items()) if tok]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if terminal else body

    return render(root)


@dataclass(frozen=True)
class _Entry:
    index: int
    term: str
    category: str
    neutral: str
    note: str
    pre: _Context | None
    post: _Context | None
    watch: bool = False  # a weak word to watch: shown only beside a strong loaded word
    strong_post: _Context | None = None  # what after a word to watch makes that use strong


@dataclass(frozen=True)
class _Matcher:
    regex: re.Pattern
    by_key: dict
    wildcards: dict  # regex group name -> entry, for '*-' terms
    entries: tuple

    def matches(self, text: str):
        """(start, end, surface, entry) for every match that its context does not cancel."""
        for m in self.regex.finditer(text):
            if m.lastgroup:
                entry = self.wildcards[m.lastgroup]
            else:
                entry = self.by_key.get(_key(m.group()))
            if entry is None:
                continue
            s, e = m.start(), m.end()
            if entry.pre is not None and entry.pre.search(text[max(0, s - _WINDOW):s]):
                continue
            if entry.post is not None and entry.post.search(text[e:e + _WINDOW]):
                continue
            yield s, e, m.group(), entry


def _wildcard_regex(term: str) -> str:
    """'*-dominated': a capitalised name (Moscow, Beijing) joined by a hyphen to the rest."""
    rest = "".join(_tokens(term[2:]))
    return r"(?-i:[A-Z])\w*(?:[" + _HYPHEN_CLASS + r"]\w+)*[" + _HYPHEN_CLASS + r"]" + rest


def _build_matcher(rows: tuple[dict, ...], path: Path, category_field: str) -> _Matcher:
    by_key: dict[str, _Entry] = {}
    forms: list[str] = []
    wildcards: list[tuple[str, _Entry]] = []
    entries = []
    for i, row in enumerate(rows):
        entry = _Entry(
            index=i, term=row["term"], category=row.get(category_field, ""),
            neutral=row.get("neutral", ""), note=row.get("note", row.get("rationale", "")),
            pre=_compile_context(row.get("skip_if_preceded_by", ""), path, row["_line"], "skip_if_preceded_by"),
            post=_compile_context(row.get("skip_if_followed_by", ""), path, row["_line"], "skip_if_followed_by"),
            watch=row.get("strength", "") == "watch",
            strong_post=_compile_context(row.get("strong_if_followed_by", ""), path, row["_line"], "strong_if_followed_by"),
        )
        entries.append(entry)
        if row["term"].startswith("*-"):
            wildcards.append((f"w{len(wildcards)}", entry))
            continue
        for form in inflections(row["term"], row["pos"], row.get("forms", "")):
            key = _key(form)
            if key and key not in by_key:  # first entry wins; the lexicon test forbids clashes
                by_key[key] = entry
                forms.append(form)
    parts = [f"(?P<{name}>{_wildcard_regex(e.term)})" for name, e in wildcards]
    parts.append(_trie_regex(forms))
    pattern = r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)"
    # the trie of every form is one long pattern (0.15 CPU s to compile in a kernel): its code
    # comes from lessons._regex_cache when an earlier kernel saved it (decision 46)
    return _Matcher(_regex_cache.compile(pattern, re.IGNORECASE), by_key, dict(wildcards), tuple(entries))


@lru_cache(maxsize=8)
def _lexicon_matcher(path: str, mtime: float, size: int) -> _Matcher:
    return _build_matcher(_lexicon_rows(path, mtime, size), Path(path), "category")


@lru_cache(maxsize=8)
def _reference_matcher(path: str, mtime: float, size: int) -> _Matcher:
    return _build_matcher(_reference_rows(path, mtime, size), Path(path), "group")


def form_clashes(path=None) -> list[tuple[str, str, str]]:
    """(form, first term, other term) where two entries would match the same word.
    The shipped lexicon has none; a test keeps it that way."""
    p = Path(path) if path is not None else lexicon_path()
    owner: dict[str, str] = {}
    clashes = []
    for row in _lexicon_rows(*_stamp(p)):
        if row["term"].startswith("*-"):
            continue
        for form in inflections(row["term"], row["pos"], row["forms"]):
            key = _key(form)
            if key in owner and owner[key] != row["term"]:
                clashes.append((form, owner[key], row["term"]))
            owner.setdefault(key, row["term"])
    return clashes


# --------------------------------------------------------------------------- voice
def _check_text(text, caller: str) -> str:
    if text is None:
        return ""
    if not isinstance(text, str):
        raise LessonsDataError(f"{caller}: text must be a string, not {type(text).__name__}")
    return text


def _quote_spans(text: str) -> pd.DataFrame:
    from lessons.corpus import quotes

    return quotes(text)


def _is_fragment(text: str, start: int, end: int, n_words: int) -> bool:
    """A short quoted piece that is nobody's whole statement ('peacekeeping forces')."""
    inner = text[start:end].strip()
    if not inner or n_words > SCARE_QUOTE_MAX_WORDS:
        return False
    first = next((ch for ch in inner if ch.isalpha()), "")
    ends_sentence = inner.rstrip(" ,;:")[-1:] in (".", "!", "?", "\u2026")
    after = text[end + 1:end + 3].lstrip(SPACE_CHARS)[:1]
    before = text[max(0, start - 4):max(0, start - 1)].rstrip(SPACE_CHARS + "\u201c\u2018\"'")[-1:]
    opens_sentence = before in ("", "\n", ":", ".", "!", "?")
    whole = first.isupper() and n_words >= 2 and (ends_sentence or opens_sentence or after in (".", "!", "?"))
    # The second half of a split quotation: '"We will win," he said, "and soon."'
    window = max(0, start - 400)
    line_start = max(window, text.rfind("\n", window, start) + 1)
    head = text[line_start:max(line_start, start - 1)].rstrip()
    continues = head.endswith((",", ":")) and bool(re.search("[\"\u201d\u2019']", head[:-1]))
    return not (whole or continues)


def scare_quotes(text: str) -> pd.DataFrame:
    """Short quoted fragments that are nobody's whole statement: ``start, end, text, speaker,
    n_words``. Each may be a scare quote (the writer distancing from a word) or a faithful
    quote of someone's exact words; the reader decides which."""
    text = _check_text(text, "scare_quotes")
    spans = _quote_spans(text)
    rows = [
        dict(start=int(q.start), end=int(q.end), text=q.text, speaker=q.speaker, n_words=int(q.n_words))
        for q in spans.itertuples()
        if _is_fragment(text, int(q.start), int(q.end), int(q.n_words))
    ]
    return pd.DataFrame(rows, columns=["start", "end", "text", "speaker", "n_words"])


@lru_cache(maxsize=1024)
def _spans(text: str) -> tuple[tuple[int, int, str, bool], ...]:
    """Quotation spans sorted by start: (start, end, speaker, is a short fragment)."""
    from lessons import corpus

    q = corpus.quote_rows(text or "")  # the rows of corpus.quotes(text), without a DataFrame
    spans = [(int(r["start"]), int(r["end"]), r["speaker"] or "", _is_fragment(text, int(r["start"]), int(r["end"]), int(r["n_words"])))
             for r in q]
    return tuple(sorted(spans))


# ----------------------------------------------------------------- reported speech (attributed)
def _voice_rules_path() -> Path:
    """``<data>/language/voice.yml``; the shipped one when a data folder has none (the rules are
    about English grammar, not about one event)."""
    path = data_dir() / "language" / "voice.yml"
    if not path.exists():
        from lessons.paths import REPO_ROOT

        path = REPO_ROOT / "data" / "language" / "voice.yml"
    return path


def _words_alt(words, path: Path, field: str) -> str:
    """A regex alternation of a word list checked by ``lessons.datafiles.voice``."""
    parts = sorted({w.strip().casefold() for w in words}, key=len, reverse=True)
    return "|".join(r"\s++".join(re.escape(x) for x in w.split()) for w in parts)


@dataclass(frozen=True)
class _VoiceRules:
    naming: re.Pattern        # the naming verb (active or passive with its agent); group 'not' = a non-naming use
    naming_words: int
    reporting: re.Pattern     # a verb of saying inside the sentence
    trailing: re.Pattern      # ', the mayor said.' / ', said the mayor.' at the end of a sentence
    according: re.Pattern
    not_subject: frozenset    # 'has', 'also': between a subject and its verb, not the speaker


@lru_cache(maxsize=8)
def _voice_rules(path: str, mtime: float, size: int) -> _VoiceRules:
    p = Path(path)
    data = voice_file.load(p)  # the file's rules: lessons.datafiles.voice (same as `lessons check`)
    nm, rp, ac = data["naming"], data["reporting"], data["according_to"]
    n_words, n_subj = nm["max_words"], rp["max_subject_words"]
    verbs = _words_alt(nm["verbs"], p, "naming.verbs")
    passive = _words_alt(nm["passive"], p, "naming.passive")
    nots = _words_alt(nm.get("not_followed_by") or ["\u0000"], p, "naming.not_followed_by")
    word = r"[\w'\u2019.\-]{1,40}+"
    naming = re.compile(
        r"(?<![\w\-])(?:(?:" + passive + r")\s++by\s++(?:" + word + r"\s++){1,6}?as|(?:" + verbs + r"))"
        r"(?=\s)(?:\s++(?P<not>(?:" + nots + r"))(?!\w))?", re.IGNORECASE)
    say = _words_alt(rp["verbs"], p, "reporting.verbs")
    trail = _words_alt(list(rp["verbs"]) + list(rp.get("trailing") or []), p, "reporting.trailing")
    reporting = re.compile(r"(?<![\w\-])(?:" + say + r")(?!\w)", re.IGNORECASE)
    # the subject after the comma starts no new clause ('..., while the chairman insisted it was
    # fair.'), and what follows the verb is a time, place or channel, never the words said
    conj = r"(?!(?:while|but|and|or|as|because|when|whereas|although|though|which|who|that|if|so|where|after|before|since|until)\b)"
    tail = (r"(?:\s++(?:on|in|at|to|during|after|before|last|this|yesterday|today|tonight|late|early|earlier|"
            r"later|of|from|for|via|by|through|when|while|adding|citing|without)(?!\w)(?:\s++" + word + r"){0,8}?)?")
    trailing = re.compile(
        r",\s++" + conj + r"(?P<who>(?:" + word + r"\s++){0," + str(n_subj) + r"}?)(?:" + trail + r")(?!\w)"
        r"(?P<tail>" + tail + r")\s*+[.!?]?[\"'\u201d\u2019)]*+\s*+$"
        # or inverted: '..., said the mayor (on Tuesday).'
        r"|,\s++(?:" + say + r")\s++(?P<inv>(?:" + word + r"\s++){0,4}?" + word + r")" + tail +
        r"\s*+[.!?]?[\"'\u201d\u2019)]*+\s*+$", re.IGNORECASE)
    according = re.compile(r"(?<!\w)(?:" + _words_alt(ac["phrases"], p, "according_to.phrases") + r")(?!\w)", re.IGNORECASE)
    drops = frozenset(w.casefold() for phrase in rp.get("not_subject") or () for w in phrase.split())
    return _VoiceRules(naming, n_words, reporting, trailing, according, drops)


_CLAUSE_END = re.compile(r"[,;:()\[\]\u2014\u2013]|\s-\s")
_SENT_CLAUSE_END = re.compile(r"[,;\u2014]")  # indirect speech ends at the clause: '..., a day after ...' is the reporter's
_WORD_RE = re.compile(r"[\w'\u2019\-]{1,60}+")
_RELATIVE = {"those", "what", "whom", "who", "which", "that", "the", "a", "an", "and", "but", "as"}


def _speaker_before(sent: str, pos: int, drops: frozenset = frozenset()) -> str:
    """The last few words before ``pos`` in its clause (the subject of a verb of saying), without
    the ``drops`` words between a subject and its verb ('Tokayev has blamed' -> 'Tokayev')."""
    head = sent[max(0, pos - 80):pos]
    cut = max(head.rfind(ch) for ch in ",;:.!?()\u2014\"\u201c\u201d")
    words = _WORD_RE.findall(head[cut + 1:])
    while words and words[-1].casefold() in drops:
        words.pop()
    words = words[-5:]
    last = max((i for i, w in enumerate(words) if w.casefold() in _RELATIVE), default=-1)
    return " ".join(words[last + 1:])  # 'those he called' -> 'he'; 'what officials described as' -> 'officials'


def _clean_speaker(text: str) -> str:
    return " ".join(_WORD_RE.findall(text)[:8])


def _attributed_in_sentence(sent: str, base: int, rules: _VoiceRules) -> list[tuple[int, int, str]]:
    out = []
    m = rules.according.search(sent)
    if m:
        who = _CLAUSE_END.search(sent, m.end())
        out.append((base, base + len(sent), _clean_speaker(sent[m.end():who.start() if who else len(sent)])))
        return out
    for m in rules.naming.finditer(sent):
        if m.group("not"):
            continue
        words = list(_WORD_RE.finditer(sent, m.end(), min(len(sent), m.end() + 400)))[:rules.naming_words]
        stop = _CLAUSE_END.search(sent, m.end())
        end = words[-1].end() if words else m.end()
        if stop:
            end = min(end, stop.start())
        if end > m.end():
            agent = re.search(r"\sby\s++(.*)\sas$", m.group(), re.IGNORECASE | re.DOTALL)
            who = _clean_speaker(agent.group(1)) if agent else _speaker_before(sent, m.start(), rules.not_subject)
            out.append((base + m.end(), base + end, who))
    t = rules.trailing.search(sent, max(0, len(sent) - 200))
    if t and t.start() > 0:
        out.append((base, base + t.start(), _clean_speaker(t.group("who") or t.group("inv") or "")))
    m = rules.reporting.search(sent)
    opens_quote = bool(m) and sent[m.end():m.end() + 6].lstrip(" ,\u00a0\u2009")[:1] in ("\"", "\u201c", "\u2018", "'", ":")
    if m and not opens_quote and (not t or m.start() < t.start()):  # 'He said "..." and left': the quote is the speech
        stop = _SENT_CLAUSE_END.search(sent, m.end())
        out.append((base + m.end(), base + (stop.start() if stop else len(sent)), _speaker_before(sent, m.start(), rules.not_subject)))
    return out


def _attributed(text: str) -> tuple[tuple[int, int, str], ...]:
    """Spans of reported speech without quotation marks, sorted: (start, end, speaker).
    Rules in ``data/language/voice.yml``; one bounded pass per sentence (cached per text and
    rules file version)."""
    return _attributed_cached(text, *_stamp(_voice_rules_path())) if text else ()


@lru_cache(maxsize=1024)
def _attributed_cached(text: str, path: str, mtime: float, size: int) -> tuple[tuple[int, int, str], ...]:
    from lessons.corpus import sentences

    rules = _voice_rules(path, mtime, size)
    spans = []
    for s in sentences(text).itertuples():
        spans += _attributed_in_sentence(text[int(s.start):int(s.end)], int(s.start), rules)
    return tuple(sorted(spans))


def _voices(spans, positions, attributed=()):
    """(voice, speaker, possible scare quote) for each sorted position, in one sweep:
    inside quotation marks 'quoted'; else inside reported speech 'attributed'; else 'reporter'."""
    out, active, i = [], [], 0
    held, j = [], 0
    for pos in positions:
        while i < len(spans) and spans[i][0] <= pos:
            active.append(spans[i])
            i += 1
        active = [s for s in active if s[1] > pos]
        while j < len(attributed) and attributed[j][0] <= pos:
            held.append(attributed[j])
            j += 1
        held = [s for s in held if s[1] > pos]
        if active:
            inner = min(active, key=lambda s: s[1] - s[0])  # the innermost quotation
            out.append(("quoted", inner[2], any(s[3] for s in active)))
        elif held:
            inner = min(held, key=lambda s: s[1] - s[0])
            out.append(("attributed", inner[2], False))
        else:
            out.append(("reporter", "", False))
    return out


def passage_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of the smallest run of whole sentences that covers ``text[start:end]`` and every
    quotation it touches (with its quotation marks). Why: sentence splitting can cut a
    quotation in two ('Whoever does not surrender will be destroyed," President ... said.'), and
    a passage shown to a reader should never start or end inside someone's quoted words."""
    text = _check_text(text, "passage_span")
    if not 0 <= start <= end <= len(text):
        raise LessonsDataError(f"passage_span: need 0 <= start <= end <= {len(text)}, got {start}, {end}")
    sents = [(s, e) for s, e, _ in sentence_rows(text)]
    quoted = [(max(0, a - 1), min(len(text), b + 1)) for a, b, _, _ in _spans(text)]  # with the marks
    lo, hi = start, max(end, start + 1)
    while True:
        new_lo, new_hi = lo, hi
        for a, b in quoted + sents:
            if a < new_hi and new_lo < b:
                new_lo, new_hi = min(new_lo, a), max(new_hi, b)
        if (new_lo, new_hi) == (lo, hi):
            break
        lo, hi = new_lo, new_hi
    hi = min(hi, len(text))
    while lo < hi and text[lo].isspace():
        lo += 1
    while hi > lo and text[hi - 1].isspace():
        hi -= 1
    return lo, hi


def voice_words(text: str) -> dict[str, int]:
    """Words in each voice: {'reporter': n, 'attributed': a, 'quoted': m} (reported speech
    without quotation marks counts as 'attributed')."""
    from lessons import corpus

    text = _check_text(text, "voice_words")
    starts = [m.start() for m in re.finditer(r"\w+(?:['\u2019]\w+)*", text)]
    counts = {v: 0 for v in VOICES}
    if not starts:
        return counts
    # only whether a word is quoted counts here, not who speaks: the quotation marks suffice
    spans = sorted((q["start"], q["end"], "", False) for q in corpus.quote_marks(text))
    for voice, _, _ in _voices(spans, starts, _attributed(text)):
        counts[voice] += 1
    return counts


# --------------------------------------------------------------------------- finding terms
def _is_watch(text: str, found: tuple) -> bool:
    """A match of a word to watch, unless what follows it makes this use strong
    (``strong_if_followed_by``: *claimed that*, *claimed to*)."""
    s, e, _, entry = found
    return entry.watch and not (entry.strong_post is not None and entry.strong_post.search(text[e:e + _WINDOW]))


def _beside_strong(text: str, found: list) -> list:
    """``found`` without the words to watch (``strength: watch``) whose sentence holds no strong
    loaded word: alone, such a word (*claimed*, *insisted*, *of course*) is most often plain usage;
    beside a strong one it is part of a loaded passage. One pass over the sentences."""
    if not any(f[3].watch for f in found):
        return found
    watch = [_is_watch(text, f) for f in found]
    strong = [f[0] for f, w in zip(found, watch) if not w]
    if not strong:
        return []
    ends = [e for _, e, _ in sentence_rows(text)]
    has_strong = {bisect.bisect_right(ends, pos) for pos in strong}
    return [f for f, w in zip(found, watch) if not w or bisect.bisect_right(ends, f[0]) in has_strong]


def _results(text: str, matcher: _Matcher, every_watch: bool = False) -> list[dict]:
    found = list(matcher.matches(text))
    if not every_watch:
        found = _beside_strong(text, found)
    if not found:
        return []
    voices = _voices(_spans(text), [f[0] for f in found], _attributed(text))
    rows = []
    for (s, e, surface, entry), (voice, speaker, scare) in zip(found, voices):
        rows.append(dict(term=surface, lemma=entry.term, start=s, end=e, category=entry.category,
                         voice=voice, scare_quote=bool(voice == "quoted" and scare), speaker=speaker,
                         neutral=entry.neutral, note=entry.note))
    return rows


def find_loaded_terms(text: str, lexicon=None, every_watch: bool = False) -> pd.DataFrame:
    """Every loaded term in ``text``: ``term`` (as written), ``lemma`` (the lexicon entry),
    ``start``/``end`` (offsets into ``text``), ``category``, ``voice`` (reporter, attributed or quoted),
    ``scare_quote`` (quoted inside a short fragment), ``speaker``, ``neutral``, ``note``.

    ``lexicon`` is a path to another lexicon CSV (default: the shipped one). A word to watch
    (``strength: watch``: *claimed*, *of course*, *huge*) is reported only in a sentence that also
    holds a strong loaded word, unless ``every_watch`` is true (comparing every verb of saying,
    or checking a rewrite that should avoid them all)."""
    text = _check_text(text, "find_loaded_terms")
    p = Path(lexicon) if lexicon is not None else lexicon_path()
    return _loaded_frame(text, *_stamp(p), _stamp(_voice_rules_path()), bool(every_watch)).copy()


def _loaded_rows(text: str) -> list[dict]:
    """The rows of ``find_loaded_terms(text)`` (shipped lexicon) as dicts, no DataFrame."""
    text = _check_text(text, "find_loaded_terms")
    return _results(text, _lexicon_matcher(*_stamp(lexicon_path()))) if text else []


@lru_cache(maxsize=1024)
def _loaded_frame(text: str, path: str, mtime: float, size: int, voice_rules: tuple = (),
                  every_watch: bool = False) -> pd.DataFrame:
    """find_loaded_terms for one text and lexicon file version, cached: the chapters look up
    the same bodies and sentences again and again (callers get a copy)."""
    rows = _results(text, _lexicon_matcher(path, mtime, size), every_watch) if text else []
    frame = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    return frame.astype({"start": int, "end": int, "scare_quote": bool})


def find_reference_terms(text: str, path=None) -> pd.DataFrame:
    """Words for the crowd, for security forces and troops, and neutral verbs of saying, with their voice:
    ``term, lemma, start, end, group, voice, scare_quote, speaker``."""
    text = _check_text(text, "find_reference_terms")
    p = Path(path) if path is not None else _reference_path()
    return _reference_frame(text, *_stamp(p), _stamp(_voice_rules_path())).copy()


@lru_cache(maxsize=1024)
def _reference_frame(text: str, path: str, mtime: float, size: int, voice_rules: tuple = ()) -> pd.DataFrame:
    rows = _results(text, _reference_matcher(path, mtime, size)) if text else []
    frame = pd.DataFrame(rows, columns=RESULT_COLUMNS).rename(columns={"category": "group"})
    return frame[["term", "lemma", "start", "end", "group", "voice", "scare_quote", "speaker"]]


# --------------------------------------------------------------------------- summaries per article
def _articles(articles) -> pd.DataFrame:
    if articles is None:
        from lessons.corpus import load_articles

        articles = load_articles()
    if not isinstance(articles, pd.DataFrame) or not {"article_id", "body"} <= set(articles.columns):
        raise LessonsDataError("articles: need a DataFrame with columns article_id and body (see lessons.corpus.load_articles)")
    frame = articles.copy()
    if "label" not in frame.columns:
        frame["label"] = frame["article_id"]
    return frame


def density(articles=None) -> pd.DataFrame:
    """Loaded terms per 1,000 words, per article, voice and category: ``article_id, label,
    voice, category, n_terms, voice_words, per_1000``. ``voice_words`` counts the words in that
    voice (the reporter's own words, reported speech without quotation marks, or the words inside
    quotation marks), so a quote-heavy article is not blamed for its speakers' words."""
    rows = []
    for art in _articles(articles).itertuples():
        terms = find_loaded_terms(art.body)
        words = voice_words(art.body)
        counts = terms.groupby(["voice", "category"]).size() if len(terms) else pd.Series(dtype=int)
        for voice in VOICES:
            for cat in CATEGORIES:
                n = int(counts.get((voice, cat), 0))
                w = words[voice]
                rows.append(dict(article_id=art.article_id, label=art.label, voice=voice, category=cat,
                                 n_terms=n, voice_words=w, per_1000=round(1000 * n / w, 2) if w else 0.0))
    return pd.DataFrame(rows, columns=["article_id", "label", "voice", "category", "n_terms", "voice_words", "per_1000"])


def naming(articles=None, groups=("crowd", "forces")) -> pd.DataFrame:
    """What each source calls the same people, split by voice: ``article_id, label, group,
    lemma, voice, count, loaded`` (one row per word used). Counts words, not referents: a
    reader still has to check who each word points at."""
    ref = load_reference_terms().set_index("term")["loaded"]
    rows = []
    for art in _articles(articles).itertuples():
        found = find_reference_terms(art.body)
        found = found[found["group"].isin(groups)]
        for (group, lemma, voice), part in found.groupby(["group", "lemma", "voice"]):
            rows.append(dict(article_id=art.article_id, label=art.label, group=group, lemma=lemma,
                             voice=voice, count=len(part), loaded=ref.get(lemma, "no") == "yes"))
    return pd.DataFrame(rows, columns=["article_id", "label", "group", "lemma", "voice", "count", "loaded"])


def attribution_verbs(articles=None) -> pd.DataFrame:
    """Neutral verbs of saying (said, told, added) against verbs that judge (ridiculed,
    lambasted, claimed, insisted), in the reporter's voice: ``article_id, label, kind, verb, count``."""
    rows = []
    for art in _articles(articles).itertuples():
        neutral = find_reference_terms(art.body)
        neutral = neutral[(neutral["group"] == "speech") & (neutral["voice"] == "reporter")]
        loaded = find_loaded_terms(art.body, every_watch=True)  # every verb of saying is compared
        loaded = loaded[(loaded["category"] == "attribution") & (loaded["voice"] == "reporter")]
        for kind, part in (("neutral", neutral), ("judging", loaded)):
            for verb, n in part["term"].str.lower().value_counts().sort_index().items():
                rows.append(dict(article_id=art.article_id, label=art.label, kind=kind, verb=verb, count=int(n)))
    return pd.DataFrame(rows, columns=["article_id", "label", "kind", "verb", "count"])


# --------------------------------------------------------------------------- HTML
_STYLE = {
    "reporter": "text-decoration:underline solid #0072B2 3px;text-underline-offset:3px;background:#E3EEF7;",
    "quoted": "text-decoration:underline dashed #D55E00 2px;text-underline-offset:3px;background:#FBEBDD;",
    "attributed": "text-decoration:underline dotted #009E73 3px;text-underline-offset:3px;background:#E0F2EC;",
}
_SCARE_MARK = "\u2009?"
_HIDDEN = "position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;"


def legend_html() -> str:
    """The key to :func:`highlight`: voice is shown by underline style, colour and words."""
    return (
        '<p class="lx-legend" style="font-size:0.9em">Key: '
        f'<mark style="{_STYLE["reporter"]}color:inherit">solid underline</mark> = the reporter\'s own words; '
        f'<mark style="{_STYLE["quoted"]}color:inherit">dashed underline</mark> = inside quotation marks '
        f'(someone else\'s words); <mark style="{_STYLE["attributed"]}color:inherit">dotted underline</mark> = '
        f'given to someone without quotation marks (reported speech: \'police said\', \'what he called\'); '
        f'<b>?</b> after a word = in a short quoted fragment, a possible scare quote. '
        "Hover over a word (or, in the book, tap or tab to it) to read why it is loaded.</p>"
    )


def highlight(text: str, legend: bool = True, lexicon=None) -> str:
    """HTML of ``text`` with loaded terms marked: solid underline for the reporter's voice,
    dashed for quoted, dotted for attributed (reported speech), '?' for a possible scare quote, the note as a tooltip (``title``).
    Everything from the text is escaped, so markup in it stays visible text."""
    text = _check_text(text, "highlight")
    terms = find_loaded_terms(text, lexicon=lexicon)
    out, pos = [], 0
    for t in terms.itertuples():
        if t.start < pos:
            continue
        out.append(html.escape(text[pos:t.start]))
        if t.voice == "reporter":
            voice_words_ = "reporter's words"
        elif t.voice == "attributed":
            voice_words_ = f"attributed to {t.speaker}, not quoted" if t.speaker else "attributed, not quoted"
        else:
            voice_words_ = f"quoted ({t.speaker})" if t.speaker else "quoted"
        tip = f"{CATEGORY_NAMES.get(t.category, t.category)}: {t.note}"
        if t.neutral:
            tip += f" More neutral: {t.neutral}."
        tip += f" Voice: {voice_words_}."
        if t.scare_quote:
            tip += " In a short quoted fragment: possibly a scare quote."
        spoken = f" ({t.category}, {voice_words_}{', possible scare quote' if t.scare_quote else ''})"
        out.append(
            f'<mark class="lx-term lx-{t.voice} lx-cat-{t.category}" tabindex="0" '
            f'data-voice="{t.voice}" data-category="{t.category}" title="{html.escape(tip, quote=True)}" '
            f'style="{_STYLE[t.voice]}color:inherit">{html.escape(text[t.start:t.end])}'
            + (f"<sup aria-hidden=\"true\">{_SCARE_MARK}</sup>" if t.scare_quote else "")
            + f'<span style="{_HIDDEN}">{html.escape(spoken)}</span></mark>'
        )
        pos = t.end
    out.append(html.escape(text[pos:]))
    body = "".join(out)
    paragraphs = [p.replace("\n", "<br>") for p in re.split(r"\n\s*\n", body) if p.strip()]
    inner = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f'<div class="lx-highlight">{legend_html() if legend else ""}{inner}</div>'


# --------------------------------------------------------------------------- held-out evaluation
def load_heldout(path=None, split: str | None = None) -> list[dict]:
    """The hand-annotated held-out sentences (``data/gold/language.yml``, read and checked by
    ``lessons.datafiles.gold``), each as ``text``, ``split`` and ``loaded`` (its gold terms).
    ``split``: 'dev' (used while writing the lexicon), 'test' (scored once), or None for all."""
    return [{"text": c["text"], "split": c["split"], "loaded": c["expected"]}
            for c in gold_file.load("language", split, path)]


def evaluation_table(path=None, split: str | None = None) -> pd.DataFrame:
    """One row per gold term and per false alarm: ``item, text, term, status`` (hit, miss,
    false alarm), gold and found ``voice``/``category``/``scare_quote``."""
    return _evaluation_table(load_heldout(path, split))


def _evaluation_table(items: list[dict]) -> pd.DataFrame:
    rows = []
    for i, item in enumerate(items, 1):
        text = item["text"]
        # plain records instead of a DataFrame and iterrows (the same values, far less overhead)
        found = [SimpleNamespace(**r) for r in _loaded_rows(text)]
        used: set[int] = set()
        lower = text.lower()
        for gold in item["loaded"]:
            term = str(gold["term"])
            at = lower.find(term.lower())
            g0, g1 = at, at + len(term)
            hit = next((j for j, f in enumerate(found) if j not in used and f.start < g1 and g0 < f.end), None)
            row = dict(item=i, text=text, term=term, status="miss", gold_voice=gold["voice"],
                       found_voice=None, gold_category=gold.get("category"), found_category=None,
                       gold_scare_quote=bool(gold.get("scare_quote", False)), found_scare_quote=None)
            if hit is not None:
                used.add(hit)
                f = found[hit]
                row.update(status="hit", found_voice=f.voice, found_category=f.category,
                           found_scare_quote=bool(f.scare_quote))
            rows.append(row)
        for j, f in enumerate(found):
            if j not in used:
                rows.append(dict(item=i, text=text, term=f.term, status="false alarm", gold_voice=None,
                                 found_voice=f.voice, gold_category=None, found_category=f.category,
                                 gold_scare_quote=None, found_scare_quote=bool(f.scare_quote)))
    return pd.DataFrame(rows, columns=["item", "text", "term", "status", "gold_voice", "found_voice",
                                       "gold_category", "found_category", "gold_scare_quote", "found_scare_quote"])


def evaluate(path=None, split: str | None = None) -> dict:
    """Scores on the held-out set: precision, recall and F1 of the terms found, and among the
    terms found, how often the voice, the category and the scare-quote flag are right."""
    items = load_heldout(path, split)
    table = _evaluation_table(items)
    hits = table[table.status == "hit"]
    n_hit, n_miss = len(hits), int((table.status == "miss").sum())
    n_false = int((table.status == "false alarm").sum())
    precision = n_hit / (n_hit + n_false) if n_hit + n_false else 0.0
    recall = n_hit / (n_hit + n_miss) if n_hit + n_miss else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    with_cat = hits[hits.gold_category.notna()]
    return dict(
        items=len(items),
        gold_terms=n_hit + n_miss, found=n_hit + n_false, hits=n_hit, misses=n_miss, false_alarms=n_false,
        precision=round(precision, 3), recall=round(recall, 3), f1=round(f1, 3),
        voice_accuracy=round(float((hits.gold_voice == hits.found_voice).mean()), 3) if n_hit else 0.0,
        category_accuracy=round(float((with_cat.gold_category == with_cat.found_category).mean()), 3) if len(with_cat) else 0.0,
        scare_quote_accuracy=round(float((hits.gold_scare_quote == hits.found_scare_quote).mean()), 3) if n_hit else 0.0,
    )

"""Exercises: load them from `data/exercises/*.yml`, check answers, and show them.

`show("<id>")` (or `show(exercise_dict)`) returns one object that displays as an ipywidgets
quiz in Jupyter/Binder and as a static HTML quiz (made interactive by `_static/quiz.js`) in
the built book. The checking rules live here, in `check`; quiz.js implements the same
rules on the data the HTML carries, and a test runs both on the same cases.

Exercise types: choice | multi | numeric | words | text (see docs/CONVENTIONS.md).
"""

from __future__ import annotations

import base64
import copy
import difflib
import functools
import hashlib
import html
import itertools
import json
import math
import os
import re
import threading
import unicodedata
from pathlib import Path
from typing import Any, Iterable

from lessons.answers import AnswerStore, resolve_store
from lessons.datafiles import exercises as exercise_file
from lessons.datafiles import key_skip_words, read
from lessons.errors import LessonsDataError
from lessons.numeric_box import live_widgets, numeric_box
from lessons.paths import data_dir

__all__ = [
    "TYPES", "load_exercises", "validate_folder", "get_exercise", "validate_exercise", "check", "show",
    "static_html", "export_answers", "export_button", "parse_number", "normalise_word",
    "passage_tokens", "keywords", "Quiz",
]

# The exercise files' fields and rules: lessons.datafiles.exercises
TYPES, COMMON_FIELDS, TYPE_FIELDS = exercise_file.TYPES, exercise_file.COMMON_FIELDS, exercise_file.TYPE_FIELDS
ALL_FIELDS, ID_RE = exercise_file.ALL_FIELDS, exercise_file.ID_RE

OK = "✓"
_CURRENT = object()  # Quiz.check(): no response given, read the widgets
NO = "✗"

# ----------------------------------------------------------------------------------
# Loading and validation
# ----------------------------------------------------------------------------------


def exercises_dir() -> Path:
    """`$LESSONS_DATA/exercises`, or the repository's `data/exercises`."""
    return data_dir() / "exercises"


_label = exercise_file.label
_is_int = exercise_file.is_int  # the answer checks read indices by the file's rule
_problems = exercise_file.entry_problems
_normalised = exercise_file.normalised


def validate_exercise(entry: Any, where: str = "exercise") -> dict:
    """Check one exercise dict; raise LessonsDataError naming every bad field, else return it
    with defaults filled in."""
    probs = _problems(entry)
    if probs:
        head = where
        ex_id = entry.get("id") if isinstance(entry, dict) else None
        if isinstance(ex_id, str):
            head += f" (id {ex_id!r})"
        raise LessonsDataError("\n".join(f"{head}: field {f!r} {w}" for f, w in probs))
    return _normalised(entry)


def validate_folder(folder: str | os.PathLike | None = None) -> tuple[dict[str, dict], list[str]]:
    """Load every `*.yml` in `folder`; return (exercises by id, list of every problem found)."""
    found, problems = exercise_file.survey(Path(folder) if folder is not None else exercises_dir())
    return found, [f"{p.file}, {p.where}: {p.problem}" if p.where else f"{p.file}: {p.problem}" for p in problems]


def load_exercises(folder: str | os.PathLike | None = None) -> dict[str, dict]:
    """Every exercise in `folder` (default: the data's `exercises/`), keyed by id.

    Raises LessonsDataError listing every problem (file, line, entry number from 1, id, field).
    Cached until a file in the folder changes; returns a fresh copy each time."""
    return exercise_file.load(Path(folder) if folder is not None else exercises_dir())


def get_exercise(exercise_id: str, folder: str | os.PathLike | None = None) -> dict:
    """One exercise by id; a clear error (with close matches) if there is none."""
    found = load_exercises(folder)
    if exercise_id not in found:
        close = difflib.get_close_matches(exercise_id, list(found), n=3)
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        where = _label(Path(folder) if folder is not None else exercises_dir())
        raise LessonsDataError(f"{where}: no exercise with id {exercise_id!r}.{hint}")
    return found[exercise_id]


# ----------------------------------------------------------------------------------
# Text helpers shared with quiz.js (keep the rules identical)
# ----------------------------------------------------------------------------------

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'"})
_EDGE_RE = re.compile(r"^[\W_]+|[\W_]+$")
_TOKEN_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
# Passage chunks: separated by whitespace, dashes and slashes; each chunk is one clickable word.
_CHUNK_RE = re.compile(r"[^\s\u2014\u2013/]+")


def normalise_word(word: str) -> str:
    """How a marked word is compared: NFC, lower case, curly apostrophes straight,
    punctuation stripped from both ends ('“Terrorists,”' -> 'terrorists')."""
    w = unicodedata.normalize("NFC", str(word)).translate(_APOSTROPHES).lower()
    return _EDGE_RE.sub("", w)


def passage_tokens(passage: str) -> list[dict]:
    """The passage cut into clickable chunks: dicts with start, end, text and `word`
    (normalised; '' for chunks that are only punctuation). Offsets index `passage`."""
    if passage is None:
        passage = ""
    if not isinstance(passage, str):
        raise LessonsDataError(f"passage_tokens: expected text (a string), got {type(passage).__name__}")
    return [
        {"start": m.start(), "end": m.end(), "text": m.group(), "word": normalise_word(m.group())}
        for m in _CHUNK_RE.finditer(passage)
    ]


def _tokens(text: str) -> list[str]:
    t = unicodedata.normalize("NFC", text).translate(_APOSTROPHES).lower()
    return _TOKEN_RE.findall(t)


def _stem(token: str) -> str:
    """Crude, predictable stem: numbers whole, words cut to 5 letters
    ('translated' ~ 'translation', 'agency' ~ 'agencies')."""
    return token if any(c.isdecimal() for c in token) else token[:5]


def skip_words() -> frozenset:
    """The words that are never a key word: function words, common verbs and generic words any
    answer about news uses (walk 11: 'came', 'know', 'first', 'people', 'report' were key words).
    From ``exercises/keywords/skip_words.yml`` (``lessons.datafiles.key_skip_words``: each group
    names its source). quiz.js gets the key words computed here, so it needs no copy."""
    return key_skip_words.load(data_dir() / key_skip_words.FILE)


MAX_KEYWORDS = 6  # the most telling key words of a text exercise (more reads as a word count)
# Key words and a student's answer are read with numbers whole, as written ('2,300' is one
# number, not '2' and '300'; '2.5' one too); a number matches with or without its commas
_KEY_TOKEN_RE = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+\.[0-9]+|[^\W_]+(?:'[^\W_]+)*")


def key_tokens(text: str) -> list[str]:
    """The words of `text` as key words are matched: lower case, numbers whole (quiz.js
    ``keyTokens`` reads the same)."""
    return _KEY_TOKEN_RE.findall(_key_text(text))


def _key_text(text: str) -> str:
    return unicodedata.normalize("NFC", str(text)).translate(_APOSTROPHES).lower()


def key_stem(token: str) -> str:
    """A key word's stem: a number without its commas; a word without its inflection
    (``inflection_base``: 'protesters' ~ 'protest', 'killed' ~ 'kill'), then its first 5
    letters ('translated' ~ 'translation'). quiz.js ``keyStem`` is the same rule."""
    if any(c.isdecimal() for c in token):
        return token.replace(",", "")
    return inflection_base(token)[:5]


_SIBILANT_PLURAL = ("ches", "shes", "sses", "xes", "zes")  # -es after these: 'boxes', 'churches'
_VERB_ENDINGS = ("ing", "ed", "er")  # 'killing', 'killed', 'killer'; tried in this order


def inflection_base(word: str) -> str:
    """A word without one plural and one verb or agent ending, each only when 3 or more
    letters stay: '-ies' -> '-y' ('rallies'), '-es' after ch, sh, ss, x, z ('boxes'), else
    '-s' but not '-ss' ('times', not 'process'); then '-ing', '-ed' or '-er' ('protesters' ->
    'protest'), a doubled last letter made single ('stopped' -> 'stop'; not l, s, f, z:
    'killed' -> 'kill'); a word without a verb ending drops a final 'e' ('fire' ~ 'fired').
    'us' stays 'us' and 'use' stays 'use' (too short to lose a letter)."""
    w = word
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) > 4 and w.endswith(_SIBILANT_PLURAL):
        w = w[:-2]
    elif len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    for end in _VERB_ENDINGS:
        if w.endswith(end) and len(w) - len(end) >= 3:
            w = w[:-len(end)]
            if len(w) >= 4 and w[-1] == w[-2] and w[-1] not in "lsfz":
                w = w[:-1]
            return w
    return w[:-1] if len(w) > 3 and w.endswith("e") else w


def keywords(model_answers: Iterable[str], question: str = "") -> list[dict]:
    """The most telling ideas of the model answers (at most MAX_KEYWORDS): content words of 4+
    letters (no function word, no common verb or generic word such as 'people' or 'report'),
    and numbers whole as written; a word the `question` already uses tells nothing and is
    left out. Words that always come together, in two or more model answers, are one idea
    ('interior ministry'). One per
    stem; ranked by how many model answers use it, then by first use. Dicts: word (the idea as
    written), stem (its first word's), stems (each word's: the student's answer has the idea
    when it has any of them)."""
    asked = {key_stem(t) for t in key_tokens(question)}
    skip = skip_words()
    found: dict[str, dict] = {}
    pairs: dict[tuple, int] = {}
    for i, ans in enumerate(model_answers):
        prev, last_end, text = None, 0, _key_text(ans)
        for m in _KEY_TOKEN_RE.finditer(text):
            tok = m.group()
            if text[last_end:m.start()].strip():  # a comma or a full stop between: not one idea
                prev = None
            last_end = m.end()
            s = key_stem(tok)
            has_digit = any(c.isdecimal() for c in tok)
            if s in asked or not has_digit and (len(tok) < 4 or tok in skip):
                prev = None
                continue
            entry = found.setdefault(s, {"words": [tok], "stems": [s], "answers": set(), "order": len(found), "n": 0})
            entry["answers"].add(i)
            entry["n"] += 1
            if prev is not None:
                pairs[prev, s] = pairs.get((prev, s), 0) + 1
            prev = s
    # a word that always follows the same word, which is always followed by it, in two or
    # more model answers, joins it (in one answer, any two neighbours would)
    for (a, b), n in pairs.items():
        if (a != b and a in found and b in found and found[a]["n"] == found[b]["n"] == n
                and len(found[a]["answers"]) > 1):
            head = next(e for e in found.values() if a in e["stems"])
            tail = found.pop(b)
            head["words"] += tail["words"]
            head["stems"] += tail["stems"]
    ranked = sorted(found.values(), key=lambda e: (-len(e["answers"]), e["order"]))
    return [{"word": " ".join(e["words"]), "stem": e["stems"][0], "stems": e["stems"]}
            for e in ranked[:MAX_KEYWORDS]]


_SPACES_RE = re.compile(r"\s+")
_THOUSANDS_RE = re.compile(r"^[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$", re.ASCII)
_DECIMAL_COMMA_RE = re.compile(r"^[+-]?[0-9]+,[0-9]+$", re.ASCII)
_NUMBER_RE = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$", re.ASCII)


_UNIT_RE = re.compile(r"^(.*[0-9%])([a-z]{1,20})$", re.ASCII)
_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_NUMBER_WORDS.update({w: 10 * i for i, w in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)})
_SCALES = {"thousand": 1000, "million": 1000000}
_WORD_SPLIT_RE = re.compile(r"[ -]+")


def _number_from_words(text: str) -> tuple[float | None, str]:
    """'twelve' -> 12, 'one hundred and eighty-three days' -> (183, 'days'); else (None, '')."""
    toks = [t for t in _WORD_SPLIT_RE.split(text) if t]
    if not toks or len(toks) > 12 or toks[0] not in _NUMBER_WORDS:
        return None, ""
    unit = ""
    last = toks[-1]
    if last not in _NUMBER_WORDS and last not in _SCALES and last not in ("hundred", "and"):
        unit = toks.pop()
        if not re.fullmatch(r"[a-z]{1,20}", unit, re.ASCII):
            return None, ""
    total = cur = 0
    for tok in toks:
        if tok == "and":
            continue
        if tok in _NUMBER_WORDS:
            cur += _NUMBER_WORDS[tok]
        elif tok == "hundred":
            cur = max(cur, 1) * 100
        elif tok in _SCALES:
            total += max(cur, 1) * _SCALES[tok]
            cur = 0
        else:
            return None, ""
    return float(total + cur), unit


def parse_quantity(value: Any) -> tuple[float | None, str]:
    """(number, unit word) from what a student typed; (None, '') if it is not a number.

    Digits as in `parse_number`, optionally followed by one unit word ('183 days',
    '3,000 people'); or a number in English words ('twelve', 'one hundred and eighty-three').
    The unit is lower case, as typed ('' when there is none)."""
    if isinstance(value, bool) or value is None:
        return None, ""
    if isinstance(value, (int, float)):
        try:
            number = float(value)
        except OverflowError:  # an int too large for a float (10**400)
            return None, ""
        return (number if math.isfinite(number) else None), ""
    text = str(value)
    if len(text) > 200:
        return None, ""
    low = _SPACES_RE.sub(" ", text).strip().lower()
    if low[:1].isalpha():
        return _number_from_words(low)
    s = _SPACES_RE.sub("", text).replace("−", "-")
    unit = ""
    m = _UNIT_RE.match(s.lower())
    if m:
        s, unit = s[:len(m.group(1))], m.group(2)
    if s.endswith("%"):
        s = s[:-1]
    if _THOUSANDS_RE.match(s):
        s = s.replace(",", "")
    elif _DECIMAL_COMMA_RE.match(s):
        s = s.replace(",", ".")
    if not _NUMBER_RE.match(s):
        return None, ""
    number = float(s)  # '9' * 500 parses as inf: no number a student means
    return (number if math.isfinite(number) else None), unit


def parse_number(value: Any) -> float | None:
    """A number from what a student typed, or None. Accepts '3000', '3,000', '3 000'
    (any space, incl. thin/no-break), '3,5' (decimal comma), '-2', '12%', a trailing unit
    word ('183 days') and English number words ('twelve'). Rejects other words before the
    number ('about 3000'), '1e5', 'inf', 'nan'."""
    return parse_quantity(value)[0]


_QUOTED_RE = re.compile(r'"[^"\n]{0,300}"|“[^”\n]{0,300}”|‘[^’\n]{0,300}’')


def _loose_stem(token: str) -> str:
    """_stem after dropping a plural 's' ('thugs' ~ 'thug')."""
    if len(token) > 3 and token.endswith("s") and not token.endswith("ss"):
        token = token[:-1]
    return _stem(token)


def loaded_left(text: str, terms: Iterable[str]) -> list[str]:
    """Which of `terms` (words or phrases) are still in `text`, compared by stem
    ('soared' is not 'soaring', but 'thugs' is 'thug'); words inside double or curly quotes
    do not count (quoting a label and naming its speaker is a neutral way to report it)."""
    bare = _QUOTED_RE.sub(" ", str(text)[:5000])
    seq = [_loose_stem(t) for t in _tokens(bare)]
    out = []
    for term in terms:
        want = [_loose_stem(t) for t in _tokens(term)]
        n = len(want)
        if n and any(seq[i:i + n] == want for i in range(len(seq) - n + 1)) and term not in out:
            out.append(term)
    return out


@functools.lru_cache(maxsize=4)
def _form_index(forms: tuple[str, ...]) -> dict[str, list[list[str]]]:
    """First token -> the forms starting with it, as tokens, longest first (ties: list order)."""
    index: dict[str, list[list[str]]] = {}
    for form in forms:
        toks = _tokens(form)
        if toks:
            index.setdefault(toks[0], []).append(toks)
    return {k: sorted(v, key=len, reverse=True) for k, v in index.items()}


def lexicon_left(text: str, forms: Iterable[str]) -> list[str]:
    """Which of the lexicon's `forms` (``language.loaded_forms``) are in `text`, as tokens,
    outside quotation marks; the longest form wins at each place ('wreaked havoc', not 'havoc').
    quiz.js has the same rule (``lexiconLeft``)."""
    seq = _tokens(_QUOTED_RE.sub(" ", str(text)[:5000]))
    index = _form_index(tuple(forms))
    out: list[str] = []
    i = 0
    while i < len(seq):
        step = 1
        for want in index.get(seq[i], ()):
            if seq[i:i + len(want)] == want:
                found = " ".join(want)
                if found not in out:
                    out.append(found)
                step = len(want)
                break
        i += step
    return out


def rewrite_forms() -> tuple[str, ...]:
    """The lexicon's forms for checking a rewrite; none when the lexicon cannot be read."""
    try:
        from lessons import language
        return language.loaded_forms()
    except (ImportError, LessonsDataError, OSError):
        return ()


def still_loaded(text: str, avoid: Iterable[str], forms: Iterable[str]) -> list[str]:
    """A rewrite's loaded words: the exercise's own `avoid` terms (``loaded_left``), then any
    other word of the lexicon (``lexicon_left``) that is not part of one already named."""
    kept = loaded_left(text, avoid)
    for found in lexicon_left(text, forms):
        if not any(found in k.lower() or k.lower() in found for k in kept):
            kept.append(found)
    return kept


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _all_of(n: int, word: str) -> str:
    """'the right answer', 'both words', 'all 3 words' (not 'all 1 right answer'; walk 7)."""
    if n == 1:
        return f"the {word}"
    return f"both {word}s" if n == 2 else f"all {_plural(n, word)}"


def _quote_list(items: Iterable[str]) -> str:
    return ", ".join(f"“{x}”" for x in items)


# ----------------------------------------------------------------------------------
# Checking (pure)
# ----------------------------------------------------------------------------------


def _as_list(response: Any) -> list:
    """None -> [], a single value -> [value], any other iterable -> list."""
    if response is None:
        return []
    if isinstance(response, (str, bytes, int, float)) or not hasattr(response, "__iter__"):
        return [response]
    return list(response)


def _result(correct: bool, status: str, message: str, **extra) -> dict:
    return {"correct": correct, "status": status, "message": message, **extra}


def check(exercise: dict, response: Any) -> dict:
    """Check a response; returns dict(correct, status, message, ...extras).

    status: correct | incorrect | partial | empty | invalid | answered (text).
    - choice: response = option index (or None). extras: chosen.
    - multi: response = iterable of indices. extras: right, missing, wrong (sorted indices).
    - numeric: response = number or text ('3,000'). extras: value (float or None).
    - words: response = iterable of marked words. extras: found, missed, extra (normalised).
    - text: response = free text. Never 'wrong': correct is True once something is written.
      extras: model_answers, keywords (the ideas, `keywords`), used (the ideas the student
      mentioned: any word of the idea, by `key_stem`).
    """
    typ = exercise.get("type")
    ans = exercise.get("answer")
    if typ == "choice":
        if response is None or response == "":
            return _result(False, "empty", "Choose an answer first.", chosen=None)
        try:
            i = int(response)
        except (TypeError, ValueError, OverflowError):
            return _result(False, "invalid", f"{NO} That is not one of the options.", chosen=None)
        fb = exercise.get("feedback") or []
        note = fb[i] if 0 <= i < len(fb) and fb[i].strip() else ""
        if i in choice_key(exercise):
            return _result(True, "correct", f"{OK} Correct." + (f" {note}" if note else ""), chosen=i)
        return _result(False, "incorrect",
                       f"{NO} Not quite." + (f" {note}" if note else " Try again."), chosen=i)

    if typ == "multi":
        try:
            chosen = sorted({int(x) for x in _as_list(response)})
        except (TypeError, ValueError, OverflowError):
            return _result(False, "invalid", f"{NO} That is not a list of options.",
                           right=[], missing=[], wrong=[], notes=[])
        key = set(ans)
        optional = set(exercise.get("optional") or [])
        right = [i for i in chosen if i in key]
        wrong = [i for i in chosen if i not in key and i not in optional]
        missing = sorted(key - set(chosen))
        fb = exercise.get("feedback") or []
        # the explanation written for every option chosen or missed
        notes = [{"option": i, "chosen": i in chosen, "text": fb[i]}
                 for i in sorted(set(chosen) | key) if 0 <= i < len(fb) and fb[i].strip()
                 and (i in chosen or i in missing)]
        extras = dict(right=right, missing=missing, wrong=wrong, notes=notes)
        if not chosen:
            return _result(False, "empty", "Choose at least one answer first.",
                           right=[], missing=missing, wrong=[], notes=[])
        if not wrong and not missing:
            return _result(True, "correct",
                           f"{OK} Correct: you chose {_all_of(len(key), 'right answer')}.",
                           **extras)
        opts = exercise.get("options") or []
        parts = [f"{len(right)} of {_plural(len(key), 'right answer')} chosen"]
        if missing:
            parts.append(f"{len(missing)} missing")
        if wrong:
            parts.append(f"{len(wrong)} wrong: "
                         + _quote_list(opts[i] if 0 <= i < len(opts) else str(i) for i in wrong))
        status = "partial" if right else "incorrect"
        return _result(False, status, f"{NO} Not yet: " + "; ".join(parts) + ".", **extras)

    if typ == "numeric":
        if response is None or (isinstance(response, str) and not response.strip()):
            return _result(False, "empty", "Type a number first.", value=None)
        value, unit = parse_quantity(response)
        if value is None:
            shown = str(response).strip()
            if len(shown) > 40:
                shown = shown[:39] + "…"
            return _result(False, "invalid",
                           f"{NO} “{shown}” is not a number. Type digits only, "
                           "for example 3000 or 3,000.", value=None)
        want = exercise.get("unit") or ""
        if unit and want and unit.rstrip("s") != want.rstrip("s"):
            return _result(False, "invalid", f"{NO} The question asks for {want}, "
                           f"not {unit}.", value=value)
        try:
            tol = float(exercise.get("tolerance") or 0)
            target = float(ans)
        except (TypeError, ValueError, OverflowError):
            raise LessonsDataError(f"exercise {exercise.get('id')!r}: field 'answer' or 'tolerance' is not a number "
                                   "a float can hold (check it with validate_exercise)") from None
        if abs(value - target) <= tol + 1e-9 * max(1.0, abs(target)):
            return _result(True, "correct", f"{OK} Correct.", value=value)
        side = "high" if value > target else "low"
        return _result(False, "incorrect", f"{NO} Not quite: your answer is too {side}.",
                       value=value)

    if typ == "words":
        marked = []
        for w in _as_list(response):
            n = normalise_word(str(w))
            if n and n not in marked:
                marked.append(n)
        key = []
        for w in ans:
            n = normalise_word(w)
            if n not in key:
                key.append(n)
        optional = {normalise_word(w) for w in exercise.get("optional") or []}
        found = [w for w in key if w in marked]
        missed = [w for w in key if w not in marked]
        extra = [w for w in marked if w not in key and w not in optional]
        extras = dict(found=found, missed=missed, extra=extra)
        if not marked:
            return _result(False, "empty", "Mark at least one word first.", **extras)
        if not missed and not extra:
            return _result(True, "correct",
                           f"{OK} Correct: you found {_all_of(len(key), 'word')}.", **extras)
        parts = [f"you found {len(found)} of {_plural(len(key), 'word')}"
                 + (f" ({_quote_list(found)})" if found else "")]
        if missed:
            parts.append(f"{len(missed)} still to find")
        if extra:
            parts.append(f"not in the key: {_quote_list(extra)}")
        status = "partial" if found else "incorrect"
        return _result(False, status, f"{NO} Not yet: " + "; ".join(parts) + ".", **extras)

    if typ == "text":
        models = [ans] if isinstance(ans, str) else list(ans or [])
        keys = keywords(models, exercise.get("prompt") or "")
        text = "" if response is None else str(response)
        if not text.strip():
            return _result(False, "empty", "Write your answer first.",
                           model_answers=models, keywords=[k["word"] for k in keys], used=[])
        stems = {key_stem(t) for t in key_tokens(text[:20000])}
        used = [k["word"] for k in keys if stems.intersection(k["stems"])]
        allk = [k["word"] for k in keys]
        if "original" in exercise or "avoid" in exercise:
            kept = still_loaded(text, exercise.get("avoid") or [], rewrite_forms() if "avoid" in exercise else ())
            if kept:
                return _result(False, "incorrect",
                               f"{NO} Still loaded: {_quote_list(kept)}. Say what happened "
                               "instead, or quote the words and say whose they are.",
                               model_answers=models, keywords=allk, used=used, kept=kept)
            if _tokens(text) == _tokens(exercise.get("original") or ""):
                return _result(False, "incorrect",
                               f"{NO} That is the original sentence. Rewrite it.",
                               model_answers=models, keywords=allk, used=used, kept=[])
        msg = "Compare your answer with the model " + ("answer" if len(models) == 1 else "answers") + "."
        if "avoid" in exercise:
            msg = f"{OK} No loaded word left. " + msg
        if keys:
            msg += (f" You mentioned {len(used)} of the {_plural(len(keys), 'idea')}"
                    " a good answer usually has" + (f": {', '.join(used)}." if used else "."))
        extra_kept = {"kept": []} if ("original" in exercise or "avoid" in exercise) else {}
        return _result(True, "answered", msg, model_answers=models,
                       keywords=allk, used=used, **extra_kept)

    raise LessonsDataError(f"exercise {exercise.get('id')!r}: field 'type' is {typ!r}: "
                           f"must be one of {', '.join(TYPES)}")


def choice_key(exercise: dict) -> list[int]:
    """The option indices a choice exercise accepts: its `answer`, one index or a list (when
    several options are defensible, any one of them is right)."""
    ans = exercise.get("answer")
    return list(ans) if isinstance(ans, list) else [ans]


def join_options(texts: list[str]) -> str:
    """Several options in one line, each in quotation marks (an option is often a sentence with
    its own full stop): '“a.”, “b.”'. The book's quiz.js writes the same (``quoteList``)."""
    return _quote_list(texts)


def answer_text(exercise: dict) -> str:
    """The right answer as plain text (for 'Show answer')."""
    typ, ans = exercise["type"], exercise["answer"]
    if typ == "choice":
        key = choice_key(exercise)
        if len(key) > 1:
            return "Any of these: " + join_options([exercise["options"][i] for i in key])
        return exercise["options"][key[0]]
    if typ == "multi":
        return join_options([exercise["options"][i] for i in sorted(ans)])
    if typ == "numeric":
        num = _fmt(ans)
        tol = exercise.get("tolerance") or 0
        return num + (f" (give or take {_fmt(tol)})" if tol else "")
    if typ == "words":
        return ", ".join(ans)
    return "\n".join(ans if isinstance(ans, list) else [ans])


def _fmt(x: float) -> str:
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,}"


def _jsonable(exercise: dict, response: Any) -> Any:
    """The response as stored in answers.json."""
    typ = exercise["type"]
    if typ == "multi":
        return sorted(int(x) for x in (response or []))
    if typ == "words":
        return sorted({normalise_word(w) for w in (response or []) if normalise_word(w)})
    if typ == "choice":
        return None if response is None else int(response)
    return "" if response is None else str(response)


# ----------------------------------------------------------------------------------
# Static HTML (made interactive by _static/quiz.js)
# ----------------------------------------------------------------------------------

_COUNTER = itertools.count(1)
_e = html.escape


def _uid(exercise: dict) -> str:
    base = re.sub(r"[^a-z0-9-]+", "-", str(exercise.get("id", "exercise")).lower()).strip("-")
    return f"lx-{base or 'exercise'}-{next(_COUNTER)}"


BOOK_ID = "one-speech-five-reports"  # the localStorage namespace of this book's answers
RULES_VERSION = 2


def exercise_version(exercise: dict) -> str:
    """A short hash of what the student sees and what is checked (prompt, options, passage,
    key): a saved answer is restored only while this stays the same."""
    keep = {k: exercise.get(k) for k in ("type", "prompt", "options", "passage", "answer",
                                          "optional", "tolerance", "unit", "original", "avoid")}
    raw = json.dumps(keep, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:12]


@functools.lru_cache(maxsize=1)
def _package_version() -> str:
    try:
        from importlib.metadata import version
        return version("lessons")
    except Exception:  # noqa: BLE001 - not installed: still a usable label
        return "0"


def book_version() -> str:
    """The book's version as the answer files record it: the package version and a hash of
    every exercise's version. Worked out once per version of the exercise files (every quiz
    on a page carries it)."""
    pkg = _package_version()
    folder = exercises_dir()
    try:
        return read.cached_build("book_version", exercise_file.files(folder), lambda: _book_version(pkg), pkg, str(folder))
    except LessonsDataError:
        return pkg


def _book_version(pkg: str) -> str:
    found = load_exercises()
    h = hashlib.sha256("".join(f"{k}={exercise_version(v)};" for k, v in sorted(found.items()))
                       .encode("utf-8")).hexdigest()[:8]
    return f"{pkg}+{h}"


def _rules(exercise: dict) -> dict:
    """Everything quiz.js needs to check answers exactly like `check` (keys included)."""
    typ = exercise["type"]
    r: dict[str, Any] = {"v": RULES_VERSION, "id": exercise["id"], "type": typ}
    if typ in ("choice", "multi"):
        r["answer"] = exercise["answer"]
        r["options"] = exercise["options"]
        r["feedback"] = exercise.get("feedback") or []
        if typ == "multi" and exercise.get("optional"):
            r["optional"] = exercise["optional"]
    elif typ == "numeric":
        r["answer"] = exercise["answer"]
        r["tolerance"] = exercise.get("tolerance") or 0
        if exercise.get("unit"):
            r["unit"] = exercise["unit"]
    elif typ == "words":
        key = []
        for w in exercise["answer"]:
            n = normalise_word(w)
            if n not in key:
                key.append(n)
        r["answer"] = key
        if exercise.get("optional"):
            r["optional"] = [normalise_word(w) for w in exercise["optional"]]
    elif typ == "text":
        models = exercise["answer"]
        r["models"] = models
        r["keywords"] = keywords(models, exercise.get("prompt") or "")
        for f in ("original", "avoid"):
            if f in exercise:
                r[f] = exercise[f]
        if "avoid" in exercise:  # the lexicon's words (check: rewrite_forms) are not in the
            # rule: the book writes them once, to LOADED_FORMS_FILE, for every page (decision 51)
            r["loaded"] = dict(LOADED_FORMS_REF)
    return r


# The lexicon's forms for quiz.js, in one shared file of the built book's _static folder
# (written by _ext/quiz_data.py from `rewrite_forms`, linked from each page with a rewrite
# exercise): 3,759 forms, 47 KB, were in each rewrite exercise's rules, so chapter 3's page
# grew with the lexicon. A rule names the file's contents, never a path: quiz.js knows the file.
LOADED_FORMS_FILE = "lx-lexicon-forms.js"
LOADED_FORMS_REF = {"from": "lexicon"}
LOADED_FORMS_ATTR = 'data-lx-forms="lexicon"'  # on a quiz that needs the file (the build looks for it)


def loaded_forms_js(forms: Iterable[str]) -> str:
    """The shared file's text: ``window.lxLoadedForms`` set to the forms as one '|'-joined
    string (a JSON list of 3,000 words is a third longer); no form holds '|' (forms are
    words), and the JSON string is written script-safe (no <, > or &)."""
    from lessons.book import script_safe_json

    joined = "|".join(f for f in forms if "|" not in f)
    return ("/* The lexicon's forms, for checking a rewrite (lessons.exercises.loaded_forms_js;\n"
            " * written by the book build from data/language/lexicon.csv). */\n"
            f"window.lxLoadedForms = {script_safe_json(json.dumps(joined, ensure_ascii=False))};\n")


# Keys are not in the page in plain text: the secret part of the rules (key, per-option
# feedback, explanation, source) is XOR-ed with a keystream seeded from the exercise and
# base64-encoded; quiz.js decodes it. This keeps answers out of "view source" and search,
# not from a student with the browser's developer tools (the teacher's guide says so).
_SECRET_FIELDS = ("answer", "feedback", "optional", "tolerance", "unit", "models", "keywords",
                  "original", "avoid")


def _seed(exercise_id: str, version: str) -> int:
    h = hashlib.sha256(f"{exercise_id}|{version}".encode("utf-8")).digest()
    return int.from_bytes(h[:4], "big") or 1


def _keystream(seed: int, n: int) -> bytes:
    """xorshift32 bytes (quiz.js has the same generator)."""
    x, out = seed & 0xFFFFFFFF, bytearray()
    for _ in range(n):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        out.append(x & 0xFF)
    return bytes(out)


def encode_secret(data: Any, exercise_id: str, version: str) -> str:
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    ks = _keystream(_seed(exercise_id, version), len(raw))
    return base64.b64encode(bytes(a ^ b for a, b in zip(raw, ks))).decode("ascii")


def decode_secret(blob: str, exercise_id: str, version: str) -> Any:
    """The inverse of encode_secret; raises ValueError on a blob that does not decode."""
    raw = base64.b64decode(blob.encode("ascii"), validate=True)
    ks = _keystream(_seed(exercise_id, version), len(raw))
    return json.loads(bytes(a ^ b for a, b in zip(raw, ks)).decode("utf-8"))


def page_rules(exercise: dict) -> dict:
    """The `data-lx` attribute: public rules plus `k`, the encoded key and explanations."""
    full = _rules(exercise)
    ver = exercise_version(exercise)
    public = {k: v for k, v in full.items() if k not in _SECRET_FIELDS}
    public.update(book=BOOK_ID, ver=ver, bv=book_version(), prompt=exercise["prompt"],
                  s=_seed(exercise["id"], ver))
    secret = {k: v for k, v in full.items() if k in _SECRET_FIELDS}
    secret["reveal"] = {
        "answer": "" if exercise["type"] == "text" else answer_text(exercise),
        "explanation": exercise["explanation"],
        "source": exercise["source"],
    }
    public["k"] = encode_secret(secret, exercise["id"], ver)
    return public


def rules_from_page(public: dict) -> dict:
    """Full rules (as `_rules`, plus `reveal`) from a page's `data-lx`; ValueError if bad."""
    if not isinstance(public, dict) or not all(isinstance(public.get(f), str)
                                               for f in ("id", "ver", "k")):
        raise ValueError("not a quiz's data-lx (needs id, ver and k)")
    secret = decode_secret(public["k"], public["id"], public["ver"])
    if not isinstance(secret, dict):
        raise ValueError("the encoded part is not a mapping")
    out = {k: v for k, v in public.items() if k != "k"}
    out.update(secret)
    return out


def _attr_json(data: Any) -> str:
    return _e(json.dumps(data, ensure_ascii=False, separators=(",", ":")), quote=True)


def _para(text: str, cls: str = "") -> str:
    """Escaped text; blank lines become paragraphs, single newlines <br>."""
    c = f' class="{cls}"' if cls else ""
    paras = [p for p in re.split(r"\n\s*\n", str(text).strip()) if p.strip()]
    return "".join(f"<p{c}>" + "<br>".join(_e(x) for x in p.split("\n")) + "</p>" for p in paras)


# What a reopened notebook says at each exercise (JupyterLab shows the static HTML there).
RUN_TO_ANSWER = "Exercise: run this cell (Shift+Enter) to answer it. Your saved answers come back."


def static_html(exercise: dict, uid: str | None = None) -> str:
    """The exercise as accessible static HTML: no scripts, no inline handlers, all text escaped.
    Rules for quiz.js are in the `data-lx` attribute (escaped JSON).

    The same HTML is what JupyterLab shows when a saved notebook is reopened and the widget
    is gone (decision 43). There no quiz.js runs and no quiz.css is loaded, and its sanitiser
    may strip ``<noscript>`` but keeps its text. So the inputs start disabled (quiz.js enables
    them), a note says to run the cell (``RUN_TO_ANSWER``; quiz.css hides it in the book) and
    the no-JavaScript note is hidden inline (quiz.css shows it with ``!important``)."""
    ex = exercise
    uid = uid or _uid(ex)
    typ = ex["type"]
    needs = f" {LOADED_FORMS_ATTR}" if "avoid" in ex else ""
    out = [f'<div class="lx-quiz lx-type-{typ}" id="{_e(uid)}" data-lx-type="{typ}" '
           f'data-lx-id="{_e(ex["id"])}"{needs} data-lx="{_attr_json(page_rules(ex))}">']
    out.append(f'<p class="lx-run-note"><strong>{_e(RUN_TO_ANSWER)}</strong></p>')
    out.append('<fieldset class="lx-fieldset" disabled>')
    out.append(f'<legend class="lx-prompt">{_e(ex["prompt"])}</legend>')
    if typ in ("choice", "multi"):
        kind = "radio" if typ == "choice" else "checkbox"
        if typ == "multi":
            out.append(f'<p class="lx-hint">{_e(exercise_file.HOW_TO_ANSWER["multi"])}</p>')
        out.append('<div class="lx-options">')
        for i, opt in enumerate(ex["options"]):
            iid = f"{uid}-o{i}"
            out.append(f'<div class="lx-option"><input type="{kind}" id="{iid}" name="{uid}-opt" '
                       f'value="{i}"><label for="{iid}">{_e(opt)}</label></div>')
        out.append("</div>")
    elif typ == "numeric":
        out.append(f'<div class="lx-field"><label for="{uid}-num">Your answer (a number)</label>'
                   f'<input type="text" id="{uid}-num" class="lx-number" inputmode="decimal" '
                   f'autocomplete="off" spellcheck="false"></div>')
    elif typ == "words":
        out.append(f'<p class="lx-hint" id="{uid}-hint">{_e(exercise_file.HOW_TO_ANSWER["words"])}</p>')
        out.append(f'<p class="lx-passage" role="group" aria-describedby="{uid}-hint">')
        passage, pos = ex["passage"], 0
        for tok in passage_tokens(passage):
            out.append(_e(passage[pos:tok["start"]]))
            if tok["word"]:
                out.append(f'<button type="button" class="lx-word" aria-pressed="false" '
                           f'data-word="{_e(tok["word"], quote=True)}">{_e(tok["text"])}</button>')
            else:
                out.append(_e(tok["text"]))
            pos = tok["end"]
        out.append(_e(passage[pos:]))
        out.append("</p>")
    elif typ == "text":
        out.append(f'<div class="lx-field"><label for="{uid}-text">Your answer</label>'
                   f'<textarea id="{uid}-text" class="lx-text" rows="4"></textarea></div>')
    out.append("</fieldset>")
    check_label = "Compare with the model answer" if typ == "text" else "Check"
    out.append(f'<div class="lx-actions"><button type="button" class="lx-check" disabled>'
               f"{check_label}</button></div>")
    out.append('<div class="lx-feedback" role="status" aria-live="polite"></div>')
    out.append('<div class="lx-saved" role="status" hidden></div>')
    summary = "Show model answer" if typ == "text" else "Show answer"
    # offered only after a first attempt; quiz.js fills the body from the encoded rules
    # hidden twice: JupyterLab's own styles show a <details> despite `hidden` (a reopened
    # notebook showed a 'Show answer' that opened on nothing); quiz.js clears both
    out.append(f'<details class="lx-reveal" hidden style="display: none"><summary>{summary}</summary>'
               '<div class="lx-reveal-body"></div></details>')
    out.append('<noscript><p class="lx-noscript" style="display: none">This exercise needs '
               'JavaScript to check your answer.</p></noscript>')
    out.append("</div>")
    return "".join(out)


def plain_text(exercise: dict) -> str:
    """The exercise as plain text (text/plain view)."""
    ex = exercise
    lines = [f"Exercise ({ex['type']}): {ex['prompt']}"]
    if ex["type"] in ("choice", "multi"):
        lines += [f"  {chr(65 + i) if i < 26 else i}. {o}" for i, o in enumerate(ex["options"])]
    if ex["type"] == "words":
        lines.append(f"  Passage: {ex['passage']}")
    lines.append("(Open this notebook in Jupyter or Binder to answer it.)")
    return "\n".join(lines)


# ----------------------------------------------------------------------------------
# Widget view
# ----------------------------------------------------------------------------------

# ipywidgets gives each radio option one fixed line (label height and line-height), so an
# option whose text wraps ran into the next one in JupyterLab (decision 43). The quiz's own
# style lets a label grow with its text; scoped to the quiz box, so no other widget changes.
# In a notebook that shows a quiz, a cell the book hides shows no first line of its code
# either (JupyterLab's preview of a collapsed input; its '...' button still opens it).
HIDDEN_PREVIEW_CSS = (".jp-Notebook:has(.lx-w-quiz, .lx-lab-chart) .jp-InputPlaceholder "
                      ".jp-PlaceholderText { display: none; }")
WIDGET_CSS = HIDDEN_PREVIEW_CSS + (
    ".lx-w-quiz .widget-radio-box label { height: auto; min-height: "
    "var(--jp-widgets-radio-item-height, 24px); line-height: 1.4; display: flex; "
    "align-items: flex-start; white-space: normal; padding: 2px 0; margin-bottom: 4px; }"
    # ipywidgets puts the input after the option's text: order -1 draws the button first,
    # so every button of a group sits at the same x, left of its text
    ".lx-w-quiz .widget-radio-box input { height: auto; float: none; flex: none; order: -1; "
    "margin: 0.25em 0.5em 0 0; }"
)


class Quiz:
    """One exercise shown as an ipywidgets form, with a static HTML and text version.

    Attributes: exercise, store (AnswerStore or None), widget (VBox), inputs (list of the
    input widgets), check_button, reveal_button, feedback (HTML), last_result."""

    def __init__(self, exercise: dict, store: AnswerStore | None = None):
        import ipywidgets as w

        self.exercise = exercise
        self.store = store
        self.uid = _uid(exercise)
        self.last_result: dict | None = None
        self._checked_response: Any = None
        self._lock = threading.RLock()  # one save at a time, whichever thread a message runs on
        ex, typ = exercise, exercise["type"]
        self._w = w
        prompt = w.HTML(f'<div class="lx-w-prompt"><strong>{_e(ex["prompt"])}</strong></div>')
        self.notice = w.HTML("")
        self.inputs: list = []
        full = w.Layout(width="auto", max_width="100%")
        if typ == "choice":
            self.input = w.RadioButtons(
                options=[(o, i) for i, o in enumerate(ex["options"])], value=None,
                layout=full, style={"description_width": "initial"})
            self.inputs = [self.input]
            body = self.input
        elif typ == "multi":
            self.inputs = [w.Checkbox(value=False, description=o, indent=False, layout=full,
                                      style={"description_width": "initial"})
                           for o in ex["options"]]
            body = w.VBox([w.HTML(f"<em>{_e(exercise_file.HOW_TO_ANSWER['multi'])}</em>")] + self.inputs)
        elif typ == "numeric":
            if live_widgets():
                # a live notebook: Check sends the typed text with it (race-free, see
                # lessons.numeric_box); its own Check button replaces check_button
                self.input = numeric_box(lambda typed: self.check(typed))
            else:
                # continuous_update: the kernel gets the text as it is typed, so a Check
                # without Enter sees it (a late update never wipes a checked result)
                self.input = w.Text(placeholder="Type a number", description="Your answer:",
                                    continuous_update=True, style={"description_width": "initial"})
            self.inputs = [self.input]
            body = self.input
        elif typ == "words":
            passage = ex["passage"]
            items = []
            for tok in passage_tokens(passage):
                if tok["word"]:
                    b = w.ToggleButton(value=False, description=tok["text"],
                                       tooltip="Press to mark this word",
                                       layout=w.Layout(width="auto", margin="2px"))
                    b._lx_word = tok["word"]
                    b.observe(self._toggle_icon, names="value")
                    self.inputs.append(b)
                    items.append(b)
                else:
                    items.append(w.Label(tok["text"]))
            body = w.VBox([
                w.HTML(f"<em>{_e(exercise_file.HOW_TO_ANSWER['words'])}</em>"),
                w.Box(items, layout=w.Layout(display="flex", flex_flow="row wrap",
                                             align_items="center")),
            ])
        else:  # text
            self.input = w.Textarea(placeholder="Write your answer here", continuous_update=False,
                                    layout=w.Layout(width="100%", height="7em"))
            self.input.observe(self._text_changed, names="value")
            self.inputs = [self.input]
            body = self.input
        label = "Compare with the model answer" if typ == "text" else "Check"
        self.check_button = w.Button(description=label, icon="check",
                                     layout=w.Layout(width="auto"))
        self.check_button.on_click(lambda _: self.check())
        self.reveal_button = w.Button(
            description="Show model answer" if typ == "text" else "Show answer",
            layout=w.Layout(width="auto"))
        self.reveal_button.on_click(lambda _: self.reveal())
        if typ == "numeric" and not isinstance(self.input, w.Text):
            self.check_button.layout.display = "none"  # the box has its own Check
        self.reveal_button.layout.display = "none"  # shown after a first attempt
        self.feedback = w.HTML("")
        self.answer_box = w.HTML("")
        if typ != "text":  # text has its own observer; every other answer is saved as a draft
            for widget in self.inputs:
                widget.observe(self._draft_changed, names="value")
        buttons = [self.check_button, self.reveal_button]
        style = w.HTML(f"<style>{WIDGET_CSS}</style>", layout=w.Layout(display="none"))
        self.widget = w.VBox(
            [style, self.notice, prompt, body, w.HBox(buttons,
                                              layout=w.Layout(flex_flow="row wrap")),
             self.feedback, self.answer_box],
            layout=w.Layout(border="1px solid #bbb", padding="8px", margin="8px 0"))
        self.widget.add_class("lx-w-quiz")
        self.feedback.add_class("lx-w-feedback-box")
        self.widget.add_class(f"lx-w-{typ}")
        self._restore()

    # -- response <-> widgets ------------------------------------------------------
    def response(self) -> Any:
        typ = self.exercise["type"]
        if typ == "choice":
            return self.input.value
        if typ == "multi":
            return [i for i, cb in enumerate(self.inputs) if cb.value]
        if typ == "words":
            out = []
            for b in self.inputs:
                if b.value and b._lx_word not in out:
                    out.append(b._lx_word)
            return out
        return self.input.value

    def set_response(self, response: Any) -> None:
        """Put a (saved) response back into the widgets. Invalid values are ignored."""
        self._restoring = True
        try:
            self._set_response(response)
        finally:
            self._restoring = False

    def _set_response(self, response: Any) -> None:
        typ = self.exercise["type"]
        items = response if isinstance(response, list) else []  # a saved file may hold anything
        if typ == "choice":
            if _is_int(response) and 0 <= response < len(self.exercise["options"]):
                self.input.value = response
        elif typ == "multi":
            chosen = {x for x in items if _is_int(x)}
            for i, cb in enumerate(self.inputs):
                cb.value = i in chosen
        elif typ == "words":
            marked = {normalise_word(x) for x in items if isinstance(x, str)}
            for b in self.inputs:
                b.value = b._lx_word in marked
        elif isinstance(response, (str, int, float)) and not isinstance(response, bool):
            self.input.value = str(response)

    def _toggle_icon(self, change) -> None:
        change["owner"].icon = "check" if change["new"] else ""

    def _draft_changed(self, change) -> None:
        """Save the answer as the student works (before Check), so a restart loses nothing.

        A draft equal to the response last checked is not saved again: that record already
        holds the check result, which a late draft save would otherwise wipe out."""
        if getattr(self, "_restoring", False):
            return
        response = self.response()
        if response in (None, "", []) or response == self._checked_response:
            return
        with self._lock:
            self._save(response, None)

    def _text_changed(self, change) -> None:
        if getattr(self, "_restoring", False):
            return
        if str(change["new"]).strip():
            self._save(change["new"], check(self.exercise, change["new"]))

    def _restore(self) -> None:
        if self.store is None:
            return
        try:
            record = self.store.get(self.exercise["id"])
        except OSError as exc:
            record = None
            self.store.problem = f"Could not read saved answers from {self.store.path}: {exc}"
        problem = self.store.pop_problem()
        if problem:
            self.notice.value = f'<div class="lx-w-notice" role="alert">⚠ {_e(problem)}</div>'
        if record and "response" in record:
            self.set_response(record["response"])
            if record.get("status") not in (None, "empty"):
                self._checked_response = copy.deepcopy(self.response())
                self._show(check(self.exercise, self.response()), saved_note=True,
                           response=self.response())

    def _save(self, response: Any, result: dict) -> None:
        if self.store is None:
            return
        try:
            self.store.save(self.exercise["id"], _jsonable(self.exercise, response), result,
                            self.exercise)
        except (OSError, ValueError) as exc:  # ValueError: a response JSON cannot hold
            self.notice.value = (f'<div class="lx-w-notice" role="alert">⚠ Your answer could not '
                                 f'be saved to {_e(str(self.store.path))}: {_e(str(exc))}</div>')
        problem = self.store.pop_problem()
        if problem:
            self.notice.value = f'<div class="lx-w-notice" role="alert">⚠ {_e(problem)}</div>'

    # -- actions -------------------------------------------------------------------
    def _show(self, result: dict, saved_note: bool = False, response: Any = None) -> None:
        ex = self.exercise
        parts = [f"<p><strong>{_e(result['message'])}</strong></p>"]
        if ex["type"] == "numeric" and result["status"] != "empty" and response is not None:
            parts.insert(0, f'<p class="lx-w-checked">You answered: '
                            f'<span class="lx-w-checked-value">{_e(str(response))}</span></p>')
        if result.get("notes"):
            opts = ex.get("options") or []
            parts.append("<ul>" + "".join(
                f"<li>{'You chose' if n['chosen'] else 'You left out'} "
                f"“{_e(opts[n['option']])}”: {_e(n['text'])}</li>" for n in result["notes"])
                + "</ul>")
        if ex["type"] == "text" and result["status"] == "answered":
            parts.append("<p>Model answer:</p>" + "".join(
                f"<blockquote>{_para(m)}</blockquote>" for m in result["model_answers"]))
        if result["correct"]:
            parts.append(_para(ex["explanation"]))
        if saved_note:
            parts.append("<p><em>(Your saved answer.)</em></p>")
        self.feedback.value = '<div class="lx-w-feedback">' + "".join(parts) + "</div>"
        if result["status"] != "empty":
            self.reveal_button.layout.display = None  # 'Show answer' only after an attempt

    def check(self, response: Any = _CURRENT) -> dict:
        """Check the current response (or `response`, the text a live numeric box sent with
        its Check), show feedback and save it; returns the check result."""
        with self._lock:
            if response is _CURRENT:
                response = self.response()
            result = check_in_kernel(self.exercise, response)
            self.last_result = result
            self._checked_response = copy.deepcopy(response)
            self._show(result, response=response)
            if result["status"] != "empty":
                self._save(response, result)
        return result

    def reveal(self) -> None:
        ex = self.exercise
        if ex["type"] == "text":
            body = "<p><strong>Model answer:</strong></p>" + "".join(
                f"<blockquote>{_para(m)}</blockquote>" for m in ex["answer"])
        else:
            body = f"<p><strong>Answer:</strong> {_e(answer_text(ex))}</p>"
        body += _para(ex["explanation"]) + f"<p><strong>Source:</strong> {_e(ex['source'])}</p>"
        self.answer_box.value = body

    # -- display -------------------------------------------------------------------
    def html(self) -> str:
        return static_html(self.exercise, self.uid)

    def __repr__(self) -> str:
        return plain_text(self.exercise)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        bundle = dict(self.widget._repr_mimebundle_() or {})
        bundle["text/html"] = self.html()
        bundle["text/plain"] = plain_text(self.exercise)
        return bundle


def check_in_kernel(exercise: dict, response: Any) -> dict:
    """`check`, plus for a rewrite exercise the loaded words that `lessons.language` finds
    in the rewrite (the page only has the exercise's own list)."""
    result = check(exercise, response)
    if exercise.get("type") != "text" or "avoid" not in exercise or result["status"] != "answered":
        return result
    try:
        from lessons import language
        found = language.find_loaded_terms(_QUOTED_RE.sub(" ", str(response)[:5000]), every_watch=True)  # a rewrite avoids them all
    except (ImportError, LessonsDataError, OSError):
        return result
    if found.empty or "voice" not in found:
        return result
    own = found[found["voice"] == "reporter"]["term"].tolist()  # quoted or attributed ('he called them thugs') is fine
    kept = list(dict.fromkeys(own))
    if not kept:
        return result
    return _result(False, "incorrect",
                   f"{NO} Still loaded: {_quote_list(kept)}. Say what happened "
                   "instead, or quote the words and say whose they are.",
                   model_answers=result["model_answers"], keywords=result["keywords"],
                   used=result["used"], kept=kept)


def show(exercise: str | dict, store: AnswerStore | str | os.PathLike | bool | None = None) -> Quiz:
    """Show an exercise by id (from data/exercises/*.yml) or a dict computed by code.

    Returns a Quiz: make it the last expression of the cell (or pass it to display()).
    store: None -> ./answers.json or $LESSONS_ANSWERS; a path or AnswerStore; False -> no saving."""
    if isinstance(exercise, str):
        ex = get_exercise(exercise)
    else:
        ex = validate_exercise(exercise, where="exercise passed to show()")
    return Quiz(ex, resolve_store(store))


# ----------------------------------------------------------------------------------
# Export
# ----------------------------------------------------------------------------------


def export_answers(path: str | os.PathLike = "my_answers.json",
                   store: AnswerStore | str | os.PathLike | None = None) -> Path:
    """Write all saved answers to one JSON file for submission; returns its path."""
    s = resolve_store(store)
    return s.export(path).resolve()


class _ExportButton:
    def __init__(self, path, store):
        import ipywidgets as w

        self.path, self.store = path, store
        self.button = w.Button(description="Export my answers", icon="download",
                               layout=w.Layout(width="auto"))
        self.output = w.HTML("")
        self.button.on_click(lambda _: self.export())
        self.widget = w.VBox([self.button, self.output])

    def export(self) -> Path | None:
        try:
            p = export_answers(self.path, self.store)
        except OSError as exc:
            self.output.value = f"<p>✗ Could not export: {_e(str(exc))}</p>"
            return None
        n = len(json.loads(p.read_text(encoding="utf-8"))["answers"])
        self.output.value = (f"<p>✓ Saved {_plural(n, 'answer')} to <code>{_e(str(p))}</code>. "
                             "Hand in that file.</p>")
        return p

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = dict(self.widget._repr_mimebundle_() or {})
        bundle["text/html"] = ('<p class="lx-export-note">Your answers are saved as you work in '
                               'Jupyter or Binder; there, this cell shows an '
                               '<em>Export my answers</em> button.</p>'
                               '<p class="lx-run-note"><strong>Run this cell (Shift+Enter) to '
                               'show the button.</strong></p>')
        bundle["text/plain"] = "Export my answers (run in Jupyter or Binder)"
        return bundle


def export_button(path: str | os.PathLike = "my_answers.json",
                  store: AnswerStore | str | os.PathLike | None = None) -> _ExportButton:
    """A button that runs export_answers(path) and says where the file went."""
    return _ExportButton(path, store)

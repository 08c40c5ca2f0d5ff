"""The grammar of figures: number words, scales, hedges, units and vague quantities, compiled
once from the data files (``data/figures/``) into regular expressions, plus the tokenizer and
the number parsers the extraction uses."""

from __future__ import annotations

import bisect
import os
import re
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from .. import _guard, _yaml
from ..datafiles.read import MAX_ENTRIES, MAX_ROWS
from ..errors import LessonsDataError
from ..paths import data_dir
from ..text import SPACE
from .claims import _folder, _read_csv
from .watch import RECHECK_SECONDS, WATCH

QUALIFIERS = ("exact", "at_least", "at_most", "approx", "vague", "range")

# Spaces the articles really contain: ordinary, no-break (U+00A0), thin (U+2009), narrow
# no-break (U+202F), figure space (U+2007), punctuation space (U+2008), hair space (U+200A).
_SP = SPACE  # the one space class (lessons.text)
_JOIN = rf"(?:{_SP}+|[-\u2010\u2011])"  # words of one number joined by spaces or a hyphen
_GLUED_UNITS = ("distance", "weight")  # units whose abbreviations are written glued: '2,735km'
_GROUP_SEP = "[,\u00a0\u2009\u202f\u2007]"  # thousands separators inside one number


def _longest_first(phrases) -> str:
    """A plain regex alternation, longest phrase first, spaces matching any space character."""
    parts = []
    for p in sorted(set(phrases), key=len, reverse=True):
        parts.append(re.escape(p).replace(r"\ ", _SP + "+"))
    return "|".join(parts)


def _tree(phrases) -> dict:
    """The phrases as a tree of characters ('' marks where a phrase ends)."""
    tree: dict = {}
    for w in set(phrases):
        node = tree
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}
    return tree


def _tree_regex(node: dict, spaces: bool) -> str:
    """The regex of a tree: one branch per next character, a longer phrase tried before the
    shorter one it starts with; with ``spaces``, a space matches any run of space characters."""
    ends = "" in node
    branches = [(_SP + "+" if spaces and ch == " " else re.escape(ch)) + _tree_regex(child, spaces)
                for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if ends else body


def _collides(node: dict) -> bool:
    """Could two branches of one node match the same character (case variants under
    IGNORECASE, a space character beside the space that matches any)? Then the tree might try
    a shorter phrase before a longer one."""
    chars = [ch for ch in node if ch]
    for fold in (str.lower, str.upper):
        if len({fold(ch) for ch in chars}) < len(chars):
            return True
    if " " in chars and any(ch != " " and ch.isspace() for ch in chars):
        return True
    return any(_collides(child) for child in node.values())


def _alternation(phrases) -> str:
    """A regex for a set of phrases that finds what the alternation of the phrases sorted
    longest first finds, spaces matching any space character, written as one tree of their
    characters (:func:`_tree_regex`): the engine follows one branch per character instead of
    trying every phrase in turn. The phrases that can match at one place are prefixes of each
    other, so both try them longest first and agree on every match; when one character could
    take two branches (:func:`_collides`) the plain alternation is used."""
    tree = _tree(phrases)
    return _longest_first(phrases) if _collides(tree) else _tree_regex(tree, spaces=True)


def _trie(words) -> str:
    """A regex for a set of words, factored by common prefixes so that the regex engine
    follows one branch per letter instead of trying every word in turn (much faster)."""
    return _tree_regex(_tree(words), spaces=False)


def _float(value: str, path: Path, line: int, field: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise LessonsDataError(f"{path}, line {line}: field '{field}' must be a number, got {value!r}") from None


@dataclass(frozen=True)
class _Grammar:
    """Everything compiled from the data files, built once."""

    cardinals: dict
    scales: dict
    fractions: dict
    multipliers: dict
    months: frozenset
    year_cues: frozenset
    id_cues: frozenset
    function: frozenset
    aux: frozenset
    participles: frozenset
    partitive: frozenset
    hedges: dict  # (phrase, position) -> qualifier
    vague: dict  # phrase -> (scale, conservative, high)
    units: dict  # word -> (unit, unit_name, factor)
    unit_forms: dict  # written form -> key of units
    symbols: dict  # symbol -> code
    master: re.Pattern
    total_before: re.Pattern
    plural_nouns: frozenset
    month_day_before: re.Pattern
    trigger: re.Pattern
    hedge_before: re.Pattern
    hedge_after: re.Pattern
    hedge_prefix: re.Pattern
    symbol_before: re.Pattern
    unit_after: re.Pattern
    compound_after: re.Pattern
    scale_after: re.Pattern
    time_after: re.Pattern
    one_after: re.Pattern
    one_before: re.Pattern
    age_before: re.Pattern
    time_cues: re.Pattern
    reporting: str
    verb_class: dict  # verb -> kind of event ('harm', 'custody'), from lexicon 'verb_classes'
    below_hedges: frozenset  # estimates that sit just under the number ('nearly 400')
    symbol_ends: frozenset | None = None  # last characters of the currency symbols (None: not known)
    about_words: frozenset = frozenset()  # 'worried about 2 things': 'about' is a preposition after these
    hedge_ends: tuple = ()  # the last word of every hedge before a number, lower case, and 'of' ('a total of')
    hedge_end_len: int = 0  # the longest of them
    name_cues: frozenset = frozenset()  # identifier cues written with a capital ('Bill'): cues only when capitalised


# The files the grammar is compiled from: its cache is keyed by each one's (path, mtime, size).
GRAMMAR_FILES = ("lexicon.yml", "hedges.csv", "vague.csv", "units.csv", "currency_symbols.csv")


def _grammar(folder: str | None = None) -> _Grammar:
    """The compiled grammar of ``folder`` (default: the data folder), built once per version of
    its files: the key is every file's (path, modification time, size), so another folder
    (``use_folder``, ``$LESSONS_DATA``) or a file changed in place is compiled again.
    ``_grammar()`` and ``_grammar(None)`` share one cache entry.

    The default folder's grammar is also kept per ``$LESSONS_DATA`` with the generation of the
    folder's watches (:mod:`.watch`): while no event came in and its stamps were read less than
    ``RECHECK_SECONDS`` ago, it is given back without a look at the files (one ``poll``)."""
    if folder:
        return _stamped_grammar(str(Path(folder)))
    env = os.environ.get("LESSONS_DATA")
    memo = _WATCHED.get(env)
    if memo is not None and memo[0] == WATCH.current() and time.monotonic() < memo[1]:
        return memo[2]
    root, known = _default_folder()
    generation = None
    if known[1] is not None and os.path.isabs(root):
        # the data folder's own files decide (not the shipped ones it falls back to) and its
        # path cannot move with the working folder: watch them, then read their stamps
        generation = WATCH.watch(root, _paths(root)[1])
    if generation is None:
        return _stamped_grammar(root, known)
    grammar = _stamped_grammar(root)
    if len(_WATCHED) >= 16:
        _WATCHED.clear()
    _WATCHED[env] = (generation, time.monotonic() + RECHECK_SECONDS, grammar)
    return grammar


def _stamped_grammar(root: str, known: tuple | None = None) -> _Grammar:
    """The grammar of the folder ``root`` as its files are now (their stamps are the key)."""
    paths = _paths(root)
    return _build_grammar(paths[0], _stamps(root, paths[1], known))


def _paths(root: str) -> tuple:
    """(the folder made absolute, its grammar files): joined once for an absolute folder; a
    relative one is resolved again on every call (the working folder may change)."""
    paths = _PATHS.get(root)
    if paths is None:
        paths = (os.path.abspath(root), tuple(os.path.join(root, name) for name in GRAMMAR_FILES))
        if os.path.isabs(root) and len(_PATHS) < 64:
            _PATHS[root] = paths
    return paths


_WATCHED: dict = {}  # $LESSONS_DATA -> (generation of the watches, check again by, grammar)


_PATHS: dict = {}  # an absolute folder -> (it, its grammar files): joined once, not per call


def _stamp(path: str) -> tuple | None:
    """(modification time, size) of a file, None when it is missing: one ``os.stat``."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def _stamps(root: str, paths: tuple | None = None, known: tuple | None = None) -> tuple:
    """(modification time, size) of each grammar file, None for a missing one (its reader then
    says so). One ``os.stat`` per file: this runs once per call of ``extract_figures`` when
    the folder is not watched (see :func:`_grammar`), else once a second at most.
    ``known``: (a path, its stamp) taken a moment ago in this call (the default folder's
    lexicon), used instead of a second stat of the same file."""
    out = []
    for path in paths or [os.path.join(root, name) for name in GRAMMAR_FILES]:
        out.append(known[1] if known is not None and path == known[0] else _stamp(path))
    return tuple(out)


_FOLDER_MEMO: dict = {}  # $LESSONS_DATA -> (the lexicon.yml that decides, was it there, str(_folder()))


def _default_folder() -> tuple[str, tuple]:
    """``str(_folder())``, remembered per ``$LESSONS_DATA`` and checked again with one stat per
    call (whether the data folder's ``figures/lexicon.yml`` is there decides ``_folder()``):
    building the paths cost more than reading the figures of a short sentence. Also gives
    (that lexicon's path, its stamp), so the grammar's own check does not stat it again."""
    env = os.environ.get("LESSONS_DATA")
    memo = _FOLDER_MEMO.get(env)
    if memo is not None:
        stamp = _stamp(memo[0])
        if (stamp is not None) == memo[1]:
            return memo[2], (memo[0], stamp)
    lexicon = str(data_dir() / "figures" / "lexicon.yml")
    stamp = _stamp(lexicon)
    _FOLDER_MEMO[env] = (lexicon, stamp is not None, str(_folder()))
    return _FOLDER_MEMO[env][2], (lexicon, stamp)


_LEXICON_GROUPS = ("cardinals", "scales", "fractions", "multipliers", "months", "year_cues",
                   "identifier_cues", "function_words", "auxiliaries", "participles",
                   "partitive_heads", "time_words", "one_pronoun", "age_cues", "time_cues",
                   "reporting_verbs", "dozen", "total_nouns", "plural_nouns")


#: At most this many words in one list of ``lexicon.yml`` (a group's ``words``, ``before``,
#: ``after``, one kind of ``verb_classes``), and in the whole file: the caps of every other
#: list a teacher supplies (``datafiles.read``, decision 35). The 2 MB cap bounds the bytes;
#: these bound the work (each word goes into the compiled patterns).
MAX_WORDS = MAX_ENTRIES
MAX_LEXICON_WORDS = MAX_ROWS


def _line(node, key: str | int | None = None) -> int | None:
    """The line (from 1) of a YAML node, or of its child `key` (a mapping's key, a list's
    position); None without a node."""
    if node is None:
        return None
    if key is not None:
        if isinstance(node, yaml.MappingNode):
            found = next((k for k, _ in node.value if str(k.value) == key), None) if isinstance(key, str) \
                else (node.value[key][0] if key < len(node.value) else None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            found = node.value[key]
        else:
            found = None
        node = found if found is not None else node
    return node.start_mark.line + 1


def _child(node, key: str):
    """The value node of `key` in a mapping node, or None."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if str(k.value) == key:
                return v
    return None


# The fields the grammar reads, by group: the number groups' words map a word to its value,
# these groups list words before and after a number, every other group (but 'dozen') lists words
_NUMBER_GROUPS = ("cardinals", "scales", "fractions", "multipliers")
_SIDE_GROUPS = {"one_pronoun": ("before", "after"), "age_cues": ("before",)}


def _group_fields(group: str) -> tuple[tuple[str, type], ...]:
    """(field, the type its value must have) that the grammar reads from a known group."""
    if group in _NUMBER_GROUPS:
        return (("words", dict),)
    if group in _SIDE_GROUPS:
        return tuple((side, list) for side in _SIDE_GROUPS[group])
    return () if group == "dozen" else (("words", list),)


def _fail(lex_path: Path, at, problem: str) -> None:
    """A LessonsDataError naming the file and, when `at` (``_line``'s arguments) finds one, the line."""
    where = _line(*at) if at else None
    raise LessonsDataError(f"{lex_path}{f', line {where}' if where else ''}: {problem}")


def _check_lexicon(lex, lex_path: Path, node=None) -> None:
    """Every group is there with a rationale and the fields the grammar reads, every list holds
    at most ``MAX_WORDS`` entries (``MAX_LEXICON_WORDS`` in all), every entry is text (YAML reads
    a bare on/no as a bool) and every value of a number group a number. `node`: the file's YAML
    nodes, for the line of a problem."""
    if not isinstance(lex, dict):
        _fail(lex_path, None, f"expected groups such as 'cardinals:' (a rationale and words each), got {type(lex).__name__}")
    for group in _LEXICON_GROUPS:
        _check_group(lex, group, lex_path, node)
    classes = lex.get("verb_classes", {"words": {}})
    if not isinstance(classes, dict) or not isinstance(classes.get("words", {}), dict) \
            or not all(isinstance(ws, list) for ws in classes.get("words", {}).values()):
        _fail(lex_path, (node, "verb_classes"), "group 'verb_classes': expected 'words:' mapping a kind to a list, "
              "e.g. {statement: [said, told]}")
    total = 0
    for group, entry in lex.items():
        if isinstance(entry, dict):
            total = _check_words(group, entry, total, lex_path, _child(node, str(group)))


def _check_group(lex: dict, group: str, lex_path: Path, node) -> None:
    """A known group: there, a section, with a rationale and the fields the grammar reads."""
    if group not in lex:
        _fail(lex_path, None, f"group '{group}' is missing")
    if not isinstance(lex[group], dict):
        _fail(lex_path, (node, group), f"group '{group}' must be a section with 'rationale:' and its words")
    if not str(lex[group].get("rationale", "")).strip():
        _fail(lex_path, (node, group), f"group '{group}' has no rationale")
    for field, kind in _group_fields(group):
        if not isinstance(lex[group].get(field), kind):
            example = "{one: 1, two: 2}" if kind is dict else "[first, second]"
            _fail(lex_path, (_child(node, group), field),
                  f"group '{group}', {field}: expected {example}, got {_guard.brief(lex[group].get(field))}")


def _check_words(group, entry: dict, total: int, lex_path: Path, group_node) -> int:
    """One group's lists: each at most ``MAX_WORDS`` long, text only, a number group's values
    numbers; gives the count of words so far (`total` plus this group's), at most
    ``MAX_LEXICON_WORDS``."""
    name = _guard.printable(group)
    lists = [(key, entry.get(key), _child(group_node, key)) for key in ("words", "before", "after")]
    if group == "verb_classes":  # kind -> a list of words
        lists += [(f"words: {_guard.printable(kind)}", ws, _child(_child(group_node, "words"), str(kind)))
                  for kind, ws in entry.get("words", {}).items()]
    items: list = []
    for key, value, value_node in lists:
        if not isinstance(value, (list, dict)):
            continue
        if len(value) > MAX_WORDS:
            _fail(lex_path, (value_node, MAX_WORDS),
                  f"group '{name}', {key}: {len(value):,} entries; a list in {lex_path.name} may hold at most "
                  f"{MAX_WORDS:,} (keep the {MAX_WORDS:,} most useful)")
        total += len(value)
        if total > MAX_LEXICON_WORDS:
            _fail(lex_path, (value_node,), f"group '{name}', {key}: more than {MAX_LEXICON_WORDS:,} words in all; "
                  f"{lex_path.name} may hold at most {MAX_LEXICON_WORDS:,} (keep the most useful)")
        items += list(value)  # a mapping's words are its keys
        if group in _NUMBER_GROUPS and key == "words":
            _check_numbers(name, value, lex_path, value_node)
    bad = [w for w in items if not isinstance(w, str)]
    if bad:
        _fail(lex_path, (group_node,), f"group '{name}' has non-text entries {_guard.brief(bad[:10])} "
              "(YAML reads on/off/yes/no as true/false: put them in quotes)")
    return total


def _check_numbers(name: str, words: dict, lex_path: Path, node) -> None:
    """A number group's words: each value a number (YAML reads 'one: yes' as a bool, '1' as text)."""
    odd = [w for w, v in words.items() if isinstance(v, bool) or not isinstance(v, (int, float))]
    if odd:
        _fail(lex_path, (node, str(odd[0])), f"group '{name}', words: {_guard.brief(odd[0])} has the value "
              f"{_guard.brief(words[odd[0]])}; write a number, e.g. 'two: 2'")


def _read_hedges(root: Path) -> tuple[dict, frozenset]:
    """``hedges.csv``: (phrase, position) -> qualifier, and the hedges that sit just below the number."""
    hedge_path = root / "hedges.csv"
    hedges = {}
    below: set = set()  # 'side: below': 'nearly 400' is just under 400, never above
    for line, row in enumerate(_read_csv(hedge_path, ("phrase", "position", "qualifier", "rationale")), start=2):
        if row["qualifier"] not in QUALIFIERS:
            raise LessonsDataError(f"{hedge_path}, line {line}: qualifier {row['qualifier']!r} is not one of {', '.join(QUALIFIERS)}")
        if row["position"] not in ("before", "after", "prefix"):
            raise LessonsDataError(f"{hedge_path}, line {line}: position must be before, after or prefix")
        hedges[(row["phrase"].lower(), row["position"])] = row["qualifier"]
        if (row.get("side") or "").strip() == "below":
            below.add(row["phrase"].lower().strip("-"))
    return hedges, frozenset(below)


def _read_vague(root: Path) -> dict:
    """``vague.csv``: phrase -> (scale, conservative, high)."""
    vague_path = root / "vague.csv"
    vague = {}
    for line, row in enumerate(_read_csv(vague_path, ("phrase", "scale", "conservative", "high", "rationale")), start=2):
        vague[row["phrase"].lower()] = (
            _float(row["scale"], vague_path, line, "scale"),
            _float(row["conservative"], vague_path, line, "conservative"),
            _float(row["high"], vague_path, line, "high"),
        )
    return vague


def _read_units(root: Path) -> dict:
    """``units.csv``: word -> (unit, unit_name, factor)."""
    unit_path = root / "units.csv"
    units = {}
    for line, row in enumerate(_read_csv(unit_path, ("word", "unit", "unit_name", "factor", "rationale")), start=2):
        units[row["word"].lower()] = (row["unit"], row["unit_name"], _float(row["factor"], unit_path, line, "factor"))
    return units


def _master_pattern(cardinals: dict, fractions: dict, vague: dict) -> re.Pattern:
    """Every form a figure takes, one named group per kind (the ``kind`` of ``_make``), plus
    the things that look like numbers but are not (dates, times, phone numbers, codes)."""
    card = _alternation(cardinals)
    small = rf"(?:(?:{card})(?:[-\u2010\u2011]|{_SP}+)(?:{card})|{card})"  # twenty-six, twenty six
    hundred = rf"(?:(?:a|an|{small}){_SP}+hundred(?:{_SP}+(?:and{_SP}+)?{small})?|{small})"
    big_scale = "thousand|million|billion|trillion"
    # 'a week and a half': 'a' is one unit when 'and a half' follows the unit (read by _make_word)
    a_half = rf"(?:a|an)(?={_SP}+[a-z]{{2,12}}+{_SP}+and{_SP}+a{_SP}+half\b)"
    wordnum = (rf"(?:(?:a|an)(?={_SP}+(?:{big_scale}|hundred|dozen)\b)|{a_half}|{hundred})"
               rf"(?:{_SP}+(?:{big_scale})(?:,?{_SP}+(?:and{_SP}+)?{hundred}(?!{_SP}+(?:{big_scale}|hundred)\b))?)*"
               rf"(?:{_JOIN}and{_JOIN}a{_JOIN}half)?")  # 'two and a half', 'three-and-a-half'
    dozen = rf"(?:half{_SP}+a|a|an|{small}|\d+){_SP}+dozen"
    frac_words = _alternation(fractions)
    fraction = (rf"(?:a|an|one|{small}|\d+)(?:[-\u2010\u2011]|{_SP}+)(?:{frac_words})"
                rf"|half\b")
    digits = (rf"\d{{1,3}}(?:{_GROUP_SEP}\d{{3}})+(?!\d)(?:\.\d+)?"
              rf"|\d{{1,3}}(?: \d{{3}})+(?![\d,.\u2009\u00a0]\d)"  # 3 700 (plain spaces, European style)
              rf"|\d+(?:\.\d+)?")
    ratio = rf"(?:{small}|\d+){_SP}+(?:in|out{_SP}+of){_SP}+(?:{small}|\d+)\b"
    vague_alt = _alternation(vague)
    mult = (rf"(?:{small}|\d+(?:\.\d+)?)[-\u2010\u2011]?fold\b"
            rf"|(?:doubl|tripl|quadrupl|quintupl|halv)(?:ed|ing|es)\b|twice\b|thrice\b")
    rng = rf"between{_SP}+(?P<r1>{digits}|{small}){_SP}+and{_SP}+(?P<r2>{digits}|{small})\b"
    skip = "|".join([
        r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?",  # ISO dates
        r"\d{1,2}/\d{1,2}/\d{2,4}",  # 07/01/2022
        r"\d{1,2}:\d{2}(?::\d{2})?(?:" + _SP + r"*(?:[ap]\.?m\.?|GMT|UTC)\b)?",  # 18:30
        r"\d{1,2}\.\d{2}" + _SP + r"*[ap]\.?m\.?",  # 10.30pm
        r"\d{1,2}" + _SP + r"*(?:a\.m\.|p\.m\.|[ap]m\b)",  # 3pm, 9 a.m.
        r"\d+(?:st|nd|rd|th)\b",  # ordinals 10th, 21st
        r"['\u2019]?\d{2}s\b|\d{4}s\b",  # the 1990s, the '90s
        r"\+\d{1,3}[ .\-]?\(?\d{1,4}\)?(?:[ .\-]?\d{2,4}){2,}",  # +7 727 258 3434
        r"\(\d{2,5}\)" + _SP + r"?\d{3,4}[ \-]?\d{3,4}",  # (01) 234 5678
        r"\d{3}[\-.]\d{3}[\-.]\d{4}",  # 555-123-4567
        r"\d{2,5}[ \-]\d{3,4}[ \-]\d{4}\b",  # 020 7946 0958
        r"[A-Za-z]+[\-\u2010\u2011]?\d+(?:[A-Za-z\d\-]*)",  # MH17, COVID-19, F-16, G20
        r"\d+[A-Za-z]+\d[A-Za-z\d]*",  # 4G5, 3D2 (digits and letters mixed)
    ])
    master = re.compile(
        rf"(?P<skip>(?<![\w.,]){'(?:' + skip + ')'})"
        r"|(?P<slash>(?<![\w/.])\d{1,3}/\d{1,3}(?![\w/]))"
        rf"|(?P<range>\b{rng})"
        rf"|(?P<vague>\b(?:{vague_alt})\b)"
        rf"|(?P<ratio>\b{ratio})"
        rf"|(?P<dozen>\b{dozen}\b)"
        rf"|(?P<fraction>\b(?:{fraction})\b)"
        rf"|(?P<mult>\b(?:{mult}))"
        rf"|(?P<word>\b{wordnum}\b)"
        rf"|(?P<digits>(?<![\w.])(?:{digits}))",
        re.IGNORECASE,
    )
    return master


def _trigger_pattern(cardinals: dict, multipliers: dict, fractions: dict, vague: dict) -> re.Pattern:
    # Where a figure can start: a digit, a currency sign or '+' before a digit, or one of a few
    # words. Only there is the full pattern tried, so long texts are scanned quickly.
    firsts = set(cardinals) | set(multipliers) | {"half", "between", "twice", "thrice"}
    firsts |= {p.split()[0] for p in vague if not p.startswith(("a ", "an "))}
    a_next = set(fractions) | {"few", "couple", "handful", "dozen", "hundred", "thousand", "million", "billion", "trillion"}
    initials = "".join(sorted({w[0] for w in firsts} | {"a"}))
    return re.compile(
        r"(?=[\d+(" + initials + initials.upper() + r"])"
        r"(?:(?<![\w.,])\d|[+(]\d|\b(?:" + _trie(firsts) + r")\b"
        r"|\ban?(?=" + _SP + r"+(?:" + _trie(a_next) + r")\b"
        r"|" + _SP + r"+[a-z]{2,12}+" + _SP + r"+and" + _SP + r"+a" + _SP + r"+half\b))",
        re.IGNORECASE,
    )


def _hedge_patterns(hedges: dict, symbols: dict) -> tuple[re.Pattern, re.Pattern, re.Pattern, re.Pattern]:
    """Hedges before, after and glued before a number, and currency symbols before it."""
    hedge_before = re.compile(
        r"(?:^|(?<=\W))(?P<h>" + _alternation([p for (p, pos) in hedges if pos == "before"]) + r")"
        + _SP + r"+(?:a" + _SP + r"+total" + _SP + r"+of" + _SP + r"+)?[$£€¥₸₽₹]?$",
        re.IGNORECASE,
    )
    hedge_after = re.compile(
        r"(?:[-\u2010\u2011]|" + _SP + r"*)(?P<h>" + _alternation([p.lstrip("-") for (p, pos) in hedges if pos == "after" and p != "plus"])
        + r"|plus)\b|(?P<plus>\+)",
        re.IGNORECASE,
    )
    hedge_prefix = re.compile(r"(?:^|(?<=\W))(?P<h>" + _alternation([p.rstrip("-") for (p, pos) in hedges if pos == "prefix"]) + r")[-\u2010\u2011]$", re.IGNORECASE)
    symbol_before = re.compile(r"(?:^|(?<=[^\w$]))(?P<sym>" + _alternation(symbols) + r")" + _SP + r"?$")
    return hedge_before, hedge_after, hedge_prefix, symbol_before


def _hedge_ends(hedges: dict) -> tuple:
    """The last word of each hedge that stands before a number, and 'of' ('a total of'): text
    that ends with none of them (spaces and a currency sign aside) holds no such hedge."""
    return tuple(sorted({p.split()[-1].lower() for (p, pos) in hedges if pos == "before" and p.split()} | {"of"}))


def _unit_forms(units: dict) -> dict:
    """Every written form of a unit -> its entry in units.csv (plurals: 'pounds sterling')."""
    unit_forms = {}  # every written form -> its entry in units.csv ('pounds sterling' -> 'pound sterling')
    for w, (unit, _, _) in units.items():
        unit_forms[w] = w
        if unit != "percent" and w[-1:] not in ("%", "s"):
            first, _, rest = w.partition(" ")
            unit_forms[w + "s"] = w
            unit_forms[w[:-1] + "ies" if w.endswith("y") and not w.endswith("ey") else w + "s"] = w
            if rest:
                unit_forms[f"{first}s {rest}"] = w
    return unit_forms


# complexity: builds the grammar record: one comprehension per word list of the lexicon
@lru_cache(maxsize=4)
def _build_grammar(folder: str, stamps: tuple = ()) -> _Grammar:  # stamps: part of the key only
    root = Path(folder)
    lex_path = root / "lexicon.yml"
    lex, node = _yaml.read_file_nodes(lex_path)
    _check_lexicon({} if lex is None else lex, lex_path, node)

    def words(group):
        return [str(w).lower() for w in lex[group]["words"]]

    cardinals = {str(k).lower(): float(v) for k, v in lex["cardinals"]["words"].items()}
    scales = {str(k): float(v) for k, v in lex["scales"]["words"].items()}
    fractions = {str(k).lower(): float(v) for k, v in lex["fractions"]["words"].items()}
    multipliers = {str(k).lower(): float(v) for k, v in lex["multipliers"]["words"].items()}

    hedges, below = _read_hedges(root)
    vague = _read_vague(root)
    units = _read_units(root)
    symbols = {row["symbol"]: row["code"] for row in _read_csv(root / "currency_symbols.csv", ("symbol", "code", "rationale"))}
    master = _master_pattern(cardinals, fractions, vague)
    trigger = _trigger_pattern(cardinals, multipliers, fractions, vague)
    hedge_before, hedge_after, hedge_prefix, symbol_before = _hedge_patterns(hedges, symbols)
    unit_forms = _unit_forms(units)
    unit_words = _alternation([f for f in unit_forms if f != "%"])
    # short abbreviations may also be glued to the number: '2,735km', '30cm', '5kg'
    glued = _alternation([f for f, key in unit_forms.items() if units[key][0] in _GLUED_UNITS and f.isalpha() and len(f) <= 2])
    unit_after = re.compile(rf"(?:{_SP}*(?P<pct>%)|{_SP}+(?P<unit>{unit_words})\b|(?P<glued>{glued})\b)", re.IGNORECASE)
    compound_after = re.compile(r"[-\u2010\u2011](?P<word>[a-z]+(?:[-\u2010\u2011][a-z]+)*)", re.IGNORECASE)
    scale_after = re.compile(
        r"(?:(?P<glued>bn|mn|mln|mm|tn|trn|m|k|b)\b|" + _SP + r"+(?P<word>thousand|million|billion|trillion|bn|mn|tn|m)\b)",
        re.IGNORECASE,
    )
    time_after = re.compile(_SP + r"*(?:" + _alternation(words("time_words")) + r")(?![\w])", re.IGNORECASE)
    one = lex["one_pronoun"]
    one_after = re.compile(_SP + r"*(?:" + _alternation([str(w) for w in one["after"]]) + r")\b", re.IGNORECASE)
    one_before = re.compile(r"(?:^|(?<=\W))(?:" + _alternation([str(w) for w in one["before"]]) + r")" + _SP + r"+$", re.IGNORECASE)
    age_before = re.compile(r"(?:^|(?<=\W))(?:" + _alternation([str(w) for w in lex["age_cues"]["before"]]) + r")" + _SP + r"+$", re.IGNORECASE)
    time_cues = re.compile(r"\b(?:" + _alternation(words("time_cues")) + r")\b", re.IGNORECASE)
    return _Grammar(
        cardinals=cardinals, scales=scales, fractions=fractions, multipliers=multipliers,
        months=frozenset(words("months")), year_cues=frozenset(words("year_cues")),
        id_cues=frozenset(words("identifier_cues")), function=frozenset(words("function_words")),
        aux=frozenset(words("auxiliaries")), participles=frozenset(words("participles")),
        partitive=frozenset(words("partitive_heads")), hedges=hedges, vague=vague, units=units, unit_forms=unit_forms,
        symbols=symbols, master=master, trigger=trigger,
        total_before=re.compile(r"\b(?P<noun>" + _alternation(words("total_nouns")) + r")\b[^.;:!?\n]{0,40}?\b(?:at|to|of|was|is|were|are|reached|hit|topped|passed|stood" + _SP + r"+at|rose" + _SP + r"+to|climbed" + _SP + r"+to)" + _SP + r"+$", re.IGNORECASE),
        plural_nouns=frozenset(words("plural_nouns")),
        month_day_before=re.compile(r"\b(?:" + _alternation(words("months")) + r")\.?" + _SP + r"+\d{1,2}," + _SP + r"*$", re.IGNORECASE), hedge_before=hedge_before, hedge_after=hedge_after,
        hedge_prefix=hedge_prefix, symbol_before=symbol_before, unit_after=unit_after,
        compound_after=compound_after, scale_after=scale_after, time_after=time_after,
        one_after=one_after, one_before=one_before, age_before=age_before, time_cues=time_cues,
        reporting=_alternation(words("reporting_verbs")),
        verb_class={str(w).lower(): str(kind) for kind, ws in ((lex.get("verb_classes") or {}).get("words") or {}).items()
                    for w in ws},
        below_hedges=below,
        symbol_ends=frozenset(sym[-1] for sym in symbols) if all(symbols) else None,
        hedge_ends=_hedge_ends(hedges), hedge_end_len=max(map(len, _hedge_ends(hedges)), default=0),
        about_words=frozenset(str(w).lower() for w in (lex.get("about_topic_words") or {}).get("words") or ()),
        name_cues=frozenset(str(w).lower() for w in lex["identifier_cues"]["words"] if str(w)[:1].isupper()),
    )


# =========================================================================== tokens
# the group names are the token kinds: a number's suffix ('-year-old') sits inside 'num', so
# ``lastgroup`` names the kind of every match and no lookup is needed
_TOKEN = re.compile(
    r"(?P<num>(?:\d[\d,.\u00a0\u2009\u202f]*\d|\d)(?:[-\u2010\u2011][A-Za-z]+(?:[-\u2010\u2011][A-Za-z]+)*)?)"
    r"|(?P<word>(?:[A-Z]\.){2,}(?![^\W\d_])|[^\W\d_]+(?:['\u2019\-\u2010\u2011][^\W\d_]+)*)"  # 'U.S.' is one word
    r"|(?P<quote>[\u201c\u201d\"\u2018\u2019'\u00ab\u00bb])"
    r"|(?P<punct>[^\s\w])"
)
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]*(?=\s+[A-Z\"'\u201c\u2018(]|\s*$)|\n")


@lru_cache(maxsize=8)
def _sentence_stops(text: str) -> tuple[int, ...]:
    """Where every ``_SENTENCE_END`` match in ``text`` starts (each match is independent of
    where a search begins, so this list answers every search at once)."""
    return tuple(m.start() for m in _SENTENCE_END.finditer(text))


def _next_stop(text: str, pos: int) -> int | None:
    """``_SENTENCE_END.search(text, pos).start()`` in O(log n), or None: many figures in one
    long sentence would otherwise each scan to its end (quadratic)."""
    stops = _sentence_stops(text)
    i = bisect.bisect_left(stops, pos)
    return stops[i] if i < len(stops) else None


def _tokens(text: str, start: int, limit: int = 110):
    """Tokens of text[start:start+limit], within one line, as (kind, text, abs_start, abs_end)."""
    stop = min(len(text), start + limit)
    newline = text.find("\n", start, stop)
    if newline >= 0:
        stop = newline
    # start() and end() rather than *span(): unpacking into the tuple costs a third of the list
    return [(m.lastgroup, m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text, start, stop)]


_SEPARATORS = str.maketrans("", "", ",\u00a0\u2009\u202f\u2007 ")  # inside one number: '3,700', '3 700'


def _parse_digits(s: str) -> float:
    return float(s.translate(_SEPARATORS))


# complexity: one branch per kind of number word (a, and, cardinal, hundred, scale, half)
def _parse_words(s: str, g: _Grammar) -> float | None:
    """'two hundred and fifty thousand' -> 250000; 'twenty-six' -> 26; 'a million' -> 1e6."""
    tokens = re.split(r"[\s\u00a0\u2009\u202f\-\u2010\u2011,]+", s.lower().strip())
    total, current, seen = 0.0, 0.0, False
    half = False
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t in ("a", "an"):
            current = current or 1.0
            if i + 2 < len(tokens) + 1 and i >= 1 and tokens[i - 1] == "and" and i + 1 < len(tokens) and tokens[i + 1] == "half":
                half = True
                i += 2
                continue
        elif t == "and":
            pass
        elif t in g.cardinals:
            current += g.cardinals[t]
            seen = True
        elif t == "hundred":
            current = (current or 1.0) * 100
            seen = True
        elif t in ("thousand", "million", "billion", "trillion"):
            total += (current or 1.0) * g.scales[t]
            current = 0.0
            seen = True
        elif t == "half":
            half = True
        elif t:
            return None
        i += 1
    if not seen:
        return None
    if half:
        # 'two and a half million': the half belongs to the last unit before the scale.
        if current:
            current += 0.5
        else:
            # 'two million and a half' is rare; 'two and a half' -> 2.5 handled above
            total += 0.5
    return total + current



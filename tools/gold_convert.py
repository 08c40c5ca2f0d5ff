"""Convert the old labelled-case files into the one gold format of ``data/gold/`` (issue 18).

    .venv/bin/python tools/gold_convert.py speakers              # tests/fixtures/speakers.yml
    .venv/bin/python tools/gold_convert.py language figures      # data/language/heldout.yml, ...
    .venv/bin/python tools/gold_convert.py speakers --from OLD.yml --to data/gold/speakers.yml

The conversion is mechanical: every case's text and labels are copied character for character
from the old file (the YAML source of each value, so quoting stays as written), the comments
between cases are kept in place, and the header (source, rationale, licence and the
explanatory comment) is written here, adapted to the new format. After writing, both files are
loaded again and compared: the script stops with an error if one text or label differs. Run
it once; it is kept so that a file edited on another branch meanwhile can be converted again
after a merge (then delete the old file and run the tests).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

LICENCE = "CC BY 4.0 (written for this book; see LICENSE-TEXT.md)"

LANGUAGE_COMMENT = """\
# Gold cases for lessons.language (find_loaded_terms, scored by language.evaluate).
# None comes from the five articles; all were written for this book about invented or generic
# events, so the lexicon was not tuned on them.
# expected lists the loaded terms a careful human reader marks, with the voice they are in:
#   reporter = the writer's own words; quoted = inside quotation marks (someone else's words);
#   attributed = given to someone without quotation marks ('police said thugs attacked',
#   'what officials called a riot', '..., according to the army'). Cases written before the
#   attributed voice existed were relabelled once, by hand, when it was added (issue 19).
# scare_quote: true marks a term inside a short quoted fragment that is nobody's whole statement.
# A case with `expected: []` has nothing loaded (it tests false alarms: 'admitted to hospital').
# Terms the lexicon may not know are listed too: the score is honest about what a word list misses.
# split: dev cases were used while the lexicon was written (its rules were fixed on them);
# split: test cases were written afterwards and scored once, without changing the lexicon for them.
# Moved from data/language/heldout.yml (issue 18); the cases and labels are unchanged.
"""

FIGURES_COMMENT = """\
# Gold cases for lessons.figures.extract_figures: the labelled sentences of the figures
# benchmark (issue 9, benchmarks/harness.py) and of tests/test_figures.py.
#
# Every sentence was written for this benchmark: none comes from the five articles, and the
# topics are deliberately other events (floods, strikes, elections, prices), so the set
# measures how a tool does on text it has never seen.
#
# expected lists every figure a careful reader would count in the sentence, in order:
#   at:        the number as written (digits or words), used to find the figure in the sentence
#              (the first occurrence at or after the previous figure); a tool's figure matches
#              when its span overlaps this one
#   value:     the normalised value (3,700 -> 3700; 1.5bn -> 1.5e9; a fifth -> 0.2;
#              5% -> 5); null for vague quantities (dozens, hundreds, a handful)
#   qualifier: exact | at_least | at_most | approx | vague (issue 3's vocabulary)
#   unit:      count | percent | fraction | ratio | money | duration | distance | weight
#              (recorded, not scored)
#   counted:   for counts, what is counted (the noun phrase; a list gives accepted answers);
#              absent for measurements, where there is no counted noun to score
# Sentences with `expected: []` hold things that are NOT figures (dates, years, ordinals,
# times, phone and reference numbers, 'one' as a pronoun): any figure a tool reports there is
# a false positive.
# split records the history: test = the sentences written with the benchmark (issue 9) to
# measure the grammar; dev = the sentences written in issue 19 together with the grammar rules
# for their forms. The benchmark scores both.
# Moved from benchmarks/data/figures_labelled.yml (issue 18); the cases and labels are unchanged.
"""

SPEAKERS_COMMENT = """\
# Gold cases for lessons.corpus.quotes / lessons.text.quote_speaker: hand-written sentences
# (invented for this project; none from the five articles or any corpus), each with the
# speaker the helper must give each quotation, in order (nested quotations left out).
# expected [""] means the text names nobody for those words. Used by tests/test_text.py.
# split: dev for every case: the attribution grammar was written and fixed on them (issue 19).
# Moved from tests/fixtures/speakers.yml (issue 18); the cases and labels are unchanged.
"""

# helper -> (old file, new file, comment, source, rationale, old list key or None, old label key, split)
SPECS = {
    "language": ("data/language/heldout.yml", "data/gold/language.yml", LANGUAGE_COMMENT,
                 "Written for this book as a held-out test set; annotated by hand.", "Sentences unlike the articles, annotated by hand, to measure precision, recall and "
                 "voice on text the lexicon was not written for.", "items", "loaded", None),
    "figures": ("benchmarks/data/figures_labelled.yml", "data/gold/figures.yml", FIGURES_COMMENT,
                "Written for this book's figures benchmark (issues 9 and 19); labelled by hand.",
                "A labelled set of our own, so that accuracy is measured on held-out text.", None, "figures",
                "figures"),
    "speakers": ("tests/fixtures/speakers.yml", "data/gold/speakers.yml", SPEAKERS_COMMENT,
                 "Written for this book (issue 19); labelled by hand.", None, "cases", "speakers", "dev"),
}
# figures: the first 61 sentences were written with the benchmark (issue 9, commit a4342e2),
# the rest in issue 19 (commit b88f288)
FIGURES_TEST = 61


def _raw(source: str, node) -> str:
    """The YAML source of a value, as written, on one line (JSON, which YAML reads, if it spans lines)."""
    text = source[node.start_mark.index:node.end_mark.index]
    if "\n" not in text:
        return text
    return json.dumps(yaml.safe_load(text), ensure_ascii=False)


def _value(node, key):
    for k, v in node.value:
        if k.value == key:
            return v
    return None


def _comments(lines: list[str], start: int, end: int) -> list[str]:
    """Comment and blank lines between two cases (0-based, end excluded), re-indented."""
    out = []
    for line in lines[start:end]:
        s = line.strip()
        if not s:
            out.append("")
        elif s.startswith("#"):
            out.append("  " + s)
    return out


def convert(helper: str, old: Path, new: Path) -> int:
    _old, _new, comment, source, rationale, list_key, label_key, split = SPECS[helper]
    text = old.read_text(encoding="utf-8")
    lines = text.splitlines()
    root = yaml.compose(text)
    data = yaml.safe_load(text)
    seq = _value(root, list_key) if list_key else root
    source = source or data.get("source")
    rationale = rationale or data.get("rationale")
    out = [comment.rstrip("\n"), f"source: {json.dumps(source, ensure_ascii=False)}",
           f"rationale: {json.dumps(' '.join(rationale.split()), ensure_ascii=False)}",
           f"licence: {json.dumps(LICENCE)}", "cases:"]
    if list_key:  # the comments between 'items:' (or 'cases:') and the first case are kept
        previous_end = next(k for k, _ in root.value if k.value == list_key).start_mark.line + 1
    else:  # a bare list: the comments above the first case belong to the old header
        previous_end = seq.value[0].start_mark.line
    for number, item in enumerate(seq.value, 1):
        out += _comments(lines, previous_end, item.start_mark.line)
        previous_end = item.start_mark.line + 1
        case_split = (_value(item, "split").value if _value(item, "split") is not None
                      else "test" if helper == "language" else
                      ("test" if number <= FIGURES_TEST else "dev") if split == "figures" else split)
        out.append(f"  - text: {_raw(text, _value(item, 'text'))}")
        out.append(f"    split: {case_split}")
        labels = _value(item, label_key)
        if isinstance(labels, yaml.SequenceNode) and labels.flow_style:
            out.append(f"    expected: {_raw(text, labels)}")
        elif isinstance(labels, yaml.SequenceNode) and labels.value:
            out.append("    expected:")
            out += [f"      - {_raw(text, n)}" for n in labels.value]
        else:
            out.append("    expected: []")
    while out and out[-1] == "":
        out.pop()
    new.parent.mkdir(parents=True, exist_ok=True)
    new.write_text("\n".join(out) + "\n", encoding="utf-8")
    _verify(helper, data, list_key, label_key, new)
    return len(seq.value)


def _verify(helper, data, list_key, label_key, new: Path) -> None:
    """Stop unless every text and label in the new file is the old one."""
    old_items = data[list_key] if list_key else data
    new_cases = yaml.safe_load(new.read_text(encoding="utf-8"))["cases"]
    if len(old_items) != len(new_cases):
        sys.exit(f"{new}: {len(new_cases)} cases for {len(old_items)} in the old file")
    for n, (a, b) in enumerate(zip(old_items, new_cases), 1):
        if a["text"] != b["text"] or (a.get(label_key) or []) != b["expected"] or a.get("split", b["split"]) != b["split"]:
            sys.exit(f"{new}: case {n} differs from the old file")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("helpers", nargs="+", choices=sorted(SPECS))
    parser.add_argument("--from", dest="old", help="the old file (one helper only)")
    parser.add_argument("--to", dest="new", help="the new file (one helper only)")
    args = parser.parse_args(argv)
    if (args.old or args.new) and len(args.helpers) != 1:
        parser.error("--from and --to need exactly one helper")
    for helper in args.helpers:
        old = Path(args.old) if args.old else ROOT / SPECS[helper][0]
        new = Path(args.new) if args.new else ROOT / SPECS[helper][1]
        n = convert(helper, old, new)
        print(f"{helper}: {n} cases, {old} -> {new} (texts and labels checked equal)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

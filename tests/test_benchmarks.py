"""The benchmark harness (issue 9) works: scoring, corpora, page weight, and a tiny full run.

No timing is asserted here: speed goals live in benchmarks/results/REPORT.md.
"""

import json
import sys

import pytest

from lessons.corpus import load_articles
from lessons.datafiles import gold

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1] / "benchmarks"))

import harness as h  # noqa: E402
import run as bench_run  # noqa: E402


def _gold(text, *figs):
    out, pos = [], 0
    for at, value, qualifier, counted in figs:
        i = text.index(at, pos)
        out.append({"at": at, "start": i, "end": i + len(at), "value": value, "qualifier": qualifier,
                    "unit": None, "counted": counted})
        pos = i + len(at)
    return {"text": text, "figures": out}


def test_scoring_on_a_hand_made_example():
    labelled = [
        _gold("More than 40 sheep and dozens of goats escaped.",
              ("40", 40.0, "at_least", ["sheep"]), ("dozens", None, "vague", ["goats"])),
        _gold("The fair opened on 3 May 2019.")]  # no figure: anything reported is a false positive
    t = labelled[0]["text"]
    preds = [
        [{"start": t.index("More"), "end": t.index("40") + 2, "value": 40.0, "qualifier": "at_least", "counted": "the sheep"},
         {"start": t.index("dozens"), "end": t.index("dozens") + 6, "value": float("nan"), "qualifier": "approx", "counted": "goats escaped"}],
        [{"start": 24, "end": 28, "value": 2019.0, "qualifier": "exact", "counted": None}],
    ]
    s = h.score_figures(labelled, preds)
    assert (s["gold_figures"], s["found"], s["false_positives"]) == (2, 2, 1)
    assert s["recall"] == 1.0 and s["precision"] == pytest.approx(2 / 3)
    assert s["value_acc"] == 1.0          # NaN matches a vague (null) gold value
    assert s["qualifier_acc"] == 0.5      # 'approx' is not 'vague'
    assert s["counted_acc"] == 0.5        # determiner stripped: 'the sheep' is right; 'goats escaped' is not
    assert s["all_three_acc"] == 0.5
    assert [e["figure"] for e in s["errors"]] == ["dozens"]

    missed = h.score_figures(labelled, [[], []])
    assert missed["found"] == 0 and missed["value_acc"] == 0 and missed["counted_acc"] == 0
    with pytest.raises(ValueError):
        h.score_figures(labelled, [[]])


def test_labelled_set_is_held_out_and_well_formed():
    items = h.load_labelled()
    assert len(items) >= 50
    assert sum(len(i["figures"]) for i in items) >= 60
    assert sum(1 for i in items if not i["figures"]) >= 5      # negatives: dates, ordinals, ids
    qualifiers = {f["qualifier"] for i in items for f in i["figures"]}
    assert qualifiers == set(gold.QUALIFIERS)
    bodies = " ".join(load_articles()["body"])
    for i in items:  # written for the benchmark, not taken from the five articles
        assert i["text"][:40] not in bodies
        for f in i["figures"]:
            assert i["text"][f["start"]:f["end"]] == f["at"]


def test_load_labelled_names_the_bad_sentence(tmp_path):
    bad = tmp_path / "figures.yml"
    bad.write_text('source: x\nrationale: y\nlicence: z\ncases:\n  - text: "About 30 cats."\n    split: test\n'
                   '    expected:\n      - {at: "31", value: 31, qualifier: approx, unit: count}\n')
    with pytest.raises(ValueError, match=r"figures.yml, line 8, case 1, field expected\[1\].at: figure at: '31' not found"):
        h.load_labelled(bad)


def test_synthetic_corpus_plants_family_pairs_only():
    docs, planted = h.synthetic_corpus(12, family_size=5)
    assert len(docs) == 12 and len({d["article_id"] for d in docs}) == 12
    assert len(planted) == 10 + 10 + 1                      # families of 5, 5 and 2
    assert all(a[:5] == b[:5] for a, b in planted)          # same family prefix
    again, _ = h.synthetic_corpus(12, family_size=5)
    assert again == docs                                    # seeded: the same corpus every run
    assert h.pair_scores({("f0000m0", "f0000m1"), ("f0000m0", "f0001m0")}, planted) == \
        {"planted": 21, "found": 2, "true_pairs": 1, "recall": 1 / 21, "spurious": 1}


def test_stress_corpus_shares_boilerplate_everywhere_and_plants_family_pairs_only():
    docs, planted = h.stress_corpus(30, family_size=5)
    assert len(docs) == 30 and len({d["article_id"] for d in docs}) == 30
    assert len(planted) == 6 * 10 and all(a[:6] == b[:6] for a, b in planted)
    assert h.stress_corpus(30, family_size=5) == (docs, planted)        # seeded
    bodies = [d["body"] for d in docs]
    reports = " ".join(load_articles()["body"])
    # the three report sentences of an article are verbatim and recur across the corpus
    recurring = {s for b in bodies for s in b.replace("\n\n", " ").split(". ")
                 if len(s) > 60 and s in reports and sum(s in x for x in bodies) >= 5}
    assert recurring
    # stock phrases recur in most articles
    assert sum("said" in b for b in bodies) == 30
    assert h.growth_exponent([{"articles": 100, "seconds": 1.0}, {"articles": 800, "seconds": 8.0}]) == pytest.approx(1.0)


def test_page_weight_counts_local_files_and_lists_remote_ones(tmp_path):
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "a.js").write_text("x" * 100)
    (tmp_path / "_static" / "s.css").write_text("@font-face{src:url('f.woff2')}")
    (tmp_path / "_static" / "f.woff2").write_bytes(b"0" * 50)
    page = tmp_path / "p.html"
    page.write_text('<script src="_static/a.js"></script><link rel="stylesheet" href="_static/s.css">'
                    '<script src="https://cdn.example/x.js"></script><a href="other.html">x</a>')
    w = h.page_weight(page, tmp_path)
    assert w["loaded_files"] == 3
    assert w["loaded_bytes"] == 100 + len("@font-face{src:url('f.woff2')}") + 50
    assert w["remote"] == ["https://cdn.example/x.js"]
    assert h.largest_page(tmp_path)["page"] == "p.html"


def test_tiny_run_writes_the_report(tmp_path):
    assert bench_run.main(["--profile", "tiny", "--no-venv", "--out", str(tmp_path)]) == 0
    report = (tmp_path / "REPORT.md").read_text(encoding="utf-8")
    for section in ["# Benchmarks", "## Machine and versions", "## Goals",
                    "## Figures: `extract_figures` against quantulum3", "## Reuse:",
                    "## Loaded language", "## Adversarial text: growth of every public text function", "## The book", "### Chapter execution", "### Full build",
                    "### The largest page", "### Environment size", "## How to reproduce"]:
        assert section in report, section
    assert "| 10 |" in report and "| 20 |" in report     # both corpus sizes in the reuse table
    raw = json.loads((tmp_path / "raw.json").read_text())
    ours = raw["helpers"]["figures"]["lessons.figures"]
    assert ours["accuracy"]["gold_figures"] >= 60 and ours["sentences_per_s"] > 0
    assert [r["articles"] for r in raw["helpers"]["reuse"]] == [10, 20]
    assert all(r["recall"] > 0 for r in raw["helpers"]["reuse"])
    assert raw["helpers"]["language"][0]["terms"] > 0
    adv = raw["helpers"]["adversarial"]  # the tiny profile: two functions on every adversarial input
    assert {r["function"] for r in adv} == {"corpus.sentences", "figures.attributions"}
    assert all(r["big_chars"] > r["small_chars"] > 0 and r["big_s"] >= 0 for r in adv)
    assert all(len(r["sizes"]) == len(r["cold_s"]) == len(r["warm_s"]) == 3 and r["sizes"] == sorted(r["sizes"])
               and r["repeats"] >= 1 and r["cold_exponent"] == r["cold_exponent"] for r in adv)  # the fitted measurement
    assert "cold exponent" in report
    assert "text functions: growth exponent" in report
    corpora = raw["helpers"]["reuse_corpora"]
    assert {(r["corpus"], r["articles"]) for r in corpora} == {("stress", 10), ("stress", 20), ("synthetic", 10), ("synthetic", 20)}
    assert all(r["words_per_s"] > 0 and r["recall"] > 0 for r in corpora)
    assert "## Reuse on real-shaped corpora" in report and "### A large archive" in report


# --------------------------------------------------------------------------- loaded language on the development set
import devset_language as dev  # noqa: E402


def test_devset_scoring_on_a_hand_made_example(tmp_path):
    csv_text = ("\ufefftext;news_link;outlet;topic;type;label_bias;label_opinion;biased_words\n"
                "The mayor's thugs looted a bizarre shop.;x;y;z;w;Biased;o;['thugs', 'looted']\n"
                "The council met on Tuesday.;x;y;z;w;Non-biased;o;[]\n"
                "A riot broke out.;x;y;z;w;Non-biased;o;[]\n"
                "Unclear.;x;y;z;w;No agreement;o;[]\n")
    path = tmp_path / "babe.csv"
    path.write_text(csv_text, encoding="utf-8")
    items = dev.load_babe(path)
    assert [i["biased"] for i in items] == [True, False, False]      # 'No agreement' is left out
    assert items[0]["words"] == ["looted", "thugs"]

    def finder(text):  # flags 'thugs' and 'bizarre' in the first sentence, 'riot' in the third
        out = []
        for w in ("thugs", "bizarre", "riot"):
            at = text.find(w)
            if at >= 0:
                out.append((at, at + len(w)))
        return out

    s = dev.score(items, finder)
    assert s["biased_words"] == 2 and s["recall"] == 0.5              # 'looted' missed
    assert s["flagged_in_biased"] == 2 and s["annotated"] == 0.5      # 'bizarre' is not annotated
    assert s["nonbiased"] == 2 and s["nonbiased_flagged"] == 0.5      # the riot sentence
    assert s["nonbiased_reporter_flagged"] is None                    # this finder says nothing of voice

    def voiced(text):  # the same spans, 'riot' in the Non-biased sentence given to someone else
        return [(a, b, "attributed" if text[a:b] == "riot" else "reporter") for a, b in finder(text)]

    v = dev.score(items, voiced)
    assert v["nonbiased_flagged"] == 0.5 and v["nonbiased_reporter_flagged"] == 0.0
    assert (v["recall"], v["annotated"]) == (s["recall"], s["annotated"])
    assert dev.score(items, lambda t: [(a, b, "reporter") for a, b in finder(t)])["nonbiased_reporter_flagged"] == 0.5


def test_devset_word_lists_are_parsed_never_run(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("text;label_bias;biased_words\nA b.;Biased;__import__('os')\n", encoding="utf-8")
    with pytest.raises(ValueError, match="row 2: field 'biased_words' is not a list"):
        dev.load_babe(path)


def test_devset_section_skips_cleanly_without_shared(tmp_path, monkeypatch):
    monkeypatch.setenv("LESSONS_DEV_DATA", str(tmp_path))
    monkeypatch.setattr(dev, "ROOT", tmp_path / "repo")          # no ../shared beside it
    assert dev.dev_dir() is None
    res = dev.run()
    assert "skipped" in res and "lessons" not in res
    assert res["heldout"]["test"]["items"] >= 30                  # the project's own held-out set still runs
    text = "\n".join(dev.render(res))
    assert "BABE skipped" in text and "voice right" in text
    rows = dev.goal_rows(res, lambda ok: "met" if ok else "not met")
    assert len(rows) == 3 and all(r[2] == "n/a" for r in rows)
    measured = {"lessons": {"recall": 0.6, "annotated": 0.5, "nonbiased_flagged": 0.1}}
    assert [r[2] for r in dev.goal_rows(measured, lambda ok: "met" if ok else "not met")] == ["met", "not met", "met"]


def test_devset_halves_are_fixed_and_reported():
    texts = [f"Sentence number {i} about the council." for i in range(200)]
    halves = [dev.half_of(t) for t in texts]
    assert set(halves) == {"look", "check"}
    assert 60 <= halves.count("look") <= 140                      # a random half, not all of one kind
    assert halves == [dev.half_of(t) for t in texts]              # the same split on every run
    r = {"sentences": 10, "biased_words": 4, "recall": 0.5, "flagged_in_biased": 3, "annotated": 0.75,
         "nonbiased": 5, "nonbiased_flagged": 0.2, "cpu_seconds": 0.1}
    res = {"heldout": {}, "lessons": r, "vader": None, "halves": {"look": r, "check": r}}
    text = "\n".join(dev.render(res))
    assert "half whose errors were read (10 sentences) | 50% | 75%" in text
    assert "half never looked at (10 sentences) | 50% | 75% (3 flagged) | 20%" in text
    assert "reporter's voice" not in text.split("| goal |")[0]          # the goal row itself is kept as it was
    assert "| Non-biased sentences with a flag in the reporter's voice (lessons) | | | n/a (look half n/a" in text
    voiced = dict(r, nonbiased_reporter_flagged=0.14)
    res = {"heldout": {}, "lessons": voiced, "vader": None, "halves": {"look": voiced, "check": dict(r, nonbiased_reporter_flagged=0.18)}}
    text = "\n".join(dev.render(res))
    assert "| ≤ 20% |" in text and "reporter's voice (lessons) | | | 14% (look half 14%, check half 18%) | |" in text


def test_same_output_saves_then_finds_a_changed_case(tmp_path):
    """One old-vs-new machinery for every case set: identical output passes, a changed frame or
    list fails, a case missing from the saved file fails."""
    import pandas as pd
    import same_output as so

    frame = pd.DataFrame({"a": [1, 2]})
    cases = [("frame", lambda: frame), ("lists", lambda: [[(0, 3, "he")]])]
    lines = []
    assert so.run(cases, save=tmp_path / "before", out=lines.append) == 0
    assert lines == ["saved: frame: 2 rows (0.00 CPU s)", "saved: lists: 1 rows (0.00 CPU s)"]
    assert so.run(cases, check=tmp_path / "before", out=lines.append) == 0
    changed = [("frame", lambda: frame.astype(float)), ("lists", lambda: [[(0, 3, "she")]]), ("new", lambda: [])]
    lines.clear()
    assert so.run(changed, check=tmp_path / "before", out=lines.append) == 1
    assert [line.split(":")[0] for line in lines] == ["DIFFERENT"] * 3
    (tmp_path / "folder").mkdir()
    assert so.run(cases, save=tmp_path / "folder", out=lines.append) == 0
    assert (tmp_path / "folder" / "outputs.pkl").exists()
    assert set(so.CASES) == {"reuse", "speakers", "figures", "quotes"}


def test_partial_runs_keep_each_sections_own_date():
    """Two partial runs in a row: the first run's section still names its own run."""
    full = {"date": "2026-01-01 09:00", "commit": "aaa"}
    first = {"date": "2026-01-02 10:00", "commit": "bbb"}
    m1 = {**first, **bench_run.partial_provenance(full, ["speakers"], first)}
    second = {"date": "2026-01-03 11:00", "commit": "ccc"}
    m2 = bench_run.partial_provenance(m1, ["language_dev"], second)
    assert m2["measured"] == {"speakers": "2026-01-02 10:00, bbb", "language_dev": "2026-01-03 11:00, ccc"}
    assert m2["full_run_date"] == "2026-01-01 09:00"
    assert "speakers (2026-01-02 10:00, bbb)" in m2["partial"] and "full run of 2026-01-01 09:00" in m2["partial"]


def test_chapters_goal_is_judged_on_kernel_cpu_when_the_machine_was_shared():
    """Wall 1.8x under load but 1.2x in the kernel's CPU time: met, and the row says why;
    on a free machine the same rows are judged on wall time, so not met."""
    row = {"chapter": "c.ipynb", "seconds": 9.0, "floor_seconds": 5.0, "ratio": 1.8, "cold_seconds": 9.5,
           "cold_ratio": 1.9, "cpu_seconds": 3.6, "floor_cpu_seconds": 3.0, "cpu_ratio": 1.2, "cores": 2}
    goal = [g for g in bench_run.goals({}, {"chapters": [{**row, "load": 4.5}]}) if g[0].startswith("chapters")][0]
    assert "judged on CPU" in goal[1] and "1.20×" in goal[1] and "not" not in goal[2]
    goal = [g for g in bench_run.goals({}, {"chapters": [{**row, "load": 0.5}]}) if g[0].startswith("chapters")][0]
    assert "judged on CPU" not in goal[1] and "not met" in goal[2]



def test_figures_dev_reads_a_hashed_label_and_refuses_the_held_out_errors():
    # a counted label of four or more words is stored as '#' + a hash of it (decision 53)
    import hashlib

    import figures_dev as fd

    phrase = "retired bus and tram drivers"
    hashed = "#" + hashlib.sha1(phrase.encode()).hexdigest()[:12]
    gold_fig = [{"span": [0, 3], "value": 40, "qualifier": "exact", "unit": "count", "counted": [hashed, "drivers"]}]
    pred = {"start": 0, "end": 2, "value": 40.0, "qualifier": "exact", "unit": "count",
            "counted": "Retired bus and tram drivers", "measures": "Retired bus and tram drivers"}
    assert fd.score([(gold_fig, [pred])])["counted"] == 1.0
    assert fd.score([(gold_fig, [dict(pred, counted="bus", measures="bus")])])["counted"] == 0.0
    with pytest.raises(SystemExit):
        fd.print_errors(fd.HELD_OUT)

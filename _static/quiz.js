/*
 * quiz.js: makes the static exercises of the book interactive.
 *
 * Every `.lx-quiz` element (written by lessons.exercises.static_html) carries its rules
 * as JSON in `data-lx`. The checking below follows lessons.exercises.check exactly (same
 * rules, same messages); tests/test_exercises.py runs both on the same cases with node.
 * The key (answer, per-option feedback, explanation) is not in the page in plain text: it is
 * in `k`, XOR-ed with a keystream seeded from the exercise and base64-encoded (see
 * lessons.exercises.page_rules); decode() restores it. Answers are kept in localStorage
 * (key "lx:v1:<book>:<page>:<exercise id>", with the exercise's version so a changed
 * exercise does not restore a stale answer) and restored with their feedback on reload.
 * No dependencies, no network. Safe to load twice and to call init() again.
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  }
  if (typeof window !== "undefined" && typeof document !== "undefined") {
    if (window.lxQuiz && window.lxQuiz.initAll) {
      window.lxQuiz.initAll(document);
      return;
    }
    window.lxQuiz = api;
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", function () { api.initAll(document); });
    } else {
      api.initAll(document);
    }
  }
})(this, function () {
  "use strict";

  var OK = "\u2713";
  var NO = "\u2717";
  var TYPES = ["choice", "multi", "numeric", "words", "text"];

  // ---------------------------------------------------------------- text helpers
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
  // 'the right answer', 'both words', 'all 3 words' (as lessons.exercises._all_of)
  function allOf(n, word) {
    if (n === 1) { return "the " + word; }
    return n === 2 ? "both " + word + "s" : "all " + plural(n, word);
  }
  function quoteList(items) {
    return items.map(function (x) { return "\u201c" + x + "\u201d"; }).join(", ");
  }
  function straightApostrophes(s) { return s.replace(/[\u2019\u2018\u02bc`]/g, "'"); }

  var TOKEN_RE = /[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*/gu;
  function tokens(text) {
    var t = straightApostrophes(String(text).normalize("NFC")).toLowerCase();
    return t.match(TOKEN_RE) || [];
  }
  // key words (exercises.key_tokens, key_stem): numbers whole as written ('2,300'), a number
  // without its commas, a word without its inflection (exercises.inflection_base, the same
  // rule) then its first 5 letters
  var KEY_TOKEN_RE = /[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+\.[0-9]+|[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*/gu;
  function keyTokens(text) {
    var t = straightApostrophes(String(text).normalize("NFC")).toLowerCase();
    return t.match(KEY_TOKEN_RE) || [];
  }
  function inflectionBase(word) {
    var w = Array.from(word);  // letters, as Python counts them
    var ends = function (end) { return w.slice(-end.length).join("") === end && w.length >= end.length; };
    if (w.length > 4 && ends("ies")) { w = w.slice(0, -3).concat(["y"]); }
    else if (w.length > 4 && ["ches", "shes", "sses", "xes", "zes"].some(ends)) { w = w.slice(0, -2); }
    else if (w.length > 3 && ends("s") && !ends("ss")) { w = w.slice(0, -1); }
    var verb = ["ing", "ed", "er"];
    for (var i = 0; i < verb.length; i++) {
      if (ends(verb[i]) && w.length - verb[i].length >= 3) {
        w = w.slice(0, -verb[i].length);
        var n = w.length;
        if (n >= 4 && w[n - 1] === w[n - 2] && "lsfz".indexOf(w[n - 1]) < 0) { w = w.slice(0, -1); }
        return w.join("");
      }
    }
    return (w.length > 3 && ends("e") ? w.slice(0, -1) : w).join("");
  }
  function keyStem(token) {
    if (/\p{Nd}/u.test(token)) { return token.replace(/,/g, ""); }
    return Array.from(inflectionBase(token)).slice(0, 5).join("");
  }
  function stem(token) {
    return /\p{Nd}/u.test(token) ? token : Array.from(token).slice(0, 5).join("");
  }

  var SMALL = {};
  ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen " +
   "fifteen sixteen seventeen eighteen nineteen").split(" ").forEach(function (w, i) { SMALL[w] = i; });
  "twenty thirty forty fifty sixty seventy eighty ninety".split(" ").forEach(function (w, i) {
    SMALL[w] = 10 * (i + 2);
  });
  var SCALES = { thousand: 1000, million: 1000000 };
  function has(obj, k) { return Object.prototype.hasOwnProperty.call(obj, k); }

  function numberFromWords(text) {
    var toks = text.split(/[ -]+/).filter(function (t) { return t; });
    if (!toks.length || toks.length > 12 || !has(SMALL, toks[0])) { return [null, ""]; }
    var unit = "";
    var last = toks[toks.length - 1];
    if (!has(SMALL, last) && !has(SCALES, last) && last !== "hundred" && last !== "and") {
      unit = toks.pop();
      if (!/^[a-z]{1,20}$/.test(unit)) { return [null, ""]; }
    }
    var total = 0, cur = 0;
    for (var i = 0; i < toks.length; i++) {
      var t = toks[i];
      if (t === "and") { continue; }
      if (has(SMALL, t)) { cur += SMALL[t]; }
      else if (t === "hundred") { cur = Math.max(cur, 1) * 100; }
      else if (has(SCALES, t)) { total += Math.max(cur, 1) * SCALES[t]; cur = 0; }
      else { return [null, ""]; }
    }
    return [total + cur, unit];
  }

  // [number or null, unit word]: like lessons.exercises.parse_quantity
  function parseQuantity(value) {
    if (value === null || value === undefined || typeof value === "boolean") { return [null, ""]; }
    if (typeof value === "number") { return [isFinite(value) ? value : null, ""]; }
    var text = String(value);
    if (text.length > 200) { return [null, ""]; }
    var low = text.replace(/\s+/g, " ").trim().toLowerCase();
    if (/^\p{L}/u.test(low)) { return numberFromWords(low); }
    var s = text.replace(/\s+/g, "").replace(/\u2212/g, "-");
    var unit = "";
    var m = /^(.*[0-9%])([a-z]{1,20})$/.exec(s.toLowerCase());
    if (m) { s = s.slice(0, m[1].length); unit = m[2]; }
    if (s.slice(-1) === "%") { s = s.slice(0, -1); }
    if (/^[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$/.test(s)) {
      s = s.replace(/,/g, "");
    } else if (/^[+-]?[0-9]+,[0-9]+$/.test(s)) {
      s = s.replace(",", ".");
    }
    if (!/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$/.test(s)) { return [null, ""]; }
    return [parseFloat(s), unit];
  }
  function parseNumber(value) { return parseQuantity(value)[0]; }

  function looseStem(token) {
    if (Array.from(token).length > 3 && /s$/.test(token) && !/ss$/.test(token)) {
      token = token.slice(0, -1);
    }
    return stem(token);
  }
  var QUOTED_RE = /"[^"\n]{0,300}"|\u201c[^\u201d\n]{0,300}\u201d|\u2018[^\u2019\n]{0,300}\u2019/g;
  // exercises.lexicon_left: the lexicon's forms in `text` as tokens, outside quotation marks,
  // the longest form first at each place
  var formIndexCache = { forms: null, index: null };
  function formIndex(forms) {
    if (formIndexCache.forms === forms) { return formIndexCache.index; }
    var index = Object.create(null);
    forms.forEach(function (form) {
      var toks = tokens(form);
      if (!toks.length) { return; }
      if (!index[toks[0]]) { index[toks[0]] = []; }
      index[toks[0]].push(toks);
    });
    Object.keys(index).forEach(function (k) {
      index[k].sort(function (a, b) { return b.length - a.length; });  // stable: ties keep list order
    });
    formIndexCache = { forms: forms, index: index };
    return index;
  }
  // exercises._rules: {"from": "lexicon"}, the lexicon's forms that the book writes once, as
  // one '|'-joined string, to _static/lx-lexicon-forms.js (window.lxLoadedForms; linked from
  // each page with a rewrite exercise, before this file runs a check). Without that file, as
  // in the kernel without the lexicon, only the exercise's own words are checked. An older
  // page carries the string itself, or a list.
  var sharedForms = null;
  var loadedFormsCache = { text: null, forms: [] };
  function setLoadedForms(text) { sharedForms = typeof text === "string" ? text : null; }
  function loadedForms(value) {
    if (Array.isArray(value)) { return value; }
    if (value && typeof value === "object" && value.from === "lexicon") {
      if (sharedForms === null && typeof window !== "undefined") { setLoadedForms(window.lxLoadedForms); }
      value = sharedForms;
    }
    if (typeof value !== "string" || !value) { return []; }
    if (loadedFormsCache.text !== value) {
      loadedFormsCache = { text: value, forms: value.split("|") };
    }
    return loadedFormsCache.forms;
  }
  function lexiconLeft(text, forms) {
    var seq = tokens(Array.from(String(text)).slice(0, 5000).join("").replace(QUOTED_RE, " "));
    var index = formIndex(forms || []);
    var out = [];
    var i = 0;
    while (i < seq.length) {
      var step = 1;
      var cands = index[seq[i]] || [];
      for (var c = 0; c < cands.length; c++) {
        var want = cands[c], ok = i + want.length <= seq.length;
        for (var j = 0; ok && j < want.length; j++) { if (seq[i + j] !== want[j]) { ok = false; } }
        if (ok) {
          var found = want.join(" ");
          if (out.indexOf(found) < 0) { out.push(found); }
          step = want.length;
          break;
        }
      }
      i += step;
    }
    return out;
  }
  // exercises.still_loaded: the exercise's own words, then other words of the lexicon
  function stillLoaded(text, avoid, forms) {
    var kept = loadedLeft(text, avoid);
    lexiconLeft(text, forms).forEach(function (found) {
      var named = kept.some(function (k) {
        var low = String(k).toLowerCase();
        return low.indexOf(found) >= 0 || found.indexOf(low) >= 0;
      });
      if (!named) { kept.push(found); }
    });
    return kept;
  }
  // which of `terms` are still in `text` (by stem), outside quotation marks
  function loadedLeft(text, terms) {
    var bare = Array.from(String(text)).slice(0, 5000).join("").replace(QUOTED_RE, " ");
    var seq = tokens(bare).map(looseStem);
    var out = [];
    (terms || []).forEach(function (term) {
      var want = tokens(term).map(looseStem);
      var n = want.length;
      if (!n || out.indexOf(term) >= 0) { return; }
      for (var i = 0; i + n <= seq.length; i++) {
        var ok = true;
        for (var j = 0; j < n; j++) { if (seq[i + j] !== want[j]) { ok = false; break; } }
        if (ok) { out.push(term); return; }
      }
    });
    return out;
  }

  function result(correct, status, message, extra) {
    var r = { correct: correct, status: status, message: message };
    Object.keys(extra || {}).forEach(function (k) { r[k] = extra[k]; });
    return r;
  }

  // ---------------------------------------------------------------- checking
  var rules = {
    choice: function (ex, response) {
      if (response === null || response === undefined || response === "") {
        return result(false, "empty", "Choose an answer first.", { chosen: null });
      }
      var i = parseInt(response, 10);
      if (isNaN(i)) {
        return result(false, "invalid", NO + " That is not one of the options.", { chosen: null });
      }
      var fb = ex.feedback || [];
      var note = (i >= 0 && i < fb.length && fb[i].trim()) ? fb[i] : "";
      // answer: one index, or a list when several options are defensible
      if (Array.isArray(ex.answer) ? ex.answer.indexOf(i) >= 0 : i === ex.answer) {
        return result(true, "correct", OK + " Correct." + (note ? " " + note : ""), { chosen: i });
      }
      return result(false, "incorrect",
        NO + " Not quite." + (note ? " " + note : " Try again."), { chosen: i });
    },

    multi: function (ex, response) {
      var seen = {};
      var chosen = [];
      (response || []).forEach(function (x) {
        var n = parseInt(x, 10);
        if (!isNaN(n) && !seen[n]) { seen[n] = true; chosen.push(n); }
      });
      chosen.sort(function (a, b) { return a - b; });
      var key = {};
      ex.answer.forEach(function (a) { key[a] = true; });
      var optional = {};
      (ex.optional || []).forEach(function (a) { optional[a] = true; });
      var right = chosen.filter(function (i) { return key[i]; });
      var wrong = chosen.filter(function (i) { return !key[i] && !optional[i]; });
      var missing = ex.answer.filter(function (a) { return !seen[a]; })
        .sort(function (a, b) { return a - b; });
      var fb = ex.feedback || [];
      var all = chosen.concat(missing).sort(function (a, b) { return a - b; });
      var notes = all.filter(function (i) {
        return i >= 0 && i < fb.length && fb[i].trim();
      }).map(function (i) { return { option: i, chosen: !!seen[i], text: fb[i] }; });
      var extra = { right: right, missing: missing, wrong: wrong, notes: notes };
      var nKey = ex.answer.length;
      if (!chosen.length) {
        return result(false, "empty", "Choose at least one answer first.",
          { right: [], missing: missing, wrong: [], notes: [] });
      }
      if (!wrong.length && !missing.length) {
        return result(true, "correct",
          OK + " Correct: you chose " + allOf(nKey, "right answer") + ".", extra);
      }
      var opts = ex.options || [];
      var parts = [right.length + " of " + plural(nKey, "right answer") + " chosen"];
      if (missing.length) { parts.push(missing.length + " missing"); }
      if (wrong.length) {
        parts.push(wrong.length + " wrong: " + quoteList(wrong.map(function (i) {
          return (i >= 0 && i < opts.length) ? opts[i] : String(i);
        })));
      }
      return result(false, right.length ? "partial" : "incorrect",
        NO + " Not yet: " + parts.join("; ") + ".", extra);
    },

    numeric: function (ex, response) {
      if (response === null || response === undefined ||
          (typeof response === "string" && !response.trim())) {
        return result(false, "empty", "Type a number first.", { value: null });
      }
      var q = parseQuantity(response);
      var value = q[0], unit = q[1];
      if (value === null) {
        var shown = Array.from(String(response).trim());
        if (shown.length > 40) { shown = shown.slice(0, 39).concat(["\u2026"]); }
        return result(false, "invalid", NO + " \u201c" + shown.join("") +
          "\u201d is not a number. Type digits only, for example 3000 or 3,000.", { value: null });
      }
      var want = ex.unit || "";
      if (unit && want && unit.replace(/s+$/, "") !== want.replace(/s+$/, "")) {
        return result(false, "invalid", NO + " The question asks for " + want + ", not " +
          unit + ".", { value: value });
      }
      var tol = Number(ex.tolerance || 0);
      var target = Number(ex.answer);
      if (Math.abs(value - target) <= tol + 1e-9 * Math.max(1, Math.abs(target))) {
        return result(true, "correct", OK + " Correct.", { value: value });
      }
      return result(false, "incorrect",
        NO + " Not quite: your answer is too " + (value > target ? "high" : "low") + ".",
        { value: value });
    },

    // response: the marked words, already normalised (data-word of each pressed button)
    words: function (ex, response) {
      var marked = [];
      (response || []).forEach(function (w) {
        if (w && marked.indexOf(w) < 0) { marked.push(w); }
      });
      var key = ex.answer;
      var optional = ex.optional || [];
      var found = key.filter(function (w) { return marked.indexOf(w) >= 0; });
      var missed = key.filter(function (w) { return marked.indexOf(w) < 0; });
      var extraW = marked.filter(function (w) {
        return key.indexOf(w) < 0 && optional.indexOf(w) < 0;
      });
      var extra = { found: found, missed: missed, extra: extraW };
      if (!marked.length) {
        return result(false, "empty", "Mark at least one word first.", extra);
      }
      if (!missed.length && !extraW.length) {
        return result(true, "correct",
          OK + " Correct: you found " + allOf(key.length, "word") + ".", extra);
      }
      var parts = ["you found " + found.length + " of " + plural(key.length, "word") +
        (found.length ? " (" + quoteList(found) + ")" : "")];
      if (missed.length) { parts.push(missed.length + " still to find"); }
      if (extraW.length) { parts.push("not in the key: " + quoteList(extraW)); }
      return result(false, found.length ? "partial" : "incorrect",
        NO + " Not yet: " + parts.join("; ") + ".", extra);
    },

    text: function (ex, response) {
      var models = ex.models || [];
      var keys = ex.keywords || [];
      var allWords = keys.map(function (k) { return k.word; });
      var text = (response === null || response === undefined) ? "" : String(response);
      if (!text.trim()) {
        return result(false, "empty", "Write your answer first.",
          { model_answers: models, keywords: allWords, used: [] });
      }
      var stems = {};
      keyTokens(text.slice(0, 20000)).forEach(function (t) { stems[keyStem(t)] = true; });
      var used = keys.filter(function (k) {
        return (k.stems || [k.stem]).some(function (s) { return stems[s]; });
      }).map(function (k) { return k.word; });
      var rewrite = has(ex, "original") || has(ex, "avoid");
      if (rewrite) {
        var kept = stillLoaded(text, ex.avoid || [], has(ex, "avoid") ? loadedForms(ex.loaded) : []);
        if (kept.length) {
          return result(false, "incorrect", NO + " Still loaded: " + quoteList(kept) +
            ". Say what happened instead, or quote the words and say whose they are.",
            { model_answers: models, keywords: allWords, used: used, kept: kept });
        }
        if (tokens(text).join(" ") === tokens(ex.original || "").join(" ")) {
          return result(false, "incorrect", NO + " That is the original sentence. Rewrite it.",
            { model_answers: models, keywords: allWords, used: used, kept: [] });
        }
      }
      var msg = "Compare your answer with the model " +
        (models.length === 1 ? "answer" : "answers") + ".";
      if (has(ex, "avoid")) { msg = OK + " No loaded word left. " + msg; }
      if (keys.length) {
        msg += " You mentioned " + used.length + " of the " + plural(keys.length, "idea") +
          " a good answer usually has" + (used.length ? ": " + used.join(", ") + "." : ".");
      }
      var extraT = { model_answers: models, keywords: allWords, used: used };
      if (rewrite) { extraT.kept = []; }
      return result(true, "answered", msg, extraT);
    }
  };

  function check(ex, response) {
    var fn = rules[ex.type];
    if (!fn) { throw new Error("unknown exercise type: " + ex.type); }
    return fn(ex, response);
  }

  // ---------------------------------------------------------------- encoded key
  function keystream(seed, n) {
    var x = seed >>> 0;
    var out = new Uint8Array(n);
    for (var i = 0; i < n; i++) {
      x ^= x << 13; x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5; x >>>= 0;
      out[i] = x & 0xff;
    }
    return out;
  }
  function decode(pub) {
    var bin = atob(pub.k);
    var bytes = new Uint8Array(bin.length);
    var ks = keystream(pub.s, bin.length);
    for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i) ^ ks[i]; }
    var secret = JSON.parse(new TextDecoder("utf-8").decode(bytes));
    var out = {};
    Object.keys(pub).forEach(function (k) { if (k !== "k") { out[k] = pub[k]; } });
    Object.keys(secret).forEach(function (k) { out[k] = secret[k]; });
    return out;
  }

  // ---------------------------------------------------------------- storage
  var PREFIX = "lx:v1:";
  var storeState = { ok: null };
  function storage() {
    try {
      var ls = window.localStorage;
      var probe = PREFIX + "probe";
      ls.setItem(probe, "1");
      ls.removeItem(probe);
      storeState.ok = true;
      return ls;
    } catch (err) {
      storeState.ok = false;
      return null;
    }
  }
  function pagePath() {
    // the page's path inside the book ("chapters/01_one_speech"), on a web server and from file://
    var here = location.href.split("#")[0].split("?")[0];
    var rootAttr = document.documentElement.getAttribute("data-content_root");
    var rel = here.split("/").pop();
    if (rootAttr !== null) {
      try {
        var base = new URL(rootAttr || "./", here).href;
        if (here.indexOf(base) === 0) { rel = here.slice(base.length); }
      } catch (err) { /* keep the file name */ }
    }
    return decodeURIComponent(rel).replace(/\.html$/, "") || "index";
  }
  function pageTitle() {
    var h = document.querySelector("main h1, article h1, h1");
    return h ? h.textContent.replace(/[#\u00b6]\s*$/, "").trim() : document.title;
  }
  function recordKey(ex) { return PREFIX + ex.book + ":" + pagePath() + ":" + ex.id; }
  function readJSON(ls, key) {
    try { return JSON.parse(ls.getItem(key) || "null"); } catch (err) { return null; }
  }
  function writeJSON(ls, key, value) {
    try { ls.setItem(key, JSON.stringify(value)); return true; } catch (err) { return false; }
  }
  function registerPage(ls, ex) {
    var key = PREFIX + ex.book + ":_page:" + pagePath();
    var page = readJSON(ls, key) || {};
    var ids = Array.isArray(page.ids) ? page.ids : [];
    if (ids.indexOf(ex.id) < 0) { ids.push(ex.id); }
    writeJSON(ls, key, { page: pagePath(), title: pageTitle(), url: location.href.split("#")[0],
      ids: ids, book_version: ex.bv || "" });
  }
  // the answer as the student sees it (option texts, marked words), for the My answers page
  function answerText(ex, response) {
    var opts = ex.options || [];
    if (ex.type === "choice") { return opts[response] === undefined ? "" : opts[response]; }
    if (ex.type === "multi") {  // as exercises.join_options: each option in quotation marks
      return quoteList((response || []).map(function (i) { return opts[i]; }));
    }
    if (ex.type === "words") { return (response || []).join(", "); }
    return String(response === null || response === undefined ? "" : response);
  }
  function saveRecord(ex, response, res) {
    var ls = storage();
    if (!ls) { return false; }
    var rec = {
      id: ex.id, ver: ex.ver, type: ex.type, page: pagePath(), title: pageTitle(),
      prompt: ex.prompt || "", response: response, answer_text: answerText(ex, response),
      status: res.status, correct: res.correct,
      message: res.message, saved: new Date().toISOString(), book_version: ex.bv || ""
    };
    if (res.notes) {  // each note with the words the quiz shows before it, for My answers
      rec.notes = res.notes.map(function (n) {
        return { option: n.option, chosen: n.chosen, text: n.text, label: noteLabel(n, ex.options || []) };
      });
    }
    return writeJSON(ls, recordKey(ex), rec);
  }

  // ---------------------------------------------------------------- DOM
  function responseOf(el, ex) {
    var i;
    if (ex.type === "choice") {
      var picked = el.querySelector("input[type=radio]:checked");
      return picked ? parseInt(picked.value, 10) : null;
    }
    if (ex.type === "multi") {
      var boxes = el.querySelectorAll("input[type=checkbox]:checked");
      var out = [];
      for (i = 0; i < boxes.length; i++) { out.push(parseInt(boxes[i].value, 10)); }
      return out;
    }
    if (ex.type === "words") {
      var pressed = el.querySelectorAll(".lx-word[aria-pressed=true]");
      var words = [];
      for (i = 0; i < pressed.length; i++) { words.push(pressed[i].getAttribute("data-word")); }
      return words;
    }
    var field = el.querySelector(ex.type === "text" ? "textarea" : "input.lx-number");
    return field ? field.value : "";
  }

  function setResponse(el, ex, response) {
    var i;
    if (ex.type === "choice") {
      var radios = el.querySelectorAll("input[type=radio]");
      for (i = 0; i < radios.length; i++) {
        radios[i].checked = parseInt(radios[i].value, 10) === response;
      }
    } else if (ex.type === "multi") {
      var boxes = el.querySelectorAll("input[type=checkbox]");
      var chosen = Array.isArray(response) ? response : [];
      for (i = 0; i < boxes.length; i++) {
        boxes[i].checked = chosen.indexOf(parseInt(boxes[i].value, 10)) >= 0;
      }
    } else if (ex.type === "words") {
      var words = el.querySelectorAll(".lx-word");
      var marked = Array.isArray(response) ? response : [];
      for (i = 0; i < words.length; i++) {
        words[i].setAttribute("aria-pressed",
          marked.indexOf(words[i].getAttribute("data-word")) >= 0 ? "true" : "false");
      }
    } else {
      var field = el.querySelector(ex.type === "text" ? "textarea" : "input.lx-number");
      if (field && (typeof response === "string" || typeof response === "number")) {
        field.value = String(response);
      }
    }
  }

  function addParagraph(parent, cls, text) {
    var p = document.createElement("p");
    p.className = cls;
    p.textContent = text;
    parent.appendChild(p);
    return p;
  }
  // text with blank lines as paragraphs (like lessons.exercises._para), always as text
  function addParagraphs(parent, cls, text) {
    String(text || "").trim().split(/\n\s*\n/).forEach(function (para) {
      if (para.trim()) { addParagraph(parent, cls, para.trim()); }
    });
  }
  function addModels(parent, models) {
    (models || []).forEach(function (m) {
      var q = document.createElement("blockquote");
      q.className = "lx-model";
      addParagraphs(q, "", m);
      parent.appendChild(q);
    });
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  function fillReveal(el, ex) {
    var body = el.querySelector(".lx-reveal-body");
    var reveal = ex.reveal || {};
    if (!body || body.getAttribute("data-filled") === "1") { return; }
    body.setAttribute("data-filled", "1");
    if (ex.type === "text") {
      var label = addParagraph(body, "lx-answer-label", "");
      var strong = document.createElement("strong");
      strong.textContent = "Model answer:";
      label.appendChild(strong);
      addModels(body, ex.models);
    } else {
      var p = addParagraph(body, "lx-answer", "");
      var b = document.createElement("strong");
      b.textContent = "Answer: ";
      p.appendChild(b);
      p.appendChild(document.createTextNode(reveal.answer || ""));
    }
    addParagraphs(body, "lx-explanation", reveal.explanation);
    var src = addParagraph(body, "lx-source", "");
    var sb = document.createElement("strong");
    sb.textContent = "Source: ";
    src.appendChild(sb);
    src.appendChild(document.createTextNode(reveal.source || ""));
  }

  // the words before an option's note: 'You chose “…”: ' (the widgets write the same)
  function noteLabel(n, opts) {
    return (n.chosen ? "You chose " : "You left out ") + "\u201c" +
      (opts[n.option] === undefined ? String(n.option) : opts[n.option]) + "\u201d: ";
  }

  function show(el, ex, res, restored) {
    var box = el.querySelector(".lx-feedback");
    if (!box) { return; }
    clear(box);
    box.className = "lx-feedback lx-status-" + res.status +
      (res.correct ? " lx-correct" : (res.status === "empty" ? "" : " lx-incorrect"));
    if (ex.type === "text" && res.status === "answered") {
      box.className = "lx-feedback lx-status-" + res.status;
    }
    addParagraph(box, "lx-message", res.message);
    var opts = ex.options || [];
    if (res.notes && res.notes.length) {
      var ul = document.createElement("ul");
      ul.className = "lx-notes";
      res.notes.forEach(function (n) {
        var li = document.createElement("li");
        var label = noteLabel(n, opts);
        var b = document.createElement("strong");
        b.textContent = label;
        li.appendChild(b);
        li.appendChild(document.createTextNode(n.text));
        ul.appendChild(li);
      });
      box.appendChild(ul);
    }
    if (ex.type === "text" && res.status !== "empty" && res.model_answers) {
      addParagraph(box, "lx-answer-label", "Model answer:");
      addModels(box, res.model_answers);
    }
    if (res.correct && ex.reveal) { addParagraphs(box, "lx-explanation", ex.reveal.explanation); }
    if (restored) { addParagraph(box, "lx-restored", "(Your saved answer, restored.)"); }
    if (res.status !== "empty") {
      // 'Show answer' is offered only after a first attempt
      fillReveal(el, ex);
      var reveal = el.querySelector(".lx-reveal");
      if (reveal) { reveal.hidden = false; reveal.style.display = ""; }
    }
  }

  function notice(el, text) {
    var n = el.querySelector(".lx-saved");
    if (!n) { return; }
    n.textContent = text;
    n.hidden = !text;
  }
  var NO_STORAGE = "\u26a0 This browser is not keeping your answers (storage is switched off " +
    "or full). They will be lost when you close the page: use My answers to download them " +
    "before you leave.";

  var DAMAGED = "\u26a0 Your saved answer to this exercise could not be read (it is damaged, " +
    "or another program changed it), so it was not restored. Please answer it again.";

  function restore(el, ex) {
    var ls = storage();
    if (!ls) { notice(el, NO_STORAGE); return; }
    registerPage(ls, ex);
    var stored = ls.getItem(recordKey(ex));
    if (stored === null) { return; }
    var rec = readJSON(ls, recordKey(ex));
    if (!rec || typeof rec !== "object" || Array.isArray(rec)) {
      notice(el, DAMAGED);  // left as it is until the student answers again
      return;
    }
    if (rec.ver !== ex.ver) {
      notice(el, "This exercise has changed since you answered it, so your old answer " +
        "was not restored. Please answer it again.");
      return;
    }
    setResponse(el, ex, rec.response);
    var res = check(ex, responseOf(el, ex));
    if (res.status !== "empty") { show(el, ex, res, true); }
  }

  function init(el) {
    if (!el || el.getAttribute("data-lx-ready") === "1") { return false; }
    var ex;
    try {
      ex = JSON.parse(el.getAttribute("data-lx") || "null");
      if (ex && ex.k) { ex = decode(ex); }
    } catch (err) {
      return false;
    }
    if (!ex || TYPES.indexOf(ex.type) < 0) { return false; }
    el.setAttribute("data-lx-ready", "1");
    el.classList.add("lx-ready");
    // The HTML starts inert (a reopened notebook in JupyterLab shows it with no script):
    // here it is live, so the inputs are enabled and the note to run the cell goes.
    var inert = el.querySelectorAll("fieldset.lx-fieldset[disabled], button.lx-check[disabled]");
    for (var d = 0; d < inert.length; d++) { inert[d].disabled = false; }
    var notes = el.querySelectorAll(".lx-run-note");
    for (var r = 0; r < notes.length; r++) { notes[r].hidden = true; }

    var button = el.querySelector(".lx-check");
    var run = function () {
      var response = responseOf(el, ex);
      var res = check(ex, response);
      show(el, ex, res, false);
      if (res.status !== "empty" && !saveRecord(ex, response, res)) { notice(el, NO_STORAGE); }
    };
    if (button) { button.addEventListener("click", run); }

    if (ex.type === "numeric") {
      var input = el.querySelector("input.lx-number");
      if (input) {
        input.addEventListener("keydown", function (event) {
          if (event.key === "Enter") { event.preventDefault(); run(); }
        });
      }
    }
    if (ex.type === "words") {
      var words = el.querySelectorAll(".lx-word");
      for (var i = 0; i < words.length; i++) {
        words[i].addEventListener("click", function (event) {
          var b = event.currentTarget;
          b.setAttribute("aria-pressed", b.getAttribute("aria-pressed") === "true" ? "false" : "true");
        });
      }
    }
    try { restore(el, ex); } catch (err) { notice(el, storeState.ok === false ? NO_STORAGE : DAMAGED); }
    return true;
  }

  function initAll(scope) {
    var root = scope || document;
    var els = root.querySelectorAll(".lx-quiz");
    var n = 0;
    for (var i = 0; i < els.length; i++) { if (init(els[i])) { n++; } }
    return n;
  }

  return {
    TYPES: TYPES,
    rules: rules,
    check: check,
    parseNumber: parseNumber,
    parseQuantity: parseQuantity,
    loadedLeft: loadedLeft,
    lexiconLeft: lexiconLeft,
    setLoadedForms: setLoadedForms,
    tokens: tokens,
    stem: stem,
    keyTokens: keyTokens,
    keyStem: keyStem,
    decode: decode,
    PREFIX: PREFIX,
    init: init,
    initAll: initAll
  };
});

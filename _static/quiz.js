/*
 * quiz.js: makes the static exercises of the book interactive.
 *
 * Every `.lx-quiz` element (written by lessons.exercises.static_html) carries its rules
 * as JSON in `data-lx`. The checking below follows lessons.exercises.check exactly (same
 * rules, same messages); tests/test_exercises.py runs both on the same cases with node.
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
  function quoteList(items) {
    return items.map(function (x) { return "\u201c" + x + "\u201d"; }).join(", ");
  }
  function straightApostrophes(s) { return s.replace(/[\u2019\u2018\u02bc`]/g, "'"); }

  var TOKEN_RE = /[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*/gu;
  function tokens(text) {
    var t = straightApostrophes(String(text).normalize("NFC")).toLowerCase();
    return t.match(TOKEN_RE) || [];
  }
  function stem(token) {
    return /\p{Nd}/u.test(token) ? token : Array.from(token).slice(0, 5).join("");
  }

  function parseNumber(value) {
    if (value === null || value === undefined || typeof value === "boolean") { return null; }
    if (typeof value === "number") { return isFinite(value) ? value : null; }
    var s = String(value).replace(/\s+/g, "").replace(/\u2212/g, "-");
    if (s.slice(-1) === "%") { s = s.slice(0, -1); }
    if (/^[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$/.test(s)) {
      s = s.replace(/,/g, "");
    } else if (/^[+-]?[0-9]+,[0-9]+$/.test(s)) {
      s = s.replace(",", ".");
    }
    if (!/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$/.test(s)) { return null; }
    return parseFloat(s);
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
      if (i === ex.answer) {
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
      var right = chosen.filter(function (i) { return key[i]; });
      var wrong = chosen.filter(function (i) { return !key[i]; });
      var missing = ex.answer.filter(function (a) { return !seen[a]; })
        .sort(function (a, b) { return a - b; });
      var extra = { right: right, missing: missing, wrong: wrong };
      var nKey = ex.answer.length;
      if (!chosen.length) {
        return result(false, "empty", "Choose at least one answer first.", extra);
      }
      if (!wrong.length && !missing.length) {
        return result(true, "correct",
          OK + " Correct: you chose all " + plural(nKey, "right answer") + ".", extra);
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
      var value = parseNumber(response);
      if (value === null) {
        var shown = Array.from(String(response).trim());
        if (shown.length > 40) { shown = shown.slice(0, 39).concat(["\u2026"]); }
        return result(false, "invalid", NO + " \u201c" + shown.join("") +
          "\u201d is not a number. Type digits only, for example 3000 or 3,000.", { value: null });
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
      var found = key.filter(function (w) { return marked.indexOf(w) >= 0; });
      var missed = key.filter(function (w) { return marked.indexOf(w) < 0; });
      var extraW = marked.filter(function (w) { return key.indexOf(w) < 0; });
      var extra = { found: found, missed: missed, extra: extraW };
      if (!marked.length) {
        return result(false, "empty", "Mark at least one word first.", extra);
      }
      if (!missed.length && !extraW.length) {
        return result(true, "correct",
          OK + " Correct: you found all " + plural(key.length, "word") + ".", extra);
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
      tokens(text).forEach(function (t) { stems[stem(t)] = true; });
      var used = keys.filter(function (k) { return stems[k.stem]; })
        .map(function (k) { return k.word; });
      var msg = "Compare your answer with the model " +
        (models.length === 1 ? "answer" : "answers") + ".";
      if (keys.length) {
        msg += " You used " + used.length + " of the " + plural(keys.length, "key word") +
          (used.length ? ": " + used.join(", ") + "." : ".");
      }
      return result(true, "answered", msg,
        { model_answers: models, keywords: allWords, used: used });
    }
  };

  function check(ex, response) {
    var fn = rules[ex.type];
    if (!fn) { throw new Error("unknown exercise type: " + ex.type); }
    return fn(ex, response);
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

  function addParagraph(parent, cls, text) {
    var p = document.createElement("p");
    p.className = cls;
    p.textContent = text;
    parent.appendChild(p);
    return p;
  }

  function show(el, ex, res) {
    var box = el.querySelector(".lx-feedback");
    if (!box) { return; }
    while (box.firstChild) { box.removeChild(box.firstChild); }
    box.className = "lx-feedback lx-status-" + res.status +
      (res.correct ? " lx-correct" : (res.status === "empty" ? "" : " lx-incorrect"));
    if (ex.type === "text") { box.className = "lx-feedback lx-status-" + res.status; }
    addParagraph(box, "lx-message", res.message);
    var body = el.querySelector(".lx-reveal-body");
    var i;
    if (ex.type === "text" && res.status === "answered" && body) {
      addParagraph(box, "lx-answer-label", "Model answer:");
      var models = body.querySelectorAll(".lx-model");
      for (i = 0; i < models.length; i++) { box.appendChild(models[i].cloneNode(true)); }
    }
    if (res.correct && body) {
      var expl = body.querySelectorAll(".lx-explanation");
      for (i = 0; i < expl.length; i++) { box.appendChild(expl[i].cloneNode(true)); }
    }
  }

  function init(el) {
    if (!el || el.getAttribute("data-lx-ready") === "1") { return false; }
    var ex;
    try {
      ex = JSON.parse(el.getAttribute("data-lx") || "null");
    } catch (err) {
      return false;
    }
    if (!ex || TYPES.indexOf(ex.type) < 0) { return false; }
    el.setAttribute("data-lx-ready", "1");
    el.classList.add("lx-ready");

    var button = el.querySelector(".lx-check");
    var run = function () { show(el, ex, check(ex, responseOf(el, ex))); };
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
    if (ex.type === "text") {
      // the model answer is offered only once the student has written something
      var area = el.querySelector("textarea");
      var reveal = el.querySelector(".lx-reveal");
      if (area && reveal) {
        var sync = function () { reveal.hidden = !area.value.trim(); };
        area.addEventListener("input", sync);
        sync();
      }
    }
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
    tokens: tokens,
    stem: stem,
    init: init,
    initAll: initAll
  };
});

/*
 * my_answers.js: the "My answers" page (my_answers.md). Lists the answers that quiz.js kept
 * in localStorage for this book, chapter by chapter, with their feedback; downloads them as
 * one JSON file to hand in; prints them. Everything read from storage is shown as text
 * (textContent), never as markup. Does nothing on pages without #lx-my-answers.
 */
(function () {
  "use strict";
  var PREFIX = "lx:v1:";
  var FORMAT = "lessons-answers";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function storage() {
    try {
      var ls = window.localStorage;
      ls.setItem(PREFIX + "probe", "1");
      ls.removeItem(PREFIX + "probe");
      return ls;
    } catch (err) { return null; }
  }
  // Anything in storage may have been written by another program or another version of the
  // book: every value is checked and copied field by field, shown only as bounded text.
  var MAX_SHOWN = 2000;         // characters of one value shown on the page
  var MAX_RECORD = 50000;       // characters of one answer's JSON in the downloaded file
  function text(v, max) {
    // any stored value as text, never throwing ({"toString": 1} cannot be converted by String)
    var s = "";
    if (typeof v === "string") { s = v; }
    else if (typeof v === "number" || typeof v === "boolean") { s = String(v); }
    else if (v !== null && v !== undefined) {
      try { s = JSON.stringify(v) || ""; } catch (err) { s = ""; }
    }
    max = max || MAX_SHOWN;
    return s.length > max ? s.slice(0, max - 1) + "…" : s;
  }
  function plain(v) {
    // a value to show or sort by: text as it is, anything else as bounded text
    return typeof v === "string" ? v : text(v);
  }
  var FIELDS = ["ver", "type", "page", "title", "prompt", "answer_text", "status",
                "message", "saved", "book_version"];
  function cleanRecord(value) {
    // a copy of a stored answer with the fields this page uses, each of a known type; null
    // when it is not an answer (no exercise id)
    if (!value || typeof value !== "object" || Array.isArray(value) || typeof value.id !== "string") {
      return null;
    }
    var r = { id: value.id, response: value.response, correct: value.correct };
    FIELDS.forEach(function (f) {
      var v = value[f];
      if (v !== undefined && v !== null) { r[f] = f === "ver" && typeof v === "number" ? v : plain(v); }
    });
    if (Array.isArray(value.notes)) {
      r.notes = value.notes.filter(function (n) { return n && typeof n === "object"; })
        .map(function (n) { return { text: text(n.text), label: typeof n.label === "string" ? text(n.label, 300) : "" }; });
    }
    return r;
  }
  function readAll(ls, book) {
    var records = [], pages = {}, unreadable = [];
    var head = PREFIX + book + ":";
    var keys = [];
    for (var i = 0; i < ls.length; i++) { keys.push(ls.key(i)); }
    keys.forEach(function (key) {
      if (!key || key.indexOf(head) !== 0) { return; }
      var value = null;
      try { value = JSON.parse(ls.getItem(key)); } catch (err) { value = undefined; }
      if (key.indexOf(head + "_page:") === 0) {
        if (value && typeof value === "object" && !Array.isArray(value)) {
          pages[plain(value.page)] = {
            title: plain(value.title || ""), url: plain(value.url || ""),
            ids: Array.isArray(value.ids) ? value.ids : null
          };
        }
        return;  // a chapter's list of exercises, not an answer: it is written again on a visit
      }
      var rec = cleanRecord(value);
      if (rec) { records.push(rec); } else { unreadable.push(key); }
    });
    records.sort(function (a, b) {
      return plain(a.page).localeCompare(plain(b.page)) || plain(a.saved).localeCompare(plain(b.saved));
    });
    return { records: records, pages: pages, unreadable: unreadable };
  }
  function tooLong(r) {
    var n;
    try { n = JSON.stringify(r).length; } catch (err) { return true; }
    return n > MAX_RECORD;
  }
  function safeHref(url) {
    if (typeof url !== "string" || !url) { return null; }  // no page record: no link
    try {
      var u = new URL(String(url), location.href);
      return (u.protocol === "http:" || u.protocol === "https:" || u.protocol === "file:") ? u.href : null;
    } catch (err) { return null; }
  }
  function bookVersion(data) {
    var v = "";
    data.records.forEach(function (r) { if (r.book_version) { v = String(r.book_version); } });
    return v;
  }
  function exportData(book, data, student) {
    return {
      format: FORMAT,
      format_version: 1,
      book: book,
      book_version: bookVersion(data),
      student: student,
      exported: new Date().toISOString(),
      answers: data.records.filter(function (r) { return !tooLong(r); }).map(function (r) {
        return {
          exercise: r.id, page: r.page, version: r.ver, type: r.type, prompt: r.prompt,
          response: r.response, answer_text: r.answer_text, status: r.status,
          correct: r.correct, saved: r.saved
        };
      })
    };
  }
  function slug(s) {
    return String(s).normalize("NFKD").replace(/[^A-Za-z0-9]+/g, "-").replace(/^-+|-+$/g, "")
      .toLowerCase().slice(0, 40) || "student";
  }
  function download(book, data, name) {
    var payload = JSON.stringify(exportData(book, data, name), null, 1);
    var blob = new Blob([payload], { type: "application/json" });
    var a = el("a");
    a.href = URL.createObjectURL(blob);
    a.download = "answers-" + slug(name) + "-" + new Date().toISOString().slice(0, 10) + ".json";
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  function render(root) {
    var book = root.getAttribute("data-book") || "";
    while (root.firstChild) { root.removeChild(root.firstChild); }
    var ls = storage();
    if (!ls) {
      root.appendChild(el("p", "lx-ma-warning",
        "\u26a0 This browser does not let the book keep answers (storage is switched off or " +
        "full), so there is nothing to show. Answers you give are lost when you close a page."));
      return;
    }
    var data;
    try { data = readAll(ls, book); } catch (err) {
      root.appendChild(el("p", "lx-ma-warning",
        "\u26a0 The answers kept in this browser could not be read, so none can be shown. " +
        "Nothing was deleted."));
      return;
    }

    var form = el("div", "lx-ma-actions");
    var label = el("label", "lx-ma-name-label", "Your name");
    label.setAttribute("for", "lx-ma-name");
    var name = el("input", "lx-ma-name");
    name.id = "lx-ma-name";
    name.type = "text";
    name.autocomplete = "name";
    name.maxLength = 100;
    try { name.value = ls.getItem(PREFIX + book + "-student") || ""; } catch (err) { /* none */ }
    var printName = el("p", "lx-ma-print-name");
    var syncName = function () {
      printName.textContent = name.value.trim() ? "Name: " + name.value.trim() : "";
      try { ls.setItem(PREFIX + book + "-student", name.value); } catch (err) { /* full */ }
    };
    name.addEventListener("input", syncName);
    var dl = el("button", "lx-ma-download", "Download my answers");
    dl.type = "button";
    var msg = el("p", "lx-ma-message");
    msg.setAttribute("role", "status");
    dl.addEventListener("click", function () {
      if (!name.value.trim()) {
        msg.textContent = "Type your name first, so your teacher knows whose answers these are.";
        name.focus();
        return;
      }
      var now = readAll(ls, book);
      var left = now.records.filter(tooLong).length;
      download(book, now, name.value.trim());
      msg.textContent = "\u2713 Downloaded " + (now.records.length - left) + " answers. Hand in that file." +
        (left ? " " + left + " answer" + (left === 1 ? " was" : "s were") + " too long to put in it " +
          "(more than " + MAX_RECORD + " characters): shorten " + (left === 1 ? "it" : "them") +
          " and download again." : "");
    });
    var pr = el("button", "lx-ma-print", "Print");
    pr.type = "button";
    pr.addEventListener("click", function () { window.print(); });
    var forget = el("button", "lx-ma-forget", "Forget my answers on this computer");
    forget.type = "button";
    forget.addEventListener("click", function () {
      if (!window.confirm("Delete every answer kept for this book in this browser?")) { return; }
      var keys = [];  // this book's keys only: another book's name may begin with this one's
      for (var i = 0; i < ls.length; i++) {
        var k = ls.key(i);
        if (k && (k.indexOf(PREFIX + book + ":") === 0 || k === PREFIX + book + "-student")) { keys.push(k); }
      }
      keys.forEach(function (k) { ls.removeItem(k); });
      render(root);
    });
    form.appendChild(label);
    form.appendChild(name);
    form.appendChild(dl);
    form.appendChild(pr);
    form.appendChild(forget);
    root.appendChild(form);
    root.appendChild(msg);
    root.appendChild(printName);
    syncName();

    if (data.unreadable.length) {
      var n = data.unreadable.length;
      root.appendChild(el("p", "lx-ma-warning",
        "\u26a0 " + n + " saved answer" + (n === 1 ? "" : "s") + " for this book could not be read " +
        "(damaged, or written by another program), so " + (n === 1 ? "it is" : "they are") +
        " not shown or downloaded. " + (n === 1 ? "It was" : "They were") + " left as " +
        (n === 1 ? "it is" : "they are") + "; your other answers are below. " +
        "Answer " + (n === 1 ? "that exercise" : "those exercises") + " again to replace " +
        (n === 1 ? "it" : "them") + "."));
    }
    if (!data.records.length) {
      root.appendChild(el("p", "lx-ma-empty",
        "No answers yet. Answer an exercise in a chapter, press Check, and it appears here."));
      return;
    }
    // progress per chapter
    var byPage = {}, order = [];
    data.records.forEach(function (r) {
      var p = plain(r.page);
      if (!byPage[p]) { byPage[p] = []; order.push(p); }
      byPage[p].push(r);
    });
    var table = el("table", "lx-ma-progress");
    var cap = el("caption", null, "Progress per chapter");
    table.appendChild(cap);
    var thead = el("thead");
    var hr = el("tr");
    ["Chapter", "Answered", "Correct"].forEach(function (h) {
      var th = el("th", null, h);
      th.setAttribute("scope", "col");
      hr.appendChild(th);
    });
    thead.appendChild(hr);
    table.appendChild(thead);
    var tbody = el("tbody");
    order.forEach(function (p) {
      var rs = byPage[p];
      var page = data.pages[p] || {};
      var total = Array.isArray(page.ids) ? page.ids.length : rs.length;
      var tr = el("tr");
      var th = el("th", null, text(page.title || rs[0].title || p));
      th.setAttribute("scope", "row");
      tr.appendChild(th);
      tr.appendChild(el("td", null, rs.length + " of " + Math.max(total, rs.length)));
      tr.appendChild(el("td", null, String(rs.filter(function (r) {
        return r.correct === true && r.status === "correct";
      }).length)));
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    root.appendChild(table);

    order.forEach(function (p) {
      var rs = byPage[p];
      var page = data.pages[p] || {};
      var section = el("section", "lx-ma-chapter");
      var h = el("h2", null);
      var href = safeHref(page.url);
      if (href) {
        var a = el("a", null, text(page.title || rs[0].title || p));
        a.href = href;
        h.appendChild(a);
      } else {
        h.textContent = text(page.title || rs[0].title || p);
      }
      section.appendChild(h);
      var list = el("ol", "lx-ma-list");
      rs.forEach(function (r) {
        var li = el("li", "lx-ma-answer");
        li.setAttribute("data-exercise", text(r.id, 200));
        li.appendChild(el("p", "lx-ma-prompt", text(r.prompt || r.id)));
        var yours = el("p", "lx-ma-response");
        yours.appendChild(el("strong", null, "Your answer: "));
        yours.appendChild(document.createTextNode(
          r.answer_text !== undefined ? text(r.answer_text) : text(r.response)));
        li.appendChild(yours);
        li.appendChild(el("p", "lx-ma-feedback", text(r.message || "")));
        if (Array.isArray(r.notes) && r.notes.length) {
          var ul = el("ul", "lx-ma-notes");
          r.notes.forEach(function (n) {
            var item = el("li", null);  // the quiz's own words first: 'You chose “…”: '
            if (n.label) { item.appendChild(el("strong", null, n.label)); }
            item.appendChild(document.createTextNode(n.text));
            ul.appendChild(item);
          });
          li.appendChild(ul);
        }
        list.appendChild(li);
      });
      section.appendChild(list);
      root.appendChild(section);
    });
  }

  function start() {
    var root = document.getElementById("lx-my-answers");
    if (root) { render(root); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  window.lxMyAnswers = { render: render, exportData: exportData, readAll: readAll };
})();

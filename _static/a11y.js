/*
 * a11y.js: small accessibility fixes for markup that the theme and third-party widgets write.
 * Each fix is idempotent and reapplied when the page changes (icons, charts and widgets are
 * drawn after load). Checked by tests/test_browser.py with axe-core.
 */
(function () {
  "use strict";

  function fix(root) {
    var i, els;
    // Search field button: it shows "Search Ctrl+K" but aria-label says only "Search"
    // (axe: label-content-name-mismatch). Without aria-label its name is its visible text.
    els = root.querySelectorAll(".search-button-field[aria-label]");
    for (i = 0; i < els.length; i++) { els[i].removeAttribute("aria-label"); }

    // Colour-mode button: its icons carry titles ("Light", "Dark", "System Settings") that
    // Font Awesome turns into labelled images inside a button named "Color mode"
    // (label-content-name-mismatch). The icons are decoration: hide them, keep the name.
    els = root.querySelectorAll(".theme-switch-button .theme-switch");
    for (i = 0; i < els.length; i++) {
      var icon = els[i];
      icon.removeAttribute("title");
      icon.removeAttribute("role");
      icon.removeAttribute("aria-labelledby");
      icon.setAttribute("aria-hidden", "true");
      var title = icon.querySelector && icon.querySelector("title");
      if (title) { title.parentNode.removeChild(title); }
    }

    // myst-nb's hidden code cells: <summary aria-label="Toggle hidden content"> shows
    // "Show code cell source" (label-content-name-mismatch). Its visible text is the better
    // name, and it changes with the state (Show/Hide).
    els = root.querySelectorAll("details.hide > summary[aria-label], details.above-input > summary[aria-label]");
    for (i = 0; i < els.length; i++) {
      if (els[i].textContent.trim()) { els[i].removeAttribute("aria-label"); }
    }

    // The navigation's expand/collapse toggles (a chapter with sections): the summary holds
    // only a chevron icon (axe: summary-name). Name it after the chapter it opens.
    els = root.querySelectorAll("nav li > details > summary:not([aria-label])");
    for (i = 0; i < els.length; i++) {
      if (els[i].textContent.trim()) { continue; }
      var item = els[i].parentNode.parentNode;
      var link = item.querySelector(":scope > a");
      var name = link ? link.textContent.trim() : "";
      els[i].setAttribute("aria-label", name ? "Sections of " + name : "Sections");
    }

    // vega-embed's "..." actions menu (if a chart ever enables it): the summary is an icon only
    // (axe: summary-name).
    els = root.querySelectorAll(".vega-embed details > summary:not([aria-label])");
    for (i = 0; i < els.length; i++) {
      els[i].setAttribute("aria-label", "Chart menu: save the chart or view its source");
    }

    // A chart wider than a phone scrolls inside its own box (a11y.css): make that box
    // reachable with the keyboard so it can be scrolled without a mouse.
    els = root.querySelectorAll(".vega-embed:not([tabindex])");
    for (i = 0; i < els.length; i++) {
      if (els[i].scrollWidth > els[i].clientWidth + 1) { els[i].setAttribute("tabindex", "0"); }
    }
    scrollHints(root);

    // ipywidgets sliders: the handle (role=slider) has no name (axe: aria-input-field-name).
    // Name it after the widget's description, or after the readout's meaning.
    els = root.querySelectorAll(".noUi-handle[role=slider]:not([aria-label]):not([aria-labelledby])");
    for (i = 0; i < els.length; i++) {
      var widget = els[i].closest(".widget-slider, .jupyter-widgets");
      var label = widget && widget.querySelector(".widget-label");
      var text = label && label.textContent.trim();
      els[i].setAttribute("aria-label", text || "Slider");
    }
  }

  // A chart wider than its box scrolls sideways with nothing to say so (walk 5, phones): put a
  // visible line under it, "Scroll sideways to see the whole chart", that the box names as its
  // description (aria-describedby). Shown only while the chart is wider than its box; checked
  // again when the window is resized. Touches the page only when something changes.
  var HINT = "lx-scroll-hint";
  function scrollHints(root) {
    var boxes = root.querySelectorAll(".vega-embed"), k;
    for (k = 0; k < boxes.length; k++) {
      var box = boxes[k];
      var wide = box.scrollWidth > box.clientWidth + 1;
      var next = box.nextElementSibling;
      var hint = next && next.classList && next.classList.contains(HINT) ? next : null;
      if (wide && !hint) {
        hint = document.createElement("p");
        hint.className = HINT;
        hint.id = HINT + "-" + (++scrollHints.count);
        hint.appendChild(document.createTextNode("Scroll sideways to see the whole chart "));
        var arrow = document.createElement("span");
        arrow.setAttribute("aria-hidden", "true");
        arrow.textContent = "\u2192";
        hint.appendChild(arrow);
        box.parentNode.insertBefore(hint, box.nextSibling);
      }
      if (hint && hint.hidden === wide) { hint.hidden = !wide; }
      if (wide && !box.hasAttribute("tabindex")) { box.setAttribute("tabindex", "0"); }
      var described = box.getAttribute("aria-describedby");
      if (wide && hint && described !== hint.id) { box.setAttribute("aria-describedby", hint.id); }
      if (!wide && hint && described === hint.id) { box.removeAttribute("aria-describedby"); }
    }
  }
  scrollHints.count = 0;

  // Phones cannot hover (walk 9): vega shows a mark's tooltip on 'pointermove', which a tap
  // never sends, so on a phone no tooltip ever showed. A tap (touch or pen) on a chart sends
  // one 'pointermove' at the same place: the tooltip shows, and goes when the next tap lands
  // elsewhere (vega hides it on 'mouseout'). A mouse is left alone.
  function tapTooltip(e) {
    if (e.pointerType !== "touch" && e.pointerType !== "pen") { return; }
    var target = e.target;
    if (!target || !target.closest || !target.closest(".vega-embed svg")) { return; }
    target.dispatchEvent(new PointerEvent("pointermove", {
      bubbles: true, cancelable: true, composed: true, clientX: e.clientX, clientY: e.clientY,
      screenX: e.screenX, screenY: e.screenY, pointerId: e.pointerId, pointerType: e.pointerType,
      isPrimary: e.isPrimary
    }));
  }

  // A chart's tooltip on a phone (walk 11): vega-tooltip places it beside the pointer and, when
  // it fits on neither side, at the top left of the pointer, past the screen's left edge (x =
  // -79 px in chapter 4). Once vega has placed it, move it back inside the window. phone.css
  // caps its width at the window's, so it always fits.
  // When it fits on neither side of the pointer, vega puts it above the pointer, over the
  // chart's title: then it goes under the pointer instead (above only if it fits there alone).
  var EDGE = 4, pointer = null;
  function notePointer(e) { pointer = { x: e.clientX, y: e.clientY }; }
  function keepTooltipOnScreen(tip) {
    if (!tip.classList.contains("visible")) { return; }
    var r = tip.getBoundingClientRect(), vw = document.documentElement.clientWidth || window.innerWidth;
    var vh = window.innerHeight, left = r.left, top = r.top;
    var squeezed = left < EDGE || left + r.width > vw - EDGE;
    if (left + r.width > vw - EDGE) { left = vw - EDGE - r.width; }
    if (left < EDGE) { left = EDGE; }
    if (squeezed && pointer && r.top < pointer.y) {
      var under = pointer.y + 12;
      top = under + r.height <= vh - EDGE ? under : pointer.y - 12 - r.height;
    }
    if (top + r.height > vh - EDGE) { top = vh - EDGE - r.height; }
    if (top < EDGE) { top = EDGE; }
    // vega-tooltip positions it with style.left/top (position: fixed); change them only when
    // needed, so this observer does not wake itself up again
    if (Math.abs(left - r.left) > 0.5) { tip.style.left = (parseFloat(tip.style.left || "0") + left - r.left) + "px"; }
    if (Math.abs(top - r.top) > 0.5) { tip.style.top = (parseFloat(tip.style.top || "0") + top - r.top) + "px"; }
  }
  function watchTooltip() {
    var tip = document.getElementById("vg-tooltip-element");
    if (!tip || tip.getAttribute("data-lx-watched")) { return; }
    tip.setAttribute("data-lx-watched", "1");
    new MutationObserver(function () { keepTooltipOnScreen(tip); })
      .observe(tip, { attributes: true, attributeFilter: ["style", "class"] });
    keepTooltipOnScreen(tip);
  }

  // The note of a quotation (.lx-quote: who the report says is speaking) or a loaded word
  // (mark.lx-term: why it is loaded) lives in its title, which a browser shows only under a
  // mouse (walk 11: a tap or the Tab key showed nothing, so chapter 3's reasons could not be
  // read on a phone or by a sighted keyboard user). Each mark is focusable; a tap, a click,
  // Enter or Space shows its note in a box under it, and so does focus from the keyboard. The
  // box stays until Escape, a second tap on the mark, or a tap or focus elsewhere; it never
  // leaves the window. The mark names the box as its description (aria-describedby) while it
  // shows, and the box is a polite live region, so a screen reader reads the note. The note
  // is the title's text, set as textContent (the notes hold article text: never HTML). The
  // title stays, for a mouse.
  var MARKS = ".lx-quote[title], mark.lx-term[title]";
  var NOTE_ID = "lx-note", note = null, noteFor = null;
  function markFocusable(root) {
    var els = root.querySelectorAll(MARKS), i;
    for (i = 0; i < els.length; i++) {
      if (!els[i].hasAttribute("tabindex")) { els[i].setAttribute("tabindex", "0"); }
      if (!els[i].hasAttribute("data-lx-note")) {
        els[i].setAttribute("data-lx-note", els[i].getAttribute("title") || "");
      }
    }
  }
  function noteBox() {
    if (note) { return note; }
    note = document.createElement("div");
    note.id = NOTE_ID;
    note.className = "lx-note";
    note.setAttribute("role", "status");
    note.setAttribute("aria-live", "polite");
    note.hidden = true;
    document.body.appendChild(note);
    return note;
  }
  function placeNote(mark) {
    var box = noteBox(), r = mark.getClientRects()[0] || mark.getBoundingClientRect();
    var vw = document.documentElement.clientWidth || window.innerWidth;
    box.style.left = "0px";
    box.style.top = "0px";
    var w = box.offsetWidth, h = box.offsetHeight;
    var left = Math.max(EDGE, Math.min(r.left, vw - EDGE - w));
    var below = mark.getBoundingClientRect().bottom + 6;
    var top = below + h > window.innerHeight - EDGE && r.top - 6 - h >= EDGE ? r.top - 6 - h : below;
    box.style.left = (left + window.pageXOffset) + "px";
    box.style.top = (top + window.pageYOffset) + "px";
  }
  function showNote(mark) {
    var box = noteBox();
    if (noteFor && noteFor !== mark) { hideNote(); }
    box.textContent = mark.getAttribute("data-lx-note") || mark.getAttribute("title") || "";
    box.hidden = false;
    noteFor = mark;
    mark.setAttribute("aria-describedby", NOTE_ID);
    placeNote(mark);
  }
  function hideNote() {
    if (!note || note.hidden) { return; }
    note.hidden = true;
    if (noteFor) {
      if (noteFor.getAttribute("aria-describedby") === NOTE_ID) { noteFor.removeAttribute("aria-describedby"); }
    }
    noteFor = null;
  }
  function markOf(target) {
    return target && target.closest ? target.closest(MARKS) : null;
  }
  function keyboardFocus(el) {
    try { return el.matches(":focus-visible"); } catch (err) { return true; }
  }
  function onClick(e) {
    var mark = markOf(e.target);
    if (!mark) {
      if (note && !note.hidden && !note.contains(e.target)) { hideNote(); }
      return;
    }
    if (noteFor === mark) { hideNote(); } else { showNote(mark); }
  }
  function onKey(e) {
    if (e.key === "Escape" || e.key === "Esc") { hideNote(); return; }
    var mark = markOf(e.target);
    if (!mark || (e.key !== "Enter" && e.key !== " " && e.key !== "Spacebar")) { return; }
    e.preventDefault();  // Space would scroll the page
    if (noteFor === mark) { hideNote(); } else { showNote(mark); }
  }
  function onFocusIn(e) {
    var mark = markOf(e.target);
    if (mark && keyboardFocus(mark)) { showNote(mark); } else if (!mark) { hideNote(); }
  }
  function start() {
    fix(document);
    markFocusable(document);
    document.addEventListener("pointerup", tapTooltip, true);
    document.addEventListener("pointermove", notePointer, true);
    document.addEventListener("pointerdown", notePointer, true);
    document.addEventListener("click", onClick);
    document.addEventListener("keydown", onKey);
    document.addEventListener("focusin", onFocusIn);
    window.addEventListener("resize", function () { if (noteFor) { placeNote(noteFor); } });
    if (typeof MutationObserver === "undefined") { return; }
    var pending = false;
    new MutationObserver(function () {
      if (pending) { return; }
      pending = true;
      (window.requestAnimationFrame || setTimeout)(function () {
        pending = false;
        fix(document);
        markFocusable(document);
        watchTooltip();
      });
    }).observe(document.body, { childList: true, subtree: true });
    window.addEventListener("resize", function () { scrollHints(document); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

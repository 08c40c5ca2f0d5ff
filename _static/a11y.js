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

  function start() {
    fix(document);
    document.addEventListener("pointerup", tapTooltip, true);
    if (typeof MutationObserver === "undefined") { return; }
    var pending = false;
    new MutationObserver(function () {
      if (pending) { return; }
      pending = true;
      (window.requestAnimationFrame || setTimeout)(function () {
        pending = false;
        fix(document);
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

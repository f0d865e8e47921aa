// Corroborator review app: keyboard shortcuts, highlight toggles, and "select the right text".
// No framework and nothing fetched: progressive enhancement over plain forms and links.
(function () {
  "use strict";

  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  function visible(el) {
    return !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  }

  function act(key) {
    var el = Array.prototype.find.call(document.querySelectorAll('[data-key="' + key + '"]'), visible);
    if (!el) return false;
    if (el.tagName === "SUMMARY") {
      var details = el.parentElement;
      details.open = true;
      var field = details.querySelector("input:not([type=hidden]), select");
      if (field) { field.focus(); if (field.select) field.select(); }
    } else {
      el.click();
    }
    return true;
  }

  var arrows = { ArrowRight: "j", ArrowLeft: "k" };
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (typing(ev.target)) {
      if (ev.key === "Escape") ev.target.blur();
      return;
    }
    if (ev.key === "?") {
      var help = document.getElementById("help");
      if (help && help.showModal) { help.showModal(); ev.preventDefault(); }
      return;
    }
    if (ev.key === "/") {
      var search = document.querySelector('[data-hotkey="/"]');
      if (search) { search.focus(); ev.preventDefault(); }
      return;
    }
    var key = arrows[ev.key] || ev.key;
    if (/^[jkcxeou]$/.test(key) && act(key)) ev.preventDefault();
  });

  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest && ev.target.closest("[data-confirm]");
    if (btn && !window.confirm(btn.getAttribute("data-confirm"))) ev.preventDefault();
    var back = ev.target.closest && ev.target.closest("[data-back]");
    if (back && window.history.length > 1) { ev.preventDefault(); window.history.back(); }
  });

  document.querySelectorAll("[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });

  // Reader legend: "hide-noise" hides when ticked; "off-*" highlights show when ticked.
  var docText = document.getElementById("doc-text");
  document.querySelectorAll("[data-toggle]").forEach(function (box) {
    var cls = box.getAttribute("data-toggle");
    function apply() {
      if (!docText) return;
      var on = cls === "hide-noise" ? box.checked : !box.checked;
      docText.classList.toggle(cls, on);
    }
    box.addEventListener("change", apply);
    apply();
  });

  // Selecting characters in the evidence pane fills the correction form with their exact offsets.
  function selectionIn(container) {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    var range = sel.getRangeAt(0);
    if (!container.contains(range.commonAncestorContainer)) return null;
    var start = null, end = null, text = "";
    container.querySelectorAll("[data-o]").forEach(function (el) {
      var node = el.firstChild;
      if (!node || node.nodeType !== 3 || !range.intersectsNode(node)) return;
      var s = node === range.startContainer ? range.startOffset : 0;
      var e = node === range.endContainer ? range.endOffset : node.length;
      if (range.comparePoint(node, 0) > 0 && node !== range.startContainer) s = 0;
      if (s >= e) return;
      var o = parseInt(el.getAttribute("data-o"), 10);
      if (start === null) start = o + s;
      end = o + e;
      text += node.data.slice(s, e);
    });
    if (start === null) return null;
    var lead = text.length - text.replace(/^\s+/, "").length;
    var trail = text.length - text.replace(/\s+$/, "").length;
    text = text.slice(lead, text.length - trail);
    if (!text) return null;
    return { start: start + lead, end: end - trail, text: text };
  }

  document.querySelectorAll(".context.selectable").forEach(function (container) {
    function capture() {
      var picked = selectionIn(container);
      if (!picked) return;
      document.querySelectorAll("form[data-selection-form]").forEach(function (form) {
        form.elements.evidence_start.value = picked.start;
        form.elements.evidence_end.value = picked.end;
        form.elements.evidence_text.value = picked.text;
        var target = form.querySelector("[data-selection-target]");
        if (target) {
          var digits = picked.text.match(/\d[\d,\s]*/);
          target.value = target.name === "value" ? (digits ? digits[0].replace(/\D/g, "") : "") : picked.text;
        }
        var hint = form.querySelector("[data-selection-for]");
        if (hint) {
          hint.textContent = "Selected \u201c" + picked.text + "\u201d (characters " + picked.start + "\u2013" +
            picked.end + "). Save to use it" + (target && target.name === "value" ? " as the value." : " as the speaker.");
          hint.classList.add("has");
        }
        var details = form.closest("details");
        if (details) details.open = true;
      });
    }
    container.addEventListener("mouseup", capture);
    container.addEventListener("keyup", capture);
  });

  // Reader: selecting words fills the "mark as identifying" form with their exact offsets.
  var markForm = document.querySelector("form[data-mark-form]");
  if (docText && markForm) {
    var markSelection = function () {
      var picked = selectionIn(docText);
      if (!picked) return;
      markForm.elements.start.value = picked.start;
      markForm.elements.end.value = picked.end;
      markForm.elements.text.value = picked.text;
      var hint = markForm.querySelector("[data-mark-hint]");
      if (hint) {
        hint.textContent = "Selected \u201c" + picked.text + "\u201d (characters " + picked.start + "\u2013" +
          picked.end + "). Choose who it identifies and mark it.";
      }
    };
    docText.addEventListener("mouseup", markSelection);
    docText.addEventListener("keyup", markSelection);
  }
})();

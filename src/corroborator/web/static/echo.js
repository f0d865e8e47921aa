// Shows again what the reader typed (a search, a filter). The server sends it only as
// decimal code points in data-echo, so no page ever spells out a typed word (see deps.echo_codes).
(function () {
  "use strict";
  function decode(codes) {
    if (!codes) return "";
    return codes.split(".").map(function (n) { return String.fromCodePoint(parseInt(n, 10)); }).join("");
  }
  function fill() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-echo]"), function (el) {
      var text = decode(el.getAttribute("data-echo"));
      if (el.tagName === "INPUT" || el.tagName === "TEXTAREA") el.value = text;
      else el.textContent = text;
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fill);
  else fill();
})();

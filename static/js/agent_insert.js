// Agent ticket page: a saved response goes into the composer (#composer-text) after what was typed.
// The typed text is sent as "saisie" with the chosen mode; the server answers the textarea, which
// replaces the old one (hx-target, outerHTML); the caret goes back to its end.
(function () {
  "use strict";
  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt || !elt.hasAttribute || !elt.hasAttribute("data-insert-form")) return;
    var box = document.getElementById("composer-text");
    var mode = document.querySelector("#composer input[name=mode]:checked");
    if (box) event.detail.parameters["saisie"] = box.value;
    if (mode) event.detail.parameters["mode"] = mode.value;
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var box = event.detail.target && event.detail.target.id === "composer-text" ? event.detail.target : null;
    box = box || (event.detail.elt && event.detail.elt.id === "composer-text" ? event.detail.elt : null);
    box = box || document.getElementById("composer-text");
    if (!event.detail.requestConfig || !event.detail.requestConfig.elt.hasAttribute("data-insert-form")) return;
    box.focus();
    box.selectionStart = box.selectionEnd = box.value.length;
  });
})();

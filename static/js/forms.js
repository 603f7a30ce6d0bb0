/* Forms: move focus to the error summary when a page comes back with errors (RGAA 11.10–11.11).
   A link of the summary puts focus in its field. Without this file the summary is still shown
   first in the form, announced as an alert, and its links still lead to the fields. */
(function () {
  "use strict";
  function start() {
    var summary = document.querySelector(".error-summary[data-autofocus]");
    if (!summary) { return; }
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) { return; }
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) { return; }
      event.preventDefault();
      target.focus();
      target.scrollIntoView({ block: "center" });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

/* The queue: "select all on this page", the bulk toolbar shown when rows are selected, and the
   filter panel's open/closed state remembered for the agent (POST to the panel URL).
   Without this file the toolbar is always shown above the table and each row has its checkbox. */
(function () {
  "use strict";
  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function start() {
    var table = document.querySelector("[data-queue-table]");
    var bar = document.querySelector("[data-bulk-bar]");
    var all = document.querySelector("[data-select-all]");
    var panel = document.querySelector("[data-queue-panel]");
    if (panel) {
      panel.addEventListener("toggle", function () {
        var body = new URLSearchParams();
        body.set("open", panel.open ? "1" : "0");
        fetch(panel.getAttribute("data-url"), {
          method: "POST",
          body: body,
          credentials: "same-origin",
          headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "fetch" }
        }).catch(function () { /* only a preference: the filters still work */ });
      });
    }
    if (!table || !bar) { return; }
    var boxes = Array.prototype.slice.call(table.querySelectorAll("[data-row-select]"));
    var count = bar.querySelector("[data-bulk-count]");
    var idle = count ? count.textContent : "";
    function refresh() {
      var checked = boxes.filter(function (box) { return box.checked; }).length;
      bar.hidden = checked === 0;
      boxes.forEach(function (box) {
        box.closest("tr").classList.toggle("is-selected", box.checked);
      });
      if (count) {
        var label = bar.getAttribute(checked === 1 ? "data-label-one" : "data-label-many") || "";
        count.textContent = checked === 0 ? idle : label.replace("__N__", String(checked));
      }
      if (all) {
        all.checked = checked > 0 && checked === boxes.length;
        all.indeterminate = checked > 0 && checked < boxes.length;
      }
    }
    if (all) {
      all.hidden = false;
      all.addEventListener("change", function () {
        boxes.forEach(function (box) { box.checked = all.checked; });
        refresh();
      });
    }
    table.addEventListener("change", function (event) {
      if (event.target.matches("[data-row-select]")) { refresh(); }
    });
    document.addEventListener("queue:refresh", refresh);
    refresh();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

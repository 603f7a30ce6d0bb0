// Knowledge base: insert an article link into a reply (agent search box).
// Loaded by pages that include knowledge/includes/agent_search_box.html.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-kb-insert]");
    if (!button) return;
    var box = button.closest("[data-kb-target]");
    var target = document.querySelector(box ? box.getAttribute("data-kb-target") : "textarea");
    if (!target) return;
    var text = button.getAttribute("data-kb-title") + " : " + button.getAttribute("data-kb-insert");
    var start = target.selectionStart || target.value.length;
    var end = target.selectionEnd || start;
    var before = target.value.slice(0, start);
    var separator = before && !/\s$/.test(before) ? "\n" : "";
    target.value = before + separator + text + target.value.slice(end);
    target.focus();
    target.selectionStart = target.selectionEnd = start + separator.length + text.length;
  });
})();

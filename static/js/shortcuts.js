/* Keyboard shortcuts of the staff workspace, loaded only when the agent has not turned them off
   in their preferences (WCAG 2.1.4). The list, shown by "?", is the dialog #shortcuts-help.
   Single keys never fire while typing (text fields, selects, contenteditable) nor with Alt/Ctrl/Meta;
   Ctrl+Enter (send) is the one chord, and it works from the composer.
   Queue: j / k move a visible focus between rows, o or Enter opens, x ticks the row.
   Ticket page (contract with its template): the composer textarea is #composer-text, its tabs are
   [data-composer-tab] (the current one has aria-selected="true"), the send button [data-composer-send],
   the "Demande suivante" link [data-next-ticket] (n). Escape in the composer moves to its current tab,
   so that [ / ] and n work again without the mouse. */
(function () {
  "use strict";
  var help = document.getElementById("shortcuts-help");

  function isTyping(target) {
    if (!target || !target.closest) { return false; }
    if (target.isContentEditable) { return true; }
    var field = target.closest("input, textarea, select, [contenteditable]");
    if (!field) { return false; }
    if (field.tagName === "INPUT") {
      var type = (field.getAttribute("type") || "text").toLowerCase();
      return ["checkbox", "radio", "button", "submit", "reset", "image"].indexOf(type) === -1;
    }
    return field.getAttribute("contenteditable") !== "false";
  }

  function openHelp() {
    if (help && !help.open && typeof help.showModal === "function") { help.showModal(); }
  }

  /* --- Queue -------------------------------------------------------------------------------- */
  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-queue-row]"));
  }
  function currentRow() {
    return document.querySelector("[data-queue-row].is-current");
  }
  function moveRow(step) {
    var all = rows();
    if (!all.length) { return false; }
    var index = all.indexOf(currentRow());
    var next = index === -1 ? (step > 0 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, index + step));
    all.forEach(function (row) { row.classList.remove("is-current"); });
    var row = all[next];
    row.classList.add("is-current");
    var link = row.querySelector("[data-row-link]");
    if (link) {
      link.focus();
      row.scrollIntoView({ block: "nearest" });
    }
    return true;
  }
  function openRow() {
    var row = currentRow();
    var link = row && row.querySelector("[data-row-link]");
    if (!link) { return false; }
    window.location.assign(link.href);
    return true;
  }
  function toggleRow() {
    var row = currentRow();
    var box = row && row.querySelector("[data-row-select]");
    if (!box) { return false; }
    box.checked = !box.checked;
    box.dispatchEvent(new Event("change", { bubbles: true }));
    return true;
  }

  /* --- Ticket page composer ------------------------------------------------------------------ */
  function focusComposer() {
    var text = document.getElementById("composer-text");
    if (!text) { return false; }
    text.focus();
    return true;
  }
  function switchTab(step) {
    var tabs = Array.prototype.slice.call(document.querySelectorAll("[data-composer-tab]"));
    if (!tabs.length) { return false; }
    var index = tabs.findIndex(function (tab) {
      return tab.getAttribute("aria-selected") === "true" || tab.getAttribute("aria-current") === "true" || tab.checked;
    });
    var next = tabs[(Math.max(index, 0) + step + tabs.length) % tabs.length];
    next.focus();
    next.click();
    return true;
  }
  /* Escape in the composer gives the keyboard back to the shortcuts: focus goes to the current tab. */
  function leaveComposer() {
    var tab = document.querySelector("[data-composer-tab][aria-selected='true']") || document.querySelector("[data-composer-send]");
    if (!tab) { return false; }
    tab.focus();
    return true;
  }
  function nextTicket() {
    var link = document.querySelector("[data-next-ticket]");
    if (!link) { return false; }
    window.location.assign(link.href);
    return true;
  }
  function send() {
    var button = document.querySelector("[data-composer-send]");
    if (!button) { return false; }
    button.click();
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.isComposing) { return; }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && !event.altKey) {
      if (event.target && event.target.closest && event.target.closest("#composer-text, [data-composer]")) {
        if (send()) { event.preventDefault(); }
      }
      return;
    }
    if (event.key === "Escape" && event.target && event.target.id === "composer-text") {
      if (leaveComposer()) { event.preventDefault(); }
      return;
    }
    if (event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target)) { return; }
    if (help && help.open) { return; }
    var handled = false;
    switch (event.key) {
      case "?": openHelp(); handled = true; break;
      case "j": handled = moveRow(1); break;
      case "k": handled = moveRow(-1); break;
      case "o": handled = openRow(); break;
      case "x": handled = toggleRow(); break;
      case "r": handled = focusComposer(); break;
      case "[": handled = switchTab(-1); break;
      case "]": handled = switchTab(1); break;
      case "n": handled = nextTicket(); break;
      default: break;
    }
    if (handled) { event.preventDefault(); }
  });

  document.addEventListener("focusin", function (event) {
    var row = event.target.closest && event.target.closest("[data-queue-row]");
    if (!row) { return; }
    rows().forEach(function (other) { other.classList.toggle("is-current", other === row); });
  });

  document.querySelectorAll("[data-shortcuts-open]").forEach(function (item) {
    item.hidden = false;
    item.addEventListener("click", openHelp);
  });
})();

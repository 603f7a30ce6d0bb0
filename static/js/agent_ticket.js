// Agent ticket page (templates/tickets/agent/ticket.html).
// 1. The composer's mode radios become ARIA tabs (one tablist, arrow keys, roving tabindex); the radio
//    stays the form's value, so the composer posts the same with or without this file. Tabs carry
//    data-composer-tab, the send button data-composer-send, the textarea is #composer-text (shortcuts).
// 2. "Autres actions": htmx fetches the chosen form into #action-panel; the menu closes, focus goes to
//    the form's heading; "Fermer" empties the panel instead of reloading the page.
(function () {
  "use strict";

  function enhanceComposer(composer) {
    var fieldset = composer.querySelector("[data-composer-modes]");
    if (!fieldset || fieldset.hidden) return;
    var radios = Array.prototype.slice.call(fieldset.querySelectorAll("input[type=radio]"));
    var panel = composer.querySelector("#composer-panel");
    var list = document.createElement("div");
    list.className = "composer__tabs";
    list.setAttribute("role", "tablist");
    list.setAttribute("aria-label", fieldset.querySelector("legend").textContent.trim());
    var tabs = radios.map(function (radio) {
      var tab = document.createElement("button");
      tab.type = "button";
      tab.id = "composer-tab-" + radio.value;
      tab.className = "composer__tab";
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", "composer-panel");
      tab.setAttribute("data-composer-tab", radio.value);
      tab.textContent = radio.getAttribute("data-tab");
      radio.removeAttribute("data-composer-tab");
      tab.addEventListener("click", function () { select(radio, tab, false); });
      list.appendChild(tab);
      return tab;
    });
    list.addEventListener("keydown", function (event) {
      var index = tabs.indexOf(document.activeElement);
      if (index < 0) return;
      var next = null;
      if (event.key === "ArrowRight") next = (index + 1) % tabs.length;
      else if (event.key === "ArrowLeft") next = (index - 1 + tabs.length) % tabs.length;
      else if (event.key === "Home") next = 0;
      else if (event.key === "End") next = tabs.length - 1;
      if (next === null) return;
      event.preventDefault();
      tabs[next].focus();
      select(radios[next], tabs[next], true);
    });
    fieldset.hidden = true;
    fieldset.parentNode.insertBefore(list, fieldset);
    panel.setAttribute("role", "tabpanel");

    function select(radio, tab, keepFocus) {
      radio.checked = true;
      tabs.forEach(function (other) {
        var on = other === tab;
        other.setAttribute("aria-selected", on ? "true" : "false");
        other.tabIndex = on ? 0 : -1;
      });
      panel.setAttribute("aria-labelledby", tab.id);
      document.getElementById("composer-label").textContent = radio.getAttribute("data-label");
      document.getElementById("composer-help").textContent = radio.getAttribute("data-help");
      var text = document.getElementById("composer-text");
      if (text) text.setAttribute("placeholder", radio.getAttribute("data-placeholder"));
      var send = composer.querySelector("[data-composer-send]");
      if (send) send.textContent = radio.getAttribute("data-button");
      composer.classList.toggle("composer--internal", radio.value === "internal_note");
      if (!keepFocus && text) text.focus();
    }
    var checked = radios.filter(function (radio) { return radio.checked; })[0] || radios[0];
    if (checked) {
      var tab = tabs[radios.indexOf(checked)];
      select(checked, tab, true);
    }
  }

  function start() {
    var composer = document.querySelector("[data-composer]");
    if (composer) enhanceComposer(composer);
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target && target.id === "action-panel") {
      var menu = document.querySelector("[data-action-menu]");
      if (menu) menu.open = false;
      var heading = target.querySelector("h2");
      if (heading) heading.focus();
    }
  });
  document.addEventListener("click", function (event) {
    var close = event.target.closest("[data-action-close]");
    if (!close) return;
    var panel = document.getElementById("action-panel");
    if (!panel) return;
    event.preventDefault();
    panel.innerHTML = "";
    var summary = document.querySelector("[data-action-menu] summary");
    if (summary) summary.focus();
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

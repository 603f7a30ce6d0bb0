// Keeps what the requester types in the filing form in this browser
// (localStorage) so that a submission lost to an error or a dropped connection
// can be sent again: coming back to the form puts the text back. The draft is
// forgotten once the ticket is filed (the confirmation page carries
// data-draft-clear) and after a week. No inline script: strict CSP.
(function () {
  "use strict";
  var PREFIX = "guichet-draft:";
  var MAX_AGE_MS = 7 * 24 * 3600 * 1000;

  function storage() {
    try {
      return window.localStorage;
    } catch (error) {
      return null; // storage disabled: the form works as before
    }
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.name === "csrfmiddlewaretoken") return false;
      var type = (el.type || "").toLowerCase();
      return ["file", "hidden", "password", "submit", "button", "reset"].indexOf(type) === -1;
    });
  }

  function save(form, key) {
    var values = {};
    fields(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) (values[el.name] = values[el.name] || []).push(el.value);
      } else {
        values[el.name] = el.value;
      }
    });
    try {
      storage().setItem(key, JSON.stringify({ savedAt: Date.now(), values: values }));
    } catch (error) {
      // quota exceeded: keep going without a draft
    }
  }

  function restore(form, key) {
    var raw = storage().getItem(key);
    if (!raw) return;
    var draft;
    try {
      draft = JSON.parse(raw);
    } catch (error) {
      storage().removeItem(key);
      return;
    }
    if (!draft || Date.now() - draft.savedAt > MAX_AGE_MS) {
      storage().removeItem(key);
      return;
    }
    var restored = false;
    fields(form).forEach(function (el) {
      var value = draft.values[el.name];
      if (value === undefined) return;
      if (el.type === "checkbox" || el.type === "radio") {
        // only on a blank form: the server's own values win
        if (!form.hasAttribute("data-draft-bound")) el.checked = value.indexOf(el.value) !== -1;
      } else if (el.value === "" && value !== "") {
        el.value = value; // never over what the server sent back
        restored = true;
      }
    });
    var notice = form.querySelector("[data-draft-notice]");
    if (restored && notice) notice.hidden = false;
  }

  function init() {
    var store = storage();
    if (!store) return;
    document.querySelectorAll("[data-draft-clear]").forEach(function (el) {
      store.removeItem(PREFIX + el.getAttribute("data-draft-clear"));
    });
    document.querySelectorAll("form[data-draft]").forEach(function (form) {
      var key = PREFIX + form.getAttribute("data-draft");
      restore(form, key);
      form.addEventListener("input", function () { save(form, key); });
      form.addEventListener("change", function () { save(form, key); });
      form.addEventListener("submit", function () { save(form, key); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

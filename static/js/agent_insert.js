// Agent ticket page: a saved response or an article link goes into the box chosen in the form's
// "cible" select. Every action textarea is named "text", so the typed text of the chosen box is sent
// as "saisie"; the server appends the insertion and retargets the swap onto that textarea (HX-Retarget).
(function () {
  "use strict";
  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt;
    if (!form || !form.hasAttribute || !form.hasAttribute("data-insert-form")) return;
    var choice = form.querySelector("select[name=cible]");
    var box = choice && document.getElementById("id_" + choice.value + "_text");
    if (box) event.detail.parameters["saisie"] = box.value;
  });
})();

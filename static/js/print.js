// The "Imprimer" button of printable pages (no inline script: strict CSP).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

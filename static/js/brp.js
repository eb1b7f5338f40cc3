// Small behaviours of every page, kept out of the HTML so the Content-Security-Policy needs no inline script.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    // <select data-autosubmit>: the language switch sends its form on change.
    if (event.target.matches("select[data-autosubmit]")) event.target.form.submit();
  });
  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-print], [data-history-back]");
    if (!el) return;
    event.preventDefault();
    if (el.hasAttribute("data-print")) window.print();
    else window.history.back();
  });
})();

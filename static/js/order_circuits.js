// Issue 14 §1: offer the chosen customer's active circuits (by circuit number or customer name) in the
// circuit field's <datalist>; without JS the exact circuit number is typed and resolved by the server.
(function () {
  "use strict";
  var input = document.getElementById("id_service"), list = document.getElementById("circuit-options");
  var customer = document.getElementById("id_customer");
  if (!input || !list) return;
  var timer = null;
  function load() {
    var query = "?q=" + encodeURIComponent(input.value || "");
    if (customer && customer.value) query += "&customer=" + encodeURIComponent(customer.value);
    fetch(input.dataset.searchUrl + query, {credentials: "same-origin"}).then(function (r) {
      return r.ok ? r.json() : {results: []};
    }).then(function (data) {
      list.textContent = "";
      data.results.forEach(function (c) {
        var option = document.createElement("option");
        option.value = c.code;
        option.textContent = c.customer + " · " + c.product;
        list.appendChild(option);
      });
    });
  }
  if (customer) customer.addEventListener("change", load);
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(load, 250); });
})();

// Fault queue: refresh the rows every 15 seconds.
(function () {
  "use strict";
  var table = document.getElementById("fault-queue");
  if (!table) return;
  setInterval(function () {
    fetch(table.dataset.refresh, {credentials: "same-origin"}).then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null) document.getElementById("fault-queue-rows").innerHTML = html; });
  }, 15000);
})();

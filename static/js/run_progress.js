// Poll the run while invoices are being generated (B4.2: progress shown on long work).
(function () {
  "use strict";
  var bar = document.getElementById("progress");
  if (!bar || bar.dataset.state !== "invoicing") return;
  var timer = setInterval(function () {
    fetch(bar.dataset.url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (run) {
      bar.max = run.progress_total || 1; bar.value = run.progress_done;
      document.getElementById("progress-text").textContent = run.progress_done + "/" + run.progress_total;
      if (run.state !== "invoicing") { clearInterval(timer); location.reload(); }
    });
  }, 2000);
})();

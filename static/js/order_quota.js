// R1.4: live quota usage — warn before an over-quota A/B submission.
(function () {
  "use strict";
  var level = document.getElementById("id_level"), box = document.getElementById("quota-warning");
  if (!level || !box) return;
  function check() {
    if (level.value !== "A" && level.value !== "B") { box.hidden = true; return; }
    fetch(box.dataset.quotaUrl + "?level=" + level.value, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (q) {
      var over = level.value === "A" ? q.a_over : q.b_over;
      box.hidden = !over; if (over) { box.textContent = box.dataset.overText; }
    });
  }
  level.addEventListener("change", check);
})();

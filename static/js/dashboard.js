// Overdue dashboard: the on-time trend (Chart.js) and the board, refreshed every minute.
(function () {
  "use strict";
  var board = document.getElementById("board");
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var colours = ["#0b5cab", "#b45309", "#15803d", "#b91c1c", "#7c3aed", "#0891b2", "#be185d", "#4d7c0f"];
  function datasets(d) {
    return d.series.map(function (s, i) {
      return {label: s.department, data: s.values, borderColor: colours[i % colours.length], spanGaps: true, tension: 0.2};
    });
  }
  var chart = new Chart(document.getElementById("trend"), {
    type: "line", data: {labels: data.labels, datasets: datasets(data)},
    options: {scales: {y: {min: 0, max: 100}}, animation: false}
  });
  var url = board.dataset.deadlinesUrl;
  function cell(row, field, windowName) {
    var a = document.createElement("a");
    a.href = url + "?category=" + row.category + "&department=" + (row.department || "") + "&level=" + row.level + "&window=" + windowName;
    a.textContent = row[field];
    if (field === "overdue" && row.overdue) a.className = "bad";
    var td = document.createElement("td"); td.appendChild(a); return td;
  }
  function text(value) { var td = document.createElement("td"); td.textContent = value; return td; }
  function refresh() {
    fetch(board.dataset.refreshUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (d) {
      var body = board.querySelector("tbody");
      body.innerHTML = "";
      d.rows.forEach(function (row) {
        var tr = document.createElement("tr");
        if (row.mine) tr.className = "mine";
        [text(row.category_label), text(row.department_name), text(row.level), cell(row, "overdue", "overdue"),
         cell(row, "overdue_served", "overdue_served"),
         cell(row, "due_2h", "2h"), cell(row, "due_24h", "24h")].forEach(function (td) { tr.appendChild(td); });
        body.appendChild(tr);
      });
      chart.data.labels = d.labels; chart.data.datasets = datasets(d); chart.update();
      document.getElementById("refreshed").textContent = new Date().toLocaleTimeString();
    });
  }
  setInterval(refresh, Number(document.body.dataset.refreshMs || 60000));
  window.brpRefreshDashboard = refresh;
})();

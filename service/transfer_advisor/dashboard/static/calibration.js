// Draws the reliability diagram of the calibration section from the JSON the server embedded.
(function () {
  "use strict";
  var node = document.getElementById("calibration-data");
  if (!node || typeof Chart === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  var palette = ["#111827", "#2563eb", "#16a34a", "#ea580c", "#9333ea", "#0891b2"];
  var rows = [data.as_made].concat(data.versions);
  var datasets = rows.map(function (c, i) {
    return {
      label: c.policy_version || "as made (all versions)",
      data: c.reliability.filter(function (b) { return b.n > 0; })
        .map(function (b) { return {x: b.mean_score, y: b.observed_rate, n: b.n}; }),
      borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length],
      showLine: true, pointRadius: 4
    };
  });
  datasets.push({label: "perfectly calibrated", data: [{x: 0, y: 0}, {x: 1, y: 1}],
                 borderColor: "#9ca3af", borderDash: [4, 4], pointRadius: 0, showLine: true});
  new Chart(document.getElementById("chart-reliability"), {
    type: "scatter",
    data: {datasets: datasets},
    options: {
      animation: false, maintainAspectRatio: false,
      scales: {x: {min: 0, max: 1, title: {display: true, text: "mean transfer score in bin"}},
               y: {min: 0, max: 1, title: {display: true, text: "observed share gain > 0"}}},
      plugins: {tooltip: {callbacks: {label: function (ctx) {
        var p = ctx.raw;
        return ctx.dataset.label + ": score " + p.x.toFixed(2) + ", observed " + p.y.toFixed(2) +
          (p.n ? " (n=" + p.n + ")" : "");
      }}}}
    }
  });
})();

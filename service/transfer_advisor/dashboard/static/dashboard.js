// Draws the dashboard's two charts from the JSON the server embedded; no network calls.
(function () {
  "use strict";
  var node = document.getElementById("dashboard-data");
  if (!node || typeof Chart === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  var colours = {fine_tune: "#2563eb", feature_extraction: "#16a34a", train_from_scratch: "#ea580c"};
  Chart.defaults.animation = false;  // deterministic screenshots, no layout jitter
  Chart.defaults.maintainAspectRatio = false;

  new Chart(document.getElementById("chart-over-time"), {
    type: "bar",
    data: {
      labels: data.days,
      datasets: data.strategies.map(function (s) {
        return {label: s.replace(/_/g, " "), data: data.per_day[s], backgroundColor: colours[s],
                maxBarThickness: 64};
      })
    },
    options: {scales: {x: {stacked: true}, y: {stacked: true, beginAtZero: true, ticks: {precision: 0}}}}
  });

  var edges = data.score_edges;
  new Chart(document.getElementById("chart-scores"), {
    type: "bar",
    data: {
      labels: data.score_counts.map(function (_, i) {
        return edges[i].toFixed(1) + "–" + edges[i + 1].toFixed(1);
      }),
      datasets: [{label: "assessments", data: data.score_counts, backgroundColor: "#6366f1",
                  barPercentage: 1.0, categoryPercentage: 1.0}]
    },
    options: {plugins: {legend: {display: false}},
              scales: {x: {title: {display: true, text: "transfer score"}},
                       y: {beginAtZero: true, ticks: {precision: 0}}}}
  });
})();

// One source/target pair over time (only when both names are filtered).
(function () {
  "use strict";
  var node = document.getElementById("dashboard-data");
  if (!node || typeof Chart === "undefined") { return; }
  var trend = JSON.parse(node.textContent).trend;
  if (!trend || !document.getElementById("chart-trend-score")) { return; }
  var palette = ["#2563eb", "#16a34a", "#ea580c", "#9333ea", "#0891b2", "#ca8a04", "#db2777",
                 "#4b5563", "#65a30d", "#dc2626"];

  new Chart(document.getElementById("chart-trend-score"), {
    type: "line",
    data: {
      labels: trend.labels,
      datasets: [
        {label: "transfer score", data: trend.transfer_score, borderColor: "#6366f1",
         backgroundColor: "#6366f1", tension: 0},
        {label: "confidence", data: trend.confidence, borderColor: "#9ca3af",
         backgroundColor: "#9ca3af", borderDash: [4, 4], tension: 0}
      ]
    },
    options: {scales: {y: {min: 0, max: 1}}}
  });

  var names = Object.keys(trend.ratios);
  new Chart(document.getElementById("chart-trend-shift"), {
    type: "line",
    data: {
      labels: trend.labels,
      datasets: names.map(function (m, i) {
        return {label: m, data: trend.ratios[m], borderColor: palette[i % palette.length],
                backgroundColor: palette[i % palette.length], spanGaps: true, tension: 0};
      })
    },
    options: {scales: {y: {type: "logarithmic",
                           title: {display: true, text: "× same-distribution baseline"}}}}
  });
})();

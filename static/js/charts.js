/* ParIndex charts: draws every <canvas data-chart="ID"> from the JSON of the element with that id,
 * written by Django's json_script filter:
 *
 *   {{ chart|json_script:"collected-chart" }}
 *   <div class="chart" style="height: 20rem"><canvas data-chart="collected-chart" role="img"
 *        aria-label="..."></canvas></div>
 *
 * The JSON: {"type": "bar", "labels": [...], "datasets": [{"label": "...", "data": [...]}, ...],
 * "options": {...}} ("options" is optional and merged over the defaults below; datasets without
 * colours get the palette's). Load vendor/chart.umd.min.js first, then this file, both deferred.
 * Always keep the table of the same numbers next to the chart: the chart is for the eye, the table
 * for screen readers, printing and exact values. Charts inside htmx fragments are drawn when the
 * fragment settles. Never load these files on the public survey form (it must stay light).
 */
(function () {
  "use strict";

  var PALETTE = ["#b91c1c", "#94a3b8", "#1d4ed8", "#166534", "#d97706", "#7c3aed"];

  function isPlain(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function merge(target, source) {
    Object.keys(source).forEach(function (key) {
      if (isPlain(source[key]) && isPlain(target[key])) {
        merge(target[key], source[key]);
      } else {
        target[key] = source[key];
      }
    });
    return target;
  }

  function defaults() {
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: still ? false : { duration: 300 },
      locale: document.documentElement.lang || "vi",
      plugins: { legend: { position: "bottom" } }
    };
  }

  function draw(canvas) {
    if (canvas.getAttribute("data-chart-drawn") || !window.Chart) {
      return;
    }
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) {
      return;
    }
    var spec;
    try {
      spec = JSON.parse(source.textContent);
    } catch (error) {
      return;
    }
    var datasets = (spec.datasets || []).map(function (dataset, i) {
      var colour = PALETTE[i % PALETTE.length];
      return merge({ backgroundColor: colour, borderColor: colour }, dataset);
    });
    canvas.setAttribute("data-chart-drawn", "1");
    new window.Chart(canvas, {
      type: spec.type || "bar",
      data: { labels: spec.labels || [], datasets: datasets },
      options: merge(defaults(), spec.options || {})
    });
  }

  function drawAll(root) {
    var scope = root && root.querySelectorAll ? root : document;
    Array.prototype.forEach.call(scope.querySelectorAll("canvas[data-chart]"), draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      drawAll(document);
    });
  } else {
    drawAll(document);
  }
  document.addEventListener("htmx:afterSettle", function (event) {
    drawAll(event.target);
  });
  window.ParIndexCharts = { drawAll: drawAll };
})();

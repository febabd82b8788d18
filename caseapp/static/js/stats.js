/* Statistics dashboard: draws each chart with ECharts from the page's JSON endpoint (no inline scripts, CSP). */
(function () {
  "use strict";

  function option(chart, empty) {
    var labels = chart.rows.map(function (r) { return r[0]; });
    var values = chart.rows.map(function (r) { return r[1]; });
    var base = {
      animation: false,
      tooltip: { trigger: chart.kind === "pie" ? "item" : "axis", confine: true },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true }
    };
    if (!chart.rows.length) {
      base.title = { text: empty, left: "center", top: "middle", textStyle: { color: "#6c757d", fontSize: 14 } };
      return base;
    }
    if (chart.kind === "pie") {
      base.legend = { type: "scroll", bottom: 0 };
      base.series = [{
        type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"],
        data: chart.rows.map(function (r) { return { name: r[0], value: r[1] }; }),
        label: { formatter: "{b}: {c}" }
      }];
      return base;
    }
    var horizontal = chart.kind === "bar" && labels.length > 6;
    var category = { type: "category", data: labels, axisLabel: { interval: 0, hideOverlap: true } };
    var value = { type: "value", minInterval: 1 };
    base.xAxis = horizontal ? value : category;
    base.yAxis = horizontal ? Object.assign({}, category, { inverse: true }) : value;
    base.series = [{ type: chart.kind, data: values, name: chart.header[1], label: { show: true, position: horizontal ? "right" : "top" } }];
    return base;
  }

  function draw(root, charts) {
    var empty = root.getAttribute("data-empty") || "";
    var drawn = [];
    charts.forEach(function (chart) {
      var el = root.querySelector('[data-canvas="' + chart.name + '"]');
      if (!el) { return; }
      var instance = window.echarts.init(el, null, { renderer: "canvas" });
      instance.setOption(option(chart, empty));
      el.setAttribute("data-drawn", "true");
      drawn.push(instance);
    });
    window.addEventListener("resize", function () { drawn.forEach(function (c) { c.resize(); }); });
    root.setAttribute("data-ready", "true");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("stats-charts");
    if (!root || !window.echarts) { return; }
    fetch(root.getAttribute("data-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (resp) { if (!resp.ok) { throw new Error(resp.status); } return resp.json(); })
      .then(function (data) { draw(root, data.charts); })
      .catch(function () { root.setAttribute("data-ready", "error"); });
  });
})();

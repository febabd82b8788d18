/* Open statistics (/public/statistics): draws each table's chart with ECharts from its data-chart
   attribute (no inline scripts, CSP). Each value comes as [number or null, text]: a figure withheld
   under the fewer-than-5 rule has no number and is drawn as an empty bar labelled with its words
   ("少于5件"), never as a number. */
(function () {
  "use strict";

  var ROW = 26;  // px per category of a horizontal bar chart

  function option(chart, empty) {
    var base = {
      animation: false,
      tooltip: { trigger: "item", confine: true, formatter: function (p) {
        var cell = chart.rows[p.dataIndex][1][p.seriesIndex] || chart.rows[p.dataIndex][1][0];
        return (chart.series.length > 1 ? p.seriesName + " · " : "") + p.name + "：" + cell[1];
      } },
      grid: { left: 8, right: 56, top: 24, bottom: chart.series.length > 1 ? 32 : 8, containLabel: true }
    };
    if (!chart.rows.length) {
      base.title = { text: empty, left: "center", top: "middle", textStyle: { color: "#595959", fontSize: 14 } };
      return base;
    }
    var labels = chart.rows.map(function (r) { return r[0]; });
    var complete = chart.rows.every(function (r) { return r[1][0][0] !== null; });
    if (chart.kind === "pie" && complete) {
      base.legend = { bottom: 0 };
      base.series = [{
        type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"],
        data: chart.rows.map(function (r) { return { name: r[0], value: r[1][0][0] }; }),
        label: { formatter: "{b}：{c}" }
      }];
      return base;
    }
    var horizontal = labels.length * chart.series.length > 12;
    var category = { type: "category", data: labels, axisLabel: { interval: 0, width: 240, overflow: "truncate" } };
    var value = { type: "value", minInterval: 1 };
    base.xAxis = horizontal ? value : category;
    base.yAxis = horizontal ? Object.assign({}, category, { inverse: true }) : value;
    if (chart.series.length > 1) { base.legend = { bottom: 0 }; }
    base.series = chart.series.map(function (name, i) {
      return {
        type: "bar", name: name, barMaxWidth: 48,
        data: chart.rows.map(function (r) { return r[1][i][0] === null ? 0 : r[1][i][0]; }),
        label: { show: true, position: horizontal ? "right" : "top",
                 formatter: function (p) { return chart.rows[p.dataIndex][1][i][1]; } }
      };
    });
    base.horizontal = horizontal;
    return base;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("public-stats");
    if (!root || !window.echarts) { return; }
    var empty = root.getAttribute("data-empty") || "";
    var drawn = [];
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var chart = JSON.parse(el.getAttribute("data-chart"));
      var opt = option(chart, empty);
      if (opt.horizontal) {  // room for every category (CSSOM, allowed by the CSP)
        el.style.height = Math.max(280, chart.rows.length * chart.series.length * ROW / (chart.series.length > 1 ? 2 : 1) + 80) + "px";
      }
      delete opt.horizontal;
      var instance = window.echarts.init(el, null, { renderer: "canvas" });
      instance.setOption(opt);
      el.setAttribute("data-drawn", "true");
      drawn.push(instance);
    });
    window.addEventListener("resize", function () { drawn.forEach(function (c) { c.resize(); }); });
    root.setAttribute("data-ready", "true");
  });
})();

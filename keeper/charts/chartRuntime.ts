/**
 * Browser code shared by every page with charts (evaluation report, demo report, dashboard):
 * `window.DammCharts.draw(container, spec)` draws a ChartSpec (chartSpec.ts) with uPlot, inlined
 * by chartAssets.ts so pages work offline.
 * - Readable ticks: steps are 1, 2 or 5 × 10^n only (uPlot's default also allows 2.5, which gives
 *   labels like 42.75), printed with exactly the decimals the step needs.
 * - Zoom: drag across a chart to zoom the x axis, double-click to reset.
 * - After each draw the container carries data-rendered="true", data-series (count),
 *   data-axis-labels and data-ticks (JSON, the tick labels per axis) so a headless test can check
 *   what was drawn; a failure sets data-error and rethrows.
 */
export const CHART_RUNTIME = String.raw`
(function () {
  "use strict";
  var INCRS = [];
  for (var e = -12; e <= 15; e++) [1, 2, 5].forEach(function (m) { INCRS.push(+(m + "e" + e)); });
  function decimalsFor(step) { return Math.max(0, -Math.floor(Math.log10(step) + 1e-9)); }
  function fmtTick(v, step) {
    if (v == null) return "";
    var d = decimalsFor(step);
    if (Math.abs(v) >= 1e4) return v.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
    var s = v.toFixed(d);
    return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
  }
  function tickValues(u, splits, axisIdx, space, incr) { return splits.map(function (v) { return fmtTick(v, incr); }); }
  function fmtLegend(v) {
    if (v == null || !isFinite(v)) return "–";
    var a = Math.abs(v);
    if (a >= 1e4) return v.toLocaleString("en-US", { maximumFractionDigits: 0 });
    if (a >= 100) return v.toFixed(2);
    return v.toPrecision(4);
  }

  function drawMarkers(u, markers) {
    if (!markers || !markers.length) return;
    var ctx = u.ctx, b = u.bbox, bottom = b.top + b.height, len = 10 * devicePixelRatio;
    ctx.save();
    ctx.lineWidth = Math.max(1, devicePixelRatio);
    markers.forEach(function (m) {
      var x = u.valToPos(m.x, "x", true);
      if (x < b.left || x > b.left + b.width) return;
      ctx.strokeStyle = m.color;
      ctx.beginPath(); ctx.moveTo(x, bottom); ctx.lineTo(x, bottom - len); ctx.stroke();
    });
    ctx.restore();
  }

  function drawWhiskers(u, spec) {
    var ctx = u.ctx;
    ctx.save();
    ctx.lineWidth = Math.max(1, devicePixelRatio);
    spec.series.forEach(function (s, si) {
      if (!s.points) return;
      ctx.strokeStyle = s.color;
      for (var i = 0; i < spec.x.length; i++) {
        var lo = s.points.lo[i], hi = s.points.hi[i];
        if (lo == null || hi == null) continue;
        var x = u.valToPos(spec.x[i], "x", true), y1 = u.valToPos(lo, "y", true), y2 = u.valToPos(hi, "y", true);
        ctx.beginPath(); ctx.moveTo(x, y1); ctx.lineTo(x, y2); ctx.stroke();
      }
    });
    ctx.restore();
  }

  function record(container, u, spec) {
    container.setAttribute("data-series", String(spec.series.length));
    container.setAttribute("data-axis-labels", JSON.stringify(u.axes.map(function (a) { return a.label || ""; })));
    container.setAttribute("data-ticks", JSON.stringify(u.axes.map(function (a) { return (a._values || []).filter(function (v) { return v !== ""; }); })));
    container.setAttribute("data-rendered", "true");
  }

  function draw(container, spec) {
    try {
      var width = Math.max(360, Math.min(1100, container.clientWidth || 860));
      var hasRight = spec.series.some(function (s) { return s.axis === "right"; });
      var cats = spec.categories;
      var xAxis = { label: spec.xLabel, incrs: INCRS, values: tickValues, grid: { stroke: "#eee" } };
      if (spec.xTime) xAxis = { label: spec.xLabel, grid: { stroke: "#eee" } };
      if (cats) {
        xAxis.splits = function () { return cats.map(function (_c, i) { return i; }); };
        xAxis.values = function (u, splits) { return splits.map(function (i) { return cats[i] || ""; }); };
        xAxis.incrs = [1];
      }
      var axes = [xAxis, { label: spec.yLabel, scale: "y", incrs: INCRS, values: tickValues, size: 72, grid: { stroke: "#eee" } }];
      if (hasRight) axes.push({ label: spec.y2Label || "", scale: "y2", side: 1, incrs: INCRS, values: tickValues, size: 72, grid: { show: false } });
      var scales = { x: { time: !!spec.xTime }, y: {} };
      if (cats) scales.x.range = function () { return [-0.5, cats.length - 0.5]; };
      if (hasRight) scales.y2 = {};
      var series = [spec.xTime ? { label: spec.xLabel } : { label: spec.xLabel, value: function (u, v) { return cats ? (cats[Math.round(v)] || "") : fmtLegend(v); } }];
      spec.series.forEach(function (s) {
        var one = {
          label: s.label,
          stroke: s.color,
          width: s.width || 1.5,
          scale: s.axis === "right" ? "y2" : "y",
          spanGaps: true,
          points: { show: false },
          value: function (u, v) { return fmtLegend(v); },
        };
        if (s.dash) one.dash = [5, 4];
        if (s.points) { one.paths = function () { return null; }; one.points = { show: true, size: 9, fill: s.color, stroke: s.color }; }
        series.push(one);
      });
      var data = [spec.x.slice()].concat(spec.series.map(function (s) { return s.values.map(function (v) { return v == null || !isFinite(v) ? null : v; }); }));
      var opts = {
        width: width,
        height: spec.height || 260,
        scales: scales,
        axes: axes,
        series: series,
        legend: { live: true },
        cursor: { drag: { x: !cats, y: false, setScale: !cats }, sync: spec.syncKey ? { key: spec.syncKey } : undefined },
        hooks: {
          draw: [function (u) {
            drawMarkers(u, spec.markers);
            if (spec.series.some(function (s) { return s.points; })) drawWhiskers(u, spec);
            record(container, u, spec);
          }],
        },
      };
      container.removeAttribute("data-error");
      return new uPlot(opts, data, container);
    } catch (err) {
      container.setAttribute("data-error", String(err && err.message || err));
      throw err;
    }
  }

  /**
   * Replaces the chart's data in place (the dashboard's polling). The x range follows the new data
   * unless the user has zoomed in (the shown range is narrower than the old data's), which stays.
   */
  function update(u, spec) {
    var data = [spec.x.slice()].concat(spec.series.map(function (s) { return s.values.map(function (v) { return v == null || !isFinite(v) ? null : v; }); }));
    var old = u.data[0], sx = u.scales.x;
    var zoomed = old && old.length > 1 && sx.min != null && (sx.min > old[0] || sx.max < old[old.length - 1]);
    u.setData(data, !zoomed);
    return u;
  }

  window.DammCharts = { draw: draw, update: update, fmtTick: fmtTick, INCRS: INCRS };
})();
`;

/**
 * The report's inline drawing code (plain browser JS as a string, so the page needs no network
 * and no build step). Each chart container carries data-chart and gets data-rendered="true" once
 * drawn; a failure sets data-error and rethrows so a headless test sees a page error.
 */
export const CLIENT_SCRIPT = String.raw`
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("report-data").textContent);
  var NS = "http://www.w3.org/2000/svg";
  var COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
  function colorOf(i) { return COLORS[i % COLORS.length]; }
  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, String(attrs[k]));
    if (parent) parent.appendChild(e);
    return e;
  }
  function text(parent, x, y, s, attrs) {
    var t = el("text", Object.assign({ x: x, y: y, "font-size": 11, fill: "#333" }, attrs || {}), parent);
    t.textContent = s;
    return t;
  }
  function fmt(v) {
    var a = Math.abs(v);
    if (a === 0) return "0";
    if (a >= 1e6 || a < 1e-3) return v.toExponential(2);
    if (a >= 100) return v.toFixed(0);
    if (a >= 1) return v.toFixed(2);
    return v.toPrecision(3);
  }
  /** [lo, hi] of every finite value, widened by padFrac of the span (0 for a time axis, so it starts at its first sample). */
  function extent(arrs, padFrac) {
    var lo = Infinity, hi = -Infinity;
    arrs.forEach(function (a) { a.forEach(function (v) { if (isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; } }); });
    if (!isFinite(lo)) { lo = 0; hi = 1; }
    if (lo === hi) { lo -= 1; hi += 1; }
    var pad = (hi - lo) * padFrac;
    return [lo - pad, hi + pad];
  }
  function svgFor(container, w, h) {
    return el("svg", { width: w, height: h, viewBox: "0 0 " + w + " " + h, role: "img" }, container);
  }
  /** series: [{name, xs, ys, color, dash}], markers: [{x, color, label}] */
  function lineChart(container, opts) {
    var W = 820, H = 260, L = 70, R = 150, T = 20, B = 36;
    var svg = svgFor(container, W, H);
    var xr = extent(opts.series.map(function (s) { return s.xs; }), 0);
    var yr = extent(opts.series.map(function (s) { return s.ys; }), 0.05);
    function sx(x) { return L + (x - xr[0]) / (xr[1] - xr[0]) * (W - L - R); }
    function sy(y) { return H - B - (y - yr[0]) / (yr[1] - yr[0]) * (H - T - B); }
    el("rect", { x: L, y: T, width: W - L - R, height: H - T - B, fill: "#fafafa", stroke: "#ccc" }, svg);
    for (var i = 0; i <= 4; i++) {
      var yv = yr[0] + (yr[1] - yr[0]) * i / 4, xv = xr[0] + (xr[1] - xr[0]) * i / 4;
      el("line", { x1: L, x2: W - R, y1: sy(yv), y2: sy(yv), stroke: "#eee" }, svg);
      text(svg, L - 6, sy(yv) + 4, fmt(yv), { "text-anchor": "end" });
      text(svg, sx(xv), H - B + 14, fmt(xv), { "text-anchor": "middle", class: "x-tick" });
    }
    text(svg, (L + W - R) / 2, H - 4, opts.xLabel || "hours", { "text-anchor": "middle" });
    text(svg, 12, T + 10, opts.yLabel || "", {});
    (opts.markers || []).forEach(function (m) {
      el("line", { x1: sx(m.x), x2: sx(m.x), y1: H - B, y2: H - B - 8, stroke: m.color, "stroke-width": 1, "data-marker": m.label }, svg);
    });
    opts.series.forEach(function (s, idx) {
      var d = "";
      for (var j = 0; j < s.xs.length; j++) {
        if (!isFinite(s.ys[j])) continue;
        d += (d === "" ? "M" : "L") + sx(s.xs[j]).toFixed(1) + "," + sy(s.ys[j]).toFixed(1);
      }
      el("path", { d: d, fill: "none", stroke: s.color || colorOf(idx), "stroke-width": s.width || 1.4, "stroke-dasharray": s.dash || "" }, svg);
      el("rect", { x: W - R + 10, y: T + idx * 16, width: 10, height: 10, fill: s.color || colorOf(idx) }, svg);
      text(svg, W - R + 24, T + idx * 16 + 9, s.name, {});
    });
    return svg;
  }
  function barChart(container, groups, seriesNames) {
    // groups: [{label, values: [{mean, lo, hi}] per series}]
    var W = 820, H = 280, L = 70, R = 150, T = 20, B = 60;
    var svg = svgFor(container, W, H);
    var all = [0];
    groups.forEach(function (g) { g.values.forEach(function (v) { all.push(v.lo, v.hi, v.mean); }); });
    var yr = extent([all], 0.05);
    function sy(y) { return H - B - (y - yr[0]) / (yr[1] - yr[0]) * (H - T - B); }
    var gw = (W - L - R) / groups.length, bw = gw * 0.8 / seriesNames.length;
    el("line", { x1: L, x2: W - R, y1: sy(0), y2: sy(0), stroke: "#999" }, svg);
    for (var i = 0; i <= 4; i++) { var yv = yr[0] + (yr[1] - yr[0]) * i / 4; text(svg, L - 6, sy(yv) + 4, fmt(yv), { "text-anchor": "end" }); }
    groups.forEach(function (g, gi) {
      var x0 = L + gi * gw + gw * 0.1;
      g.values.forEach(function (v, si) {
        var x = x0 + si * bw, y1 = sy(Math.max(0, v.mean)), y2 = sy(Math.min(0, v.mean));
        el("rect", { x: x, y: y1, width: bw * 0.9, height: Math.max(0.5, y2 - y1), fill: colorOf(si) }, svg);
        el("line", { x1: x + bw * 0.45, x2: x + bw * 0.45, y1: sy(v.lo), y2: sy(v.hi), stroke: "#000" }, svg);
      });
      text(svg, L + gi * gw + gw / 2, H - B + 16, g.label, { "text-anchor": "middle" });
    });
    seriesNames.forEach(function (n, si) {
      el("rect", { x: W - R + 10, y: T + si * 16, width: 10, height: 10, fill: colorOf(si) }, svg);
      text(svg, W - R + 24, T + si * 16 + 9, n, {});
    });
  }
  function heatmap(container, hm) {
    var cw = 90, ch = 16, L = 260, T = 40;
    var W = L + cw * hm.actionLabels.length + 20, H = T + ch * hm.stateLabels.length + 20;
    var svg = svgFor(container, W, H);
    var lo = Infinity, hi = -Infinity;
    hm.q.forEach(function (row, s) { row.forEach(function (v, a) { if (hm.visits[s][a] > 0) { lo = Math.min(lo, v); hi = Math.max(hi, v); } }); });
    if (!isFinite(lo)) { lo = -1; hi = 1; }
    var m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    hm.actionLabels.forEach(function (a, j) { text(svg, L + j * cw + cw / 2, T - 8, a, { "text-anchor": "middle" }); });
    hm.stateLabels.forEach(function (s, i) {
      text(svg, L - 6, T + i * ch + 12, s, { "text-anchor": "end", "font-size": 10 });
      var best = 0;
      hm.q[i].forEach(function (v, j) { if (v > hm.q[i][best]) best = j; });
      hm.q[i].forEach(function (v, j) {
        var t = Math.max(-1, Math.min(1, v / m)), fill;
        if (hm.visits[i][j] === 0) fill = "#ddd";
        else if (t >= 0) fill = "rgb(" + Math.round(255 - 200 * t) + "," + Math.round(255 - 80 * t) + "," + Math.round(255 - 200 * t) + ")";
        else fill = "rgb(255," + Math.round(255 + 180 * t) + "," + Math.round(255 + 180 * t) + ")";
        var r = el("rect", { x: L + j * cw, y: T + i * ch, width: cw - 1, height: ch - 1, fill: fill, stroke: j === best && hm.visits[i][j] > 0 ? "#000" : "none" }, svg);
        var title = el("title", {}, r); title.textContent = s + " / " + hm.actionLabels[j] + ": Q=" + fmt(v) + ", visits=" + hm.visits[i][j];
        text(svg, L + j * cw + cw / 2, T + i * ch + 12, String(hm.visits[i][j]), { "text-anchor": "middle", "font-size": 9, fill: "#222" });
      });
    });
  }
  function tracesChart(container, traces, pick, yLabel) {
    lineChart(container, {
      yLabel: yLabel,
      series: traces.map(function (tr, i) { return { name: tr.policy, xs: tr.t, ys: pick(tr), color: colorOf(i) }; }),
    });
  }
  var renderers = {
    "mark-oracle": function (c) {
      DATA.traces.forEach(function (tr, i) {
        var box = document.createElement("div"); box.className = "sub"; c.appendChild(box);
        var h = document.createElement("h4"); h.textContent = tr.policy + " — " + tr.scenario + " (seed " + tr.seed + "), " + tr.updates.length + " updates"; box.appendChild(h);
        lineChart(box, {
          yLabel: "price",
          series: [{ name: "oracle", xs: tr.t, ys: tr.oracle, color: "#555", dash: "4 3" }, { name: "mark", xs: tr.t, ys: tr.mark, color: colorOf(i) }],
          markers: tr.updates.map(function (u) { return { x: u.t, color: u.kind === "repeg" ? "#d62728" : "#2ca02c", label: u.kind }; }),
        });
      });
    },
    "imbalance": function (c) { tracesChart(c, DATA.traces, function (t) { return t.imbalance; }, "(long−short)/total OI"); },
    "budget": function (c) { tracesChart(c, DATA.traces, function (t) { return t.budget; }, "budget (quote)"); },
    "reward-parts": function (c) {
      var names = Object.keys(DATA.rewardParts[0].parts);
      barChart(c, names.map(function (n) { return { label: n, values: DATA.rewardParts.map(function (p) { return p.parts[n]; }) }; }), DATA.rewardParts.map(function (p) { return p.policy; }));
    },
    "q-heatmap": function (c) {
      if (!DATA.heatmap) { c.textContent = "no learned policy in this evaluation"; return; }
      heatmap(c, DATA.heatmap);
    },
    "replay": function (c) {
      var b1 = document.createElement("div"); c.appendChild(b1);
      tracesChart(b1, DATA.replay, function (t) { return t.cumNetRevenue; }, "cumulative net revenue");
      var b2 = document.createElement("div"); c.appendChild(b2);
      var gaps = DATA.replay.map(function (tr, i) {
        return { name: tr.policy, xs: tr.t, ys: tr.mark.map(function (m, j) { return (m / tr.oracle[j] - 1) * 1e4; }), color: colorOf(i) };
      });
      lineChart(b2, { yLabel: "mark/oracle−1 (bps)", series: gaps });
    },
    "training-curve": function (c) {
      if (!DATA.trainingCurve.length) { c.textContent = "no training curve"; return; }
      var xs = DATA.trainingCurve.map(function (p) { return p.episode; });
      lineChart(c, { xLabel: "episode", yLabel: "episode reward", series: [{ name: "reward", xs: xs, ys: DATA.trainingCurve.map(function (p) { return p.reward; }) }] });
      lineChart(c, { xLabel: "episode", yLabel: "ε", series: [{ name: "epsilon", xs: xs, ys: DATA.trainingCurve.map(function (p) { return p.epsilon; }), color: "#9467bd" }] });
    },
  };
  var nodes = document.querySelectorAll("[data-chart]");
  for (var i = 0; i < nodes.length; i++) {
    var node = nodes[i], kind = node.getAttribute("data-chart"), fn = renderers[kind];
    try {
      if (!fn) throw new Error("no renderer for chart " + kind);
      fn(node);
      node.setAttribute("data-rendered", "true");
    } catch (e) {
      node.setAttribute("data-error", String(e && e.message || e));
      throw e;
    }
  }
  document.body.setAttribute("data-report-ready", "true");
})();
`;

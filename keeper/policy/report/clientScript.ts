/**
 * The report's inline page code (plain browser JS as a string, so the page needs no network and no
 * build step). Plots are uPlot charts drawn by the shared runtime (keeper/charts, inlined with the
 * library) from specs built in reportCharts.ts; the Q-table heatmap stays an SVG grid (a table,
 * not a plot). Each chart container carries data-chart and gets data-rendered="true" once drawn;
 * a failure sets data-error and rethrows so a headless test sees a page error.
 */
export const CLIENT_SCRIPT = String.raw`
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("report-data").textContent);
  var NS = "http://www.w3.org/2000/svg";
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
  function svgFor(container, w, h) {
    return el("svg", { width: w, height: h, viewBox: "0 0 " + w + " " + h, role: "img" }, container);
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
  /** Each titled chart in its own box; the container is rendered once every box drew. */
  function plots(c, list) {
    if (!list.length) { c.textContent = "no data"; c.setAttribute("data-rendered", "true"); return; }
    var pending = list.length;
    list.forEach(function (item) {
      var box = document.createElement("div"); box.className = "sub"; c.appendChild(box);
      if (item.title) { var h = document.createElement("h4"); h.textContent = item.title; box.appendChild(h); }
      var plot = document.createElement("div"); plot.className = "plot"; box.appendChild(plot);
      var seen = false;
      new MutationObserver(function (_m, obs) {
        if (seen || plot.getAttribute("data-rendered") !== "true") return;
        seen = true; obs.disconnect();
        if (--pending === 0) c.setAttribute("data-rendered", "true");
      }).observe(plot, { attributes: true, attributeFilter: ["data-rendered"] });
      DammCharts.draw(plot, item.spec);
    });
  }
  var nodes = document.querySelectorAll("[data-chart]");
  for (var i = 0; i < nodes.length; i++) {
    var node = nodes[i], kind = node.getAttribute("data-chart");
    try {
      if (kind === "q-heatmap") {
        if (!DATA.heatmap) node.textContent = "no learned policy in this evaluation";
        else heatmap(node, DATA.heatmap);
        node.setAttribute("data-rendered", "true");
      } else {
        if (!DATA.charts[kind]) throw new Error("no chart data for " + kind);
        plots(node, DATA.charts[kind]);
      }
    } catch (e) {
      node.setAttribute("data-error", String(e && e.message || e));
      throw e;
    }
  }
  document.body.setAttribute("data-report-ready", "true");
})();
`;

/**
 * The keeper's dashboard page (GET /dashboard): one self-contained HTML page, uPlot and the chart
 * runtime inlined (works with no internet), polling GET /dashboard/data.json (dashboardData.ts).
 * Per market: the latest journaled figures, mark / oracle / gap and budget over time, the daily-cap
 * headroom, the recent decisions with the policy's state, Q-values and the reason for each skip;
 * below, the journal tail of every market. Figures carry data-market / data-figure / data-value
 * (the raw number) so a test can compare them with the journal.
 */
import { chartAssetsHtml } from "../../charts/chartAssets";

export const DASHBOARD_DATA_PATH = "/dashboard/data.json";

const CLIENT = String.raw`
(function () {
  "use strict";
  var params = new URLSearchParams(location.search);
  var POLL_MS = Math.max(250, Number(params.get("pollMs")) || 5000);
  var charts = {};
  var polls = 0;

  function h(tag, attrs, children) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) if (attrs[k] != null) e.setAttribute(k, String(attrs[k]));
    (children || []).forEach(function (c) { e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return e;
  }
  function fixed(v, d) { return v == null || !isFinite(v) ? "–" : v.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d }); }
  var fmt = {
    price: function (v) { return fixed(v, Math.abs(v) >= 100 ? 2 : 4); },
    bps: function (v) { return fixed(v, 1) + " bps"; },
    quote: function (v) { return fixed(v, 2); },
    int: function (v) { return v == null ? "–" : String(v); },
    age: function (v) { return v == null ? "–" : v + " s"; },
    time: function (s) { return s == null ? "–" : new Date(s * 1000).toISOString().slice(11, 19); },
  };
  function figure(market, key, label, value, text, cls) {
    return h("div", { "class": "fig" + (cls ? " " + cls : ""), "data-market": market, "data-figure": key, "data-value": value == null ? "" : value }, [
      h("span", { "class": "k" }, [label]), h("span", { "class": "v" }, [text]),
    ]);
  }
  function qCell(d) {
    if (!d.qValues.length) return h("td", { "class": "q" }, ["–"]);
    var best = 0;
    d.qValues.forEach(function (q, i) { if (q > d.qValues[best]) best = i; });
    var td = h("td", { "class": "q" });
    d.qValues.forEach(function (q, i) {
      var s = h("span", { "class": i === d.actionIndex ? "chosen" : i === best ? "best" : "" }, [q.toFixed(2)]);
      td.appendChild(s);
      if (i < d.qValues.length - 1) td.appendChild(document.createTextNode(" "));
    });
    return td;
  }
  function decisionRow(d, withMarket) {
    var cells = [h("td", {}, [String(d.id)])];
    if (withMarket) cells.push(h("td", {}, [d.market]));
    cells.push(
      h("td", {}, [String(d.slot)]),
      h("td", {}, [fmt.time(d.blockTimestamp)]),
      h("td", {}, [d.action]),
      h("td", {}, [String(d.stateIndex)]),
      qCell(d),
      h("td", { "class": "st st-" + d.status }, [d.status]),
      h("td", { "class": "why" }, [d.reason || (d.txHash ? d.txHash.slice(0, 10) + "…" + (d.cost != null ? " cost " + fixed(d.cost, 4) : "") : "")])
    );
    return h("tr", { "data-id": d.id, "data-status": d.status, "data-market": d.market }, cells);
  }
  function table(head, rows, attrs) {
    return h("table", attrs, [h("thead", {}, [h("tr", {}, head.map(function (c) { return h("th", {}, [c]); }))]), h("tbody", {}, rows)]);
  }
  function specs(m) {
    var x = m.history.t;
    return {
      price: {
        xLabel: "block time (UTC)", xTime: true, yLabel: "price", y2Label: "gap (bps)", x: x, height: 240, syncKey: "dash-" + m.name,
        series: [
          { label: "oracle", color: "#555555", values: m.history.oracle, dash: true },
          { label: "mark", color: "#1f77b4", values: m.history.mark },
          { label: "gap (bps)", color: "#e67e22", values: m.history.gapBps, axis: "right", width: 1 },
        ],
      },
      budget: {
        xLabel: "block time (UTC)", xTime: true, yLabel: "budget (quote)", x: x, height: 180, syncKey: "dash-" + m.name,
        series: [{ label: "budget", color: "#2ca02c", values: m.history.budget }],
      },
    };
  }
  function marketSection(m) {
    var sec = document.querySelector("section[data-market-section='" + CSS.escape(m.name) + "']");
    if (!sec) {
      sec = h("section", { "class": "market", "data-market-section": m.name }, [
        h("h2", {}, [m.name + " "]),
        h("div", { "class": "figs" }),
        h("div", { "class": "chart", "data-chart": "price", "data-market": m.name }),
        h("div", { "class": "chart", "data-chart": "budget", "data-market": m.name }),
        h("h3", {}, ["Recent decisions"]),
        h("div", { "class": "decisions" }),
      ]);
      document.getElementById("markets").appendChild(sec);
    }
    var l = m.latest, live = m.live, n = m.name;
    var figs = sec.querySelector(".figs");
    figs.replaceChildren(
      figure(n, "mark", "mark", l && l.mark, fmt.price(l && l.mark)),
      figure(n, "oracle", "oracle", l && l.oracle, fmt.price(l && l.oracle)),
      figure(n, "gapBps", "gap", l && l.gapBps, fmt.bps(l && l.gapBps), l && Math.abs(l.gapBps) > 50 ? "warn" : ""),
      figure(n, "budget", "budget", l && l.budget, fmt.quote(l && l.budget)),
      figure(n, "dailyCapHeadroom", "daily-cap headroom", live && live.dailyCapHeadroom, live && live.dailyCapHeadroom != null ? fmt.quote(live.dailyCapHeadroom) + (live.budget > 0 ? " (" + fixed(100 * Math.min(1, live.dailyCapHeadroom / live.budget), 0) + "% of budget)" : "") : "not exposed"),
      figure(n, "oracleAge", "oracle age", live && live.oracleAgeS, fmt.age(live && live.oracleAgeS), live && live.oracleAgeS > 600 ? "warn" : ""),
      figure(n, "slot", "last decision block", l && l.slot, fmt.int(l && l.slot)),
      figure(n, "confirmed", "confirmed / skipped (last " + m.countedRows + ")", m.counts.confirmed || 0, (m.counts.confirmed || 0) + " / " + (m.counts.skipped || 0)),
      figure(n, "paused", "paused", live ? (live.paused ? 1 : 0) : null, live ? (live.paused ? "yes" : "no") : "–", live && live.paused ? "warn" : "")
    );
    var sp = specs(m);
    ["price", "budget"].forEach(function (k) {
      var key = n + "/" + k, box = sec.querySelector("[data-chart='" + k + "']");
      if (!charts[key]) charts[key] = DammCharts.draw(box, sp[k]);
      else DammCharts.update(charts[key], sp[k]);
    });
    sec.querySelector(".decisions").replaceChildren(
      m.decisions.length
        ? table(["id", "block", "time", "action", "state", "Q-values (chosen, best)", "status", "reason / tx"], m.decisions.map(function (d) { return decisionRow(d, false); }), { "class": "decisions-table", "data-market": n })
        : h("p", {}, ["no decision journaled yet"])
    );
  }
  function render(d) {
    var bad = d.health.jobs.filter(function (j) { return !j.healthy; });
    var status = document.getElementById("status");
    status.className = d.health.healthy ? "ok" : "bad";
    status.setAttribute("data-healthy", String(d.health.healthy));
    status.textContent = (d.health.healthy ? "healthy" : "UNHEALTHY: " + bad.map(function (j) { return j.name + " — " + (j.reason || "?"); }).join("; ")) +
      (d.replica ? " · replica " + d.replica.replica + (d.replica.active ? " (active, holds the lease)" : " (standby)") : "") +
      " · policy " + (d.policy || "?") + (d.dryRun ? " · DRY RUN" : "") + " · updated " + new Date(d.generatedAt).toISOString().slice(11, 19) + " UTC";
    d.markets.forEach(marketSection);
    document.getElementById("tail").replaceChildren(
      table(["id", "market", "block", "time", "action", "state", "Q-values", "status", "reason / tx"], d.journalTail.map(function (r) { return decisionRow(r, true); }), { "class": "tail-table" })
    );
    polls++;
    document.body.setAttribute("data-polls", String(polls));
    document.body.setAttribute("data-generated-at", String(d.generatedAt));
  }
  function poll() {
    fetch(${JSON.stringify(DASHBOARD_DATA_PATH)}, { cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .then(function (d) { document.getElementById("error").textContent = ""; render(d); })
      .catch(function (e) { document.getElementById("error").textContent = "cannot reach the keeper: " + e.message; })
      .then(function () { setTimeout(poll, POLL_MS); });
  }
  poll();
})();
`;

export function dashboardHtml(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>dAMM keeper</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;margin:16px 24px;color:#222;max-width:1200px}
h1{margin:0 0 4px;font-size:22px}h2{margin:18px 0 6px;font-size:19px}h3{margin:10px 0 4px;font-size:15px}
#status{padding:4px 8px;border-radius:4px;display:inline-block;font-size:13px}#status.ok{background:#e8f6ec}#status.bad{background:#fde2e1;font-weight:600}
#error{color:#b00;font-size:13px}
.figs{display:flex;flex-wrap:wrap;gap:8px;margin:6px 0}
.fig{border:1px solid #ddd;border-radius:4px;padding:4px 10px;min-width:110px}.fig .k{display:block;font-size:11px;color:#777}.fig .v{font-size:17px;font-variant-numeric:tabular-nums}
.fig.warn{border-color:#e67e22;background:#fff4e6}
table.decisions-table,table.tail-table{border-collapse:collapse;font-size:12px;font-variant-numeric:tabular-nums}
.decisions-table td,.decisions-table th,.tail-table td,.tail-table th{border-bottom:1px solid #eee;padding:2px 6px;text-align:left;vertical-align:top}
td.q span.chosen{font-weight:700;text-decoration:underline}td.q span.best{font-weight:700}
td.why{max-width:420px;color:#555}
.st-confirmed{color:#1e7e34}.st-failed{color:#b00}.st-sent,.st-decided{color:#8a6d00}
.hint{font-size:12px;color:#777}
</style>
${chartAssetsHtml()}</head>
<body>
<h1>dAMM keeper</h1>
<div id="status">loading…</div> <span id="error"></span>
<p class="hint">Figures and charts are the journal's decisions (one point per block); headroom, oracle age and paused are the job's last chain read. Drag across a chart to zoom, double-click to reset.</p>
<div id="markets"></div>
<h2>Journal tail (all markets)</h2>
<div id="tail"></div>
<script>${CLIENT}</script>
</body></html>
`;
}

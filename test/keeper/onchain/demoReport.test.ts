/**
 * The demo report (keeper/onchain/demoReport.ts) in headless Chromium: its uPlot charts draw from a
 * file with no network, series sampled on different time grids share one axis, and a long run is
 * downsampled without losing its extremes. Skips loudly without Debian's `chromium` (not under CI).
 */
import { expect } from "chai";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { demoChartSpec, writeDemoReport, type DemoReport } from "../../../keeper/onchain/demoReport";
import { MAX_CHART_POINTS } from "../../../keeper/charts/chartData";
import { chromiumAvailable, drawnCharts, launchChromium, tickProblem, watchPage } from "../../helpers/chromium";

/** A week at one sample a minute for the keeper run, every two minutes for the static run. */
function weekReport(): DemoReport {
  const tK = Array.from({ length: 7 * 24 * 60 }, (_, i) => i * 60);
  const tS = tK.filter((_, i) => i % 2 === 0);
  const oracle = tK.map((t) => 1928.7 + 40 * Math.sin(t / 40_000));
  const markK = oracle.map((o, i) => o * (1 + 0.002 * Math.sin(i / 7)));
  markK[5_000] = 2_500; // one spike the downsampling must keep
  const markS = tS.map((t) => 1928.7 + 0.5 * (t / 3600));
  return {
    title: "demo",
    subtitle: "synthetic week",
    table: { header: ["run", "x"], rows: [["keeper", "1"]] },
    notes: ["a note"],
    charts: [
      {
        key: "mark-oracle",
        title: "Mark vs oracle",
        yLabel: "price",
        series: [
          { label: "oracle", color: "#888888", x: tK, y: oracle },
          { label: "keeper", color: "#c0392b", x: tK, y: markK },
          { label: "static", color: "#2874a6", x: tS, y: markS, dashed: true },
        ],
        marks: [{ x: 3600, color: "#c0392b" }],
      },
      { key: "budget", title: "Budget", yLabel: "quote", series: [{ label: "keeper", color: "#c0392b", x: tK, y: tK.map((t) => 100_000 - t / 100) }] },
    ],
  };
}

describe("demo report", () => {
  describe("chart specs", () => {
    it("puts series of different grids on one hour axis, downsampled, keeping the spike", () => {
      const spec = demoChartSpec(weekReport().charts[0]);
      expect(spec.x.length).to.be.at.most(MAX_CHART_POINTS + 2);
      expect(spec.x[0]).to.equal(0);
      expect(spec.x[spec.x.length - 1]).to.be.closeTo((7 * 24 * 60 - 1) / 60, 1e-9);
      expect(Math.max(...spec.series[1].values.map((v) => v ?? -Infinity))).to.equal(2_500);
      expect(spec.series.map((s) => s.label)).to.deep.equal(["oracle", "keeper", "static"]);
      expect(spec.series[2].dash).to.equal(true);
    });
  });

  describe("in headless Chromium", function () {
    this.timeout(120_000);
    if (!chromiumAvailable("demo report browser test")) return;

    it("draws every chart from the file, with readable ticks", async () => {
      const dir = mkdtempSync(join(tmpdir(), "demo-report-"));
      const file = join(dir, "report.html");
      writeDemoReport(file, weekReport());
      const browser = await launchChromium();
      try {
        const page = await browser.context.newPage();
        const seen = watchPage(page, "file:");
        await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
        await page.waitForFunction(() => [...document.querySelectorAll("[data-chart]")].every((e) => e.getAttribute("data-rendered") === "true" || e.hasAttribute("data-error")));
        expect(seen.errors).to.deep.equal([]);
        expect(seen.requests).to.deep.equal([]);
        const charts = await drawnCharts(page);
        expect(charts.map((c) => [c.chart, c.series, c.error])).to.deep.equal([
          ["mark-oracle", 3, null],
          ["budget", 1, null],
        ]);
        for (const c of charts) {
          expect(c.axisLabels.slice(0, 2)).to.deep.equal(["hours", c.chart === "budget" ? "quote" : "price"]);
          expect(c.inkedPixels).to.be.greaterThan(2_000);
          c.seriesPixels.forEach((n, i) => expect(n, `${c.chart} series ${i}`).to.be.greaterThan(10));
          c.ticks.forEach((labels) => expect(tickProblem(labels)).to.equal(null));
        }
        if (process.env.DAMM_SCREENSHOT_DIR) {
          mkdirSync(process.env.DAMM_SCREENSHOT_DIR, { recursive: true });
          await page.screenshot({ path: join(process.env.DAMM_SCREENSHOT_DIR, "demo-report.png"), fullPage: true });
        }
      } finally {
        await browser.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

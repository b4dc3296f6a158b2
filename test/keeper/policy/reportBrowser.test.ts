/**
 * Opens the evaluation report in headless Chromium (Debian's `chromium`, driven by playwright-core)
 * and checks every uPlot chart drew (canvas inked, each series' colour on it, series counts, axis
 * labels, readable ticks) and the page raised no error and made no request. Without
 * /usr/bin/chromium the test is skipped loudly, except under CI, where it must run.
 * DAMM_SCREENSHOT_DIR=<dir> also saves a full-page PNG there.
 */
import { expect } from "chai";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { writeReport } from "../../../keeper/policy/report/htmlReport";
import { chromiumAvailable, drawnCharts, launchChromium, tickProblem, watchPage } from "../../helpers/chromium";
import { buildSmokeReport } from "./smokeReport";

const EXPECTED_CHARTS = ["mark-oracle", "imbalance", "budget", "reward-parts", "q-heatmap", "replay", "training-curve"];
const POLICIES = 4;

describe("evaluation report in headless Chromium", function () {
  this.timeout(180_000);
  if (!chromiumAvailable("report browser test")) return;

  it("draws every chart with uPlot, readable ticks and no page errors or requests", async () => {
    const dir = mkdtempSync(join(tmpdir(), "report-"));
    const file = join(dir, "index.html");
    writeReport(file, await buildSmokeReport());
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      const seen = watchPage(page, "file:");
      await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
      await page.waitForFunction(() => [...document.querySelectorAll("[data-chart]")].every((e) => e.getAttribute("data-rendered") === "true" || e.hasAttribute("data-error")), null, { timeout: 30_000 });
      expect(seen.errors, `page errors: ${seen.errors.join(" | ")}`).to.deep.equal([]);
      expect(seen.requests, "the report must not touch the network").to.deep.equal([]);

      const sections = await page.$$eval("[data-chart]", (els) => els.map((e) => ({ chart: e.getAttribute("data-chart"), rendered: e.getAttribute("data-rendered"), error: e.getAttribute("data-error") })));
      expect(sections.map((c) => c.chart)).to.have.members(EXPECTED_CHARTS);
      for (const s of sections) {
        expect(s.error, `chart ${s.chart} failed`).to.equal(null);
        expect(s.rendered, `chart ${s.chart} did not mark itself rendered`).to.equal("true");
      }

      const plots = await drawnCharts(page);
      const byChart = (k: string) => plots.filter((p) => p.chart === k);
      // One mark-vs-oracle chart per policy: oracle, mark and the gap on the right axis.
      expect(byChart("mark-oracle")).to.have.length(POLICIES);
      for (const p of byChart("mark-oracle")) {
        expect(p.series).to.equal(3);
        expect(p.axisLabels).to.deep.equal(["hours", "price", "gap (bps)"]);
      }
      expect(byChart("imbalance").map((p) => p.series)).to.deep.equal([POLICIES]);
      expect(byChart("budget").map((p) => p.series)).to.deep.equal([POLICIES]);
      expect(byChart("reward-parts").map((p) => p.series)).to.deep.equal([POLICIES]);
      expect(byChart("replay").map((p) => p.series)).to.deep.equal([POLICIES, POLICIES]);
      expect(byChart("training-curve").map((p) => p.axisLabels)).to.deep.equal([["episode", "episode reward", "ε"]]);
      expect(plots).to.have.length(POLICIES + 6);

      for (const p of plots) {
        const name = `${p.chart}/${p.axisLabels.join(",")}`;
        expect(p.canvases, `${name}: canvas`).to.equal(1);
        expect(p.inkedPixels, `${name}: blank canvas`).to.be.greaterThan(2_000);
        // Each series' colour is on the canvas (the smoke data give every policy the same imbalance
        // curve, so there only the one drawn last shows).
        const visible = p.chart === "imbalance" ? p.seriesPixels.slice(-1) : p.seriesPixels;
        visible.forEach((n, i) => expect(n, `${name}: series ${i} not drawn`).to.be.greaterThan(10));
        // y axes (and numeric x axes) tick by 1, 2 or 5 × 10^n with only the decimals they need.
        const numericAxes = p.chart === "reward-parts" ? p.ticks.slice(1) : p.ticks;
        numericAxes.forEach((labels, a) => {
          expect(labels.length, `${name}: axis ${a} has no ticks`).to.be.greaterThan(1);
          expect(tickProblem(labels), `${name}: axis ${a}`).to.equal(null);
        });
      }
      // Time axes start at the first sample (hour 0), not at a padded value before it.
      for (const p of [...byChart("mark-oracle"), ...byChart("budget")]) expect(p.ticks[0][0]).to.equal("0");
      // Reward parts: the x axis names the parts.
      expect(byChart("reward-parts")[0].ticks[0]).to.include("netRevenue");

      // Zoom: dragging across the first mark-vs-oracle chart narrows its x range.
      const over = page.locator("[data-chart='mark-oracle'] .u-over").first();
      await over.scrollIntoViewIfNeeded(); // mouse events land only inside the viewport
      const box = (await over.boundingBox())!;
      const before = byChart("mark-oracle")[0].ticks[0];
      await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.45, box.y + box.height / 2, { steps: 5 });
      await page.mouse.up();
      const after = (await drawnCharts(page)).filter((p) => p.chart === "mark-oracle")[0].ticks[0];
      expect(after, "x ticks after a drag-zoom").to.not.deep.equal(before);
      expect(Number(after[0])).to.be.greaterThan(Number(before[0]));

      const rows = await page.$$eval("table.metrics tr", (r) => r.length);
      expect(rows).to.be.greaterThan(5);
      if (process.env.DAMM_SCREENSHOT_DIR) {
        mkdirSync(process.env.DAMM_SCREENSHOT_DIR, { recursive: true });
        await page.mouse.dblclick(box.x + box.width / 2, box.y + box.height / 2);
        await page.screenshot({ path: join(process.env.DAMM_SCREENSHOT_DIR, "evaluation-report.png"), fullPage: true });
      }
    } finally {
      await browser.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

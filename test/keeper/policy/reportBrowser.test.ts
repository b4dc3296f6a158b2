/**
 * Opens the evaluation report in headless Chromium (Debian's `chromium`, driven by playwright-core)
 * and checks every chart drew itself and the page raised no error. Without /usr/bin/chromium the
 * test is skipped loudly, except under CI, where it must run.
 */
import { expect } from "chai";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { writeReport } from "../../../keeper/policy/report/htmlReport";
import { buildSmokeReport } from "./smokeReport";

const CHROMIUM = "/usr/bin/chromium";
const EXPECTED_CHARTS = ["mark-oracle", "imbalance", "budget", "reward-parts", "q-heatmap", "replay", "training-curve"];

describe("evaluation report in headless Chromium", function () {
  this.timeout(180_000);
  const available = existsSync(CHROMIUM);
  if (!available && !process.env.CI) {
    console.warn(
      `\n*** NOTICE: ${CHROMIUM} not found, so the report browser test does not run here.\n` +
        `*** Install Debian's package \`chromium\` (apt-get install -y chromium) to run it; under CI it is required.\n`,
    );
    return;
  }

  it("renders every chart without page errors", async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is required under CI: install Debian's package \`chromium\``).to.equal(true);
    const dir = mkdtempSync(join(tmpdir(), "report-"));
    const profile = mkdtempSync(join(tmpdir(), "chromium-profile-"));
    const file = join(dir, "index.html");
    writeReport(file, await buildSmokeReport());
    // A fresh profile per run: playwright takes it as the persistent context's user-data-dir.
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    try {
      const errors: string[] = [];
      const page = await browser.newPage();
      page.on("crash", () => errors.push("page crashed"));
      const requests: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(m.text());
      });
      page.on("request", (r) => {
        if (!r.url().startsWith("file:")) requests.push(r.url());
      });
      await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
      await page.waitForSelector("body[data-report-ready='true']", { timeout: 30_000 }).catch(() => undefined);
      const charts = await page.$$eval("[data-chart]", (els) =>
        els.map((e) => ({
          chart: e.getAttribute("data-chart"),
          rendered: e.getAttribute("data-rendered"),
          error: e.getAttribute("data-error"),
          svgs: e.querySelectorAll("svg").length,
        })),
      );
      expect(errors, `page errors: ${errors.join(" | ")}`).to.deep.equal([]);
      expect(requests, "the report must not touch the network").to.deep.equal([]);
      expect(charts.map((c) => c.chart)).to.have.members(EXPECTED_CHARTS);
      for (const c of charts) {
        expect(c.error, `chart ${c.chart} failed`).to.equal(null);
        expect(c.rendered, `chart ${c.chart} did not mark itself rendered`).to.equal("true");
        expect(c.svgs, `chart ${c.chart} drew no SVG`).to.be.greaterThan(0);
      }
      // Time axes start at the first sample (hour 0), not at a padded value before it.
      const firstXTicks = await page.$$eval("[data-chart] svg", (svgs) =>
        svgs.map((svg) => svg.querySelector("text.x-tick")?.textContent ?? null).filter((t) => t !== null),
      );
      expect(firstXTicks.length, "line charts with an x axis").to.be.greaterThan(0);
      for (const t of firstXTicks) expect(t, "first x-axis tick").to.equal("0");
      const rows = await page.$$eval("table.metrics tr", (r) => r.length);
      expect(rows).to.be.greaterThan(5);
    } finally {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

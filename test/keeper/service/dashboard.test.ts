/**
 * The keeper's dashboard (keeper/service/dashboard) against a RUNNING keeper: the real app on the
 * in-process Hardhat network served over HTTP, its loops ticking while the oracle moves, the page
 * opened from the keeper's own ops server in headless Chromium. Checks the charts drew and that
 * every figure, decision row and journal-tail row on the page is what the journal holds, then that
 * the page follows the keeper as it journals more. Skips loudly without Debian's `chromium`
 * (never under CI). DAMM_SCREENSHOT_DIR=<dir> also saves a PNG of the page.
 */
import { expect } from "chai";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { startKeeperApp } from "../../../keeper/service/app";
import type { DashboardData } from "../../../keeper/service/dashboard/dashboardData";
import { gapBps } from "../../../keeper/core/math/float/gap";
import type { DecisionRecord } from "../../../keeper/service/journal/journal";
import { silentLogger } from "../../../keeper/service/logger";
import { chromiumAvailable, drawnCharts, launchChromium, tickProblem, watchPage } from "../../helpers/chromium";
import { deployWithLongFixture, setOracle, startRpcServer, testKeeperConfig } from "./helpers/onchain";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Fixture = Awaited<ReturnType<typeof deployWithLongFixture>>;

/** Moves the oracle 0.3–1.5 % away from the mark, alternating sides: the policy sees gaps on both sides. */
async function moveOracle(f: Fixture, round: number): Promise<void> {
  const mark = Number(await f.market.markPrice()) / 1e18;
  const size = [0.003, 0.008, 0.015][round % 3];
  await setOracle(f.oracle, mark * (round % 2 === 0 ? 1 + size : 1 - size));
}

/** Waits until the journal stops changing and no row is open (the keeper idles on an unchanged chain). */
async function settledJournal(list: () => Promise<DecisionRecord[]>): Promise<DecisionRecord[]> {
  let last = "";
  for (let i = 0; i < 100; i++) {
    const rows = await list();
    const key = rows.map((r) => `${r.id}:${r.status}`).join(",");
    if (key === last && !rows.some((r) => r.status === "decided" || r.status === "sent")) return rows;
    last = key;
    await sleep(400);
  }
  throw new Error("the journal did not settle");
}

/** A displayed number ("1,234.56 bps") as a number. */
const shown = (text: string): number => Number(text.replace(/[^0-9.+-]/g, ""));
/** Half a unit of the last printed decimal: the most a correctly rounded figure may differ by. */
const halfUlp = (text: string): number => 0.5 * 10 ** -(text.replace(/[^0-9.]/g, "").split(".")[1]?.length ?? 0);

describe("keeper dashboard in headless Chromium, against a running keeper", function () {
  this.timeout(240_000);
  if (!chromiumAvailable("dashboard browser test")) return;

  it("draws mark / oracle / gap and budget, and shows exactly the journal's figures, decisions and tail", async () => {
    const f = await loadFixture(deployWithLongFixture);
    const rpc = await startRpcServer();
    // Health held stable for this test: an idle chain (no new block) or a streak of refused hooks
    // would flip /healthz mid-test and race the badge against it. Health truth is tested in
    // health.test.ts / health.onchain.test.ts; here the badge must render what the job reports.
    const cfg = testKeeperConfig(rpc.url, f.markets, { policyPath: "policies/default.json", intervalMs: 150, unhealthyAfterTicks: 1_000_000 });
    const app = await startKeeperApp(cfg, silentLogger());
    const browser = await launchChromium();
    const market = f.markets[0].name;
    try {
      for (let round = 0; round < 12; round++) {
        await moveOracle(f, round);
        await sleep(250);
      }
      const journal = app.journal;
      const rows = await settledJournal(async () => journal.list(undefined, 100_000));
      expect(rows.length, "the keeper journaled decisions").to.be.greaterThan(5);
      expect(rows.some((r) => r.qValues.length > 0), "the shipped policy reports Q-values").to.equal(true);
      expect(rows.some((r) => r.status === "skipped" && r.skipReason), "some decision was skipped with a reason").to.equal(true);

      const page = await browser.context.newPage();
      const base = `http://127.0.0.1:${app.port}`;
      const seen = watchPage(page, base);
      const settledAt = Date.now();
      await page.goto(`${base}/dashboard?pollMs=300`, { waitUntil: "load" });
      await page.waitForFunction((t) => Number(document.body.getAttribute("data-generated-at")) > t, settledAt, { timeout: 30_000 });
      await page.waitForFunction(() => document.querySelectorAll("[data-chart][data-rendered='true']").length === 2, null, { timeout: 30_000 });
      expect(seen.errors, seen.errors.join(" | ")).to.deep.equal([]);
      expect(seen.requests, "the dashboard loads nothing but the keeper's own endpoints").to.deep.equal([]);
      // The badge says what /healthz says: healthy (unhealthyAfterTicks is out of reach above).
      expect((await fetch(`${base}/healthz`)).status).to.equal(200);
      expect(await page.getAttribute("#status", "data-healthy")).to.equal("true");

      // Charts: price (oracle, mark, gap on the right axis) and budget, drawn and inked.
      const charts = await drawnCharts(page);
      expect(charts.map((c) => [c.chart, c.series, c.error])).to.deep.equal([
        ["price", 3, null],
        ["budget", 1, null],
      ]);
      expect(charts[0].axisLabels).to.deep.equal(["block time (UTC)", "price", "gap (bps)"]);
      expect(charts[1].axisLabels).to.deep.equal(["block time (UTC)", "budget (quote)"]);
      for (const c of charts) {
        expect(c.canvases).to.equal(1);
        expect(c.inkedPixels, `${c.chart}: blank canvas`).to.be.greaterThan(2_000);
        c.seriesPixels.forEach((n, i) => expect(n, `${c.chart}: series ${i} not drawn`).to.be.greaterThan(10));
        c.ticks.slice(1).forEach((labels) => expect(tickProblem(labels)).to.equal(null));
      }

      // The series are the journal's decisions, one point per block.
      const data = (await (await fetch(`${base}/dashboard/data.json`)).json()) as DashboardData;
      const live = rows.filter((r) => r.market === market && r.status !== "reconciled").sort((a, b) => a.slot - b.slot);
      expect(data.markets[0].history.t).to.deep.equal(live.map((r) => r.blockTimestamp));
      expect(data.markets[0].history.mark).to.deep.equal(live.map((r) => r.observation.mark));
      expect(data.markets[0].history.oracle).to.deep.equal(live.map((r) => r.observation.oracle));

      // Figures: the newest journaled decision, shown correctly rounded.
      const newest = rows.filter((r) => r.market === market).at(-1)!;
      const figures = await page.$$eval(`[data-market="${market}"][data-figure]`, (els) =>
        Object.fromEntries(els.map((e) => [e.getAttribute("data-figure"), { value: e.getAttribute("data-value"), text: e.querySelector(".v")!.textContent! }])),
      );
      const expected: Record<string, number> = {
        mark: newest.observation.mark,
        oracle: newest.observation.oracle,
        gapBps: gapBps(newest.observation.mark, newest.observation.oracle),
        budget: newest.observation.budget,
        slot: newest.slot,
        confirmed: rows.filter((r) => r.market === market).slice(-500).filter((r) => r.status === "confirmed").length,
      };
      for (const [k, v] of Object.entries(expected)) {
        expect(Number(figures[k].value), `figure ${k}`).to.equal(v);
        expect(Math.abs(shown(figures[k].text.split(" ")[0]) - v), `figure ${k} shows "${figures[k].text}" for ${v}`).to.be.at.most(halfUlp(figures[k].text.split(" ")[0]) + 1e-9);
      }
      const snap = app.jobs[0].lastSnapshot!;
      expect(figures.dailyCapHeadroom.value, "the market exposes its daily-cap window").to.not.equal("");
      expect(Number(figures.dailyCapHeadroom.value)).to.equal(Number(snap.dailyCapHeadroom) / 1e18);

      // Decisions table: the newest 25 rows of the market, newest first, with state, Q-values and reasons.
      const tableRows = await page.$$eval(`table.decisions-table[data-market="${market}"] tbody tr`, (trs) =>
        trs.map((tr) => ({ id: Number(tr.getAttribute("data-id")), cells: [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "") })),
      );
      const recent = rows.filter((r) => r.market === market).slice(-25).reverse();
      expect(tableRows.map((r) => r.id)).to.deep.equal(recent.map((r) => r.id));
      tableRows.forEach((tr, i) => {
        const r = recent[i];
        const [, block, , , state, q, status, why] = tr.cells;
        expect([Number(block), Number(state), status]).to.deep.equal([r.slot, r.stateIndex, r.status]);
        expect(q.split(" ").map(Number)).to.deep.equal(r.qValues.length ? r.qValues.map((v) => Number(v.toFixed(2))) : [NaN]);
        if (r.skipReason) expect(why).to.equal(r.skipReason);
        else if (r.txHash) expect(why.startsWith(r.txHash.slice(0, 10))).to.equal(true);
      });

      // Journal tail: the newest 40 rows over all markets.
      const tailIds = await page.$$eval("table.tail-table tbody tr", (trs) => trs.map((tr) => Number(tr.getAttribute("data-id"))));
      expect(tailIds).to.deep.equal(rows.slice(-40).reverse().map((r) => r.id));

      // The page follows the running keeper: new decisions appear without a reload.
      const before = rows.at(-1)!.id;
      for (let round = 12; round < 15; round++) {
        await moveOracle(f, round);
        await sleep(250);
      }
      const newer = await settledJournal(async () => journal.list(undefined, 100_000));
      expect(newer.at(-1)!.id).to.be.greaterThan(before);
      await page.waitForFunction((id) => document.querySelector(`table.tail-table tbody tr[data-id="${id}"]`) !== null, newer.at(-1)!.id, { timeout: 30_000 });
      expect(seen.errors).to.deep.equal([]);

      if (process.env.DAMM_SCREENSHOT_DIR) {
        mkdirSync(process.env.DAMM_SCREENSHOT_DIR, { recursive: true });
        await page.screenshot({ path: path.join(process.env.DAMM_SCREENSHOT_DIR, "dashboard.png"), fullPage: true });
      }
      expect(await ethers.provider.getBlockNumber()).to.be.greaterThan(0);
    } finally {
      await browser.close();
      await app.keeper.stop();
      await rpc.close();
    }
  });
});

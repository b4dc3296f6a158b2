/**
 * `npm run demo`'s three lines on the in-process Hardhat network (keeper/onchain/demo/), shortened to
 * half a simulated day with the demo's market and flow: the shipped keeper, no keeper, and the
 * alternative, each from the same chain state with the on-chain sandwich bot in front of the keeper.
 * Both cases of the third line, built as the demo builds them (bestRule.ts demoLineSpecs): shipped =
 * the best rule on validation → third line the learned policy; shipped = the learned policy → third
 * line the best rule. Asserted for each: the report's structure (a column per line, every row, three
 * series per chart) and each line's internal consistency (budget = start + its flows from the
 * events, exactly; the runner's figures = the events'; the bot's take = its balance change; chain =
 * simulator), never who wins. A bot made to trade every repeg (fees ignored) checks that its legs
 * are mirrored in block order and that it pays for it.
 */
import { expect } from "chai";
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { resolvePolicy } from "../../keeper/resolve/policyResolver";
import { demoBestRule, demoLineSpecs, LEARNED_LABEL } from "../../keeper/onchain/demo/bestRule";
import { runDemoLines, runDemoLine, trackingOf, type DemoLine, type DemoLineSpec, type DemoRunOptions } from "../../keeper/onchain/demo/demoLines";
import { lineChecks, summaryRows } from "../../keeper/onchain/demo/demoSummary";
import { TABLE_CORNER, alternativeLine, buildDemoReport, lineOf, verdictLines } from "../../keeper/onchain/demo/demoReportSpec";
import { renderDemoReport } from "../../keeper/onchain/demoReport";
import { budgetAgrees } from "../../keeper/onchain/runChain";
import { inProcessEnv, scenario } from "./helpers";

/** The demo's market and flow (scripts/demo.ts defaults), half a day. */
async function demoOptions(): Promise<DemoRunOptions> {
  const base = scenario("scenarios/train/gbm-calm.json");
  const sc = { ...base, traders: { ...base.traders, informedProb: 0.3, informed: { ...base.traders.informed, capital: 1_000_000 } } };
  const env = await inProcessEnv();
  const taken = new Set(await Promise.all([env.admin, ...env.liquidators, ...env.traders].map((s) => s.getAddress())));
  const botSigner = (await hre.ethers.getSigners()).find((s) => !taken.has(s.address))!;
  return { scenario: sc, days: 0.5, seed: 7, arrivalsPerDay: 1200, botSigner, bot: { capital: 1_000_000, leverage: 5 } };
}

const RULE = "formulaic";
/** The best rule on validation, as the demo takes it (policies/selection.json). */
const BEST = demoBestRule(undefined).rule;

async function linesShipping(shipped: string): Promise<{ lines: DemoLine[]; specs: DemoLineSpec[] }> {
  const specs = demoLineSpecs(resolvePolicy(shipped), BEST, (n) => resolvePolicy(n));
  const lines = await runDemoLines(await inProcessEnv(), hre.network.provider as never, await demoOptions(), specs);
  return { lines, specs };
}
/** Shipped = the best rule: third line the learned policy. */
async function shippingBestRule() {
  return linesShipping(BEST);
}
/** Shipped = the learned policy: third line the best rule. */
async function shippingLearned() {
  return linesShipping("learned");
}

const CASES = [
  { name: `shipped = the best rule (${BEST}) → third line the learned policy`, fixture: shippingBestRule, third: "learned" as const, thirdPolicy: "learned", thirdLabel: LEARNED_LABEL },
  { name: `shipped = the learned policy → third line the best rule (${BEST})`, fixture: shippingLearned, third: "best-rule" as const, thirdPolicy: BEST, thirdLabel: `best rule (${BEST})` },
];

/** One formulaic-keeper line with a bot that trades every repeg as if fees were nothing. */
async function forcedSandwichLine(): Promise<DemoLine> {
  const o = await demoOptions();
  return runDemoLine(await inProcessEnv(), { ...o, bot: { ...o.bot, ignoreFees: true } }, { role: "best-rule", label: "formulaic, bot forced", policy: resolvePolicy(RULE) });
}

describe("e2e: npm run demo — shipped keeper, no keeper and a rule on-chain with the sandwich bot", function () {
  this.timeout(600_000);

  for (const k of CASES) describe(`three lines from the same chain state (half a day, demo flow): ${k.name}`, function () {
    const threeLines = k.fixture;
    it("each line runs its policy on the same oracle path and trader set", async () => {
      const { lines } = await loadFixture(threeLines);
      expect(lines.map((l) => l.spec.role)).to.deep.equal(["shipped", "none", k.third]);
      expect(alternativeLine(lines).spec.policy!.name).to.equal(k.thirdPolicy);
      expect(alternativeLine(lines).spec.label).to.equal(k.thirdLabel);
      expect(lineOf(lines, "shipped").spec.policy!.name).to.not.equal(k.thirdPolicy);
      expect(lineOf(lines, "none").run.updatesSent).to.equal(0);
      expect(lineOf(lines, "none").run.journal).to.deep.equal([]);
      for (const l of lines.filter((x) => x.spec.policy)) expect(l.run.journal.length, l.spec.label).to.be.greaterThan(0);
      // Same oracle path sample by sample, same informed accounts.
      const [a, b, c] = lines;
      expect(b.run.trace.oracle).to.deep.equal(a.run.trace.oracle);
      expect(c.run.trace.oracle).to.deep.equal(a.run.trace.oracle);
      expect(new Set(lines.map((l) => l.run.informedAccounts)).size).to.equal(1);
      expect(new Set(lines.map((l) => l.ledger.budgetStart)).size).to.equal(1);
      // Same chain time at the first trade, so the absolute hook windows fall alike in every line
      // (a keeper line's runner grants the run's key KEEPER_ROLE in one more block: 1 s later).
      const [ts, tn, tb] = lines.map((l) => l.chainStart);
      expect(tb, "both keeper lines").to.equal(ts);
      expect(ts - tn, "keeper line vs no keeper").to.be.within(0, 1);
    });

    it("every line is internally consistent: budget = start + flows (exact), events = runner, bot's take = its balance change, chain = simulator", async () => {
      const { lines } = await loadFixture(threeLines);
      const checks = lineChecks(lines);
      expect(checks.length).to.equal(lines.length * 11);
      expect(checks.filter((c) => !c.ok).map((c) => `[${c.line}] ${c.check}: ${c.detail}`)).to.deep.equal([]);
      for (const l of lines) {
        const g = l.ledger;
        expect(g.budgetResidualWad, l.spec.label).to.equal(0n);
        expect(g.budgetEnd - g.budgetStart).to.be.closeTo(g.feesToBudget + g.fundingReceived - g.fundingPaid - g.hookCost - g.badDebtFromBudget + g.budgetFunded, 1e-6);
        expect(g.budgetFunded).to.equal(0);
        expect(g.netRevenue).to.be.closeTo(g.fees + g.liquidationFeesKept + g.fundingReceived - g.hookCost - g.fundingPaid - g.badDebt, 1e-6);
        expect(g.fees).to.be.closeTo(g.feesToBudget + g.feesToReserve, 1e-6);
        expect(g.fees, "the demo flow trades").to.be.greaterThan(0);
        expect(budgetAgrees(l.run)).to.equal(true);
        expect(l.mismatches).to.deep.equal([]);
        expect(l.bot.take).to.be.closeTo(l.bot.balanceChange, 1e-6);
        const t = trackingOf(l.run);
        expect(t.p90Bps).to.be.at.most(t.p95Bps);
        expect(t.samples).to.equal(l.run.trace.t.length);
      }
    });

    it("the bot sees the keepers' repegs and, inside the sandwich bound, trades none of them", async () => {
      const { lines } = await loadFixture(threeLines);
      for (const l of lines) {
        const repegs = l.run.hooks.filter((h) => h.kind === "repeg").length;
        expect(l.bot.repegsSeen, l.spec.label).to.be.at.least(repegs);
        expect(l.bot.sandwiches, l.spec.label).to.equal(0);
        expect(l.bot.take).to.equal(0);
        expect(l.bot.balanceChange).to.equal(0);
      }
      expect(lineOf(lines, "none").bot.repegsSeen).to.equal(0);
      expect(lines.some((l) => l.bot.repegsSeen > 0), "some keeper repegged in half a day").to.equal(true);
    });

    it("the report has a column per line, every summary row, and a series per line in every chart", async () => {
      const { lines, specs } = await loadFixture(threeLines);
      const report = buildDemoReport(lines, { setup: "test setup", shippedSource: "test", bestRule: BEST, bestRuleWhy: "the selection's" });
      expect(report.table.header).to.deep.equal([TABLE_CORNER, ...specs.map((s) => s.label)]);
      const rows = summaryRows(lines);
      expect(report.table.rows).to.deep.equal(rows);
      for (const r of rows) expect(r.length, r[0]).to.equal(4);
      const labels = rows.map((r) => r[0]);
      for (const want of ["adjustment budget start → end", "protocol net revenue", "hook costs", "bad debt", "|mark−oracle| mean / p90 / p95", "sandwich bot's take", "informed traders' PnL", "uninformed traders' PnL", "liquidations", "chain ↔ simulator mismatches"]) {
        expect(labels.some((l) => l.includes(want)), want).to.equal(true);
      }
      expect(report.charts.map((c) => c.key)).to.deep.equal(["mark-oracle", "gap", "budget", "imbalance"]);
      for (const c of report.charts) expect(c.series.filter((s) => s.label !== "oracle").map((s) => s.label), c.key).to.deep.equal(specs.map((s) => s.label));
      for (const c of report.charts) expect(new Set(c.series.map((s) => s.color)).size, `${c.key}: a colour per series`).to.equal(c.series.length);
      expect(report.notes.some((n) => n.startsWith(`${specs[0].label} vs no keeper — `))).to.equal(true);
      expect(report.notes.some((n) => n.startsWith(`${k.thirdLabel} vs no keeper — `))).to.equal(true);
      expect(verdictLines(lines).some((n) => n.startsWith(`shipped keeper vs ${k.thirdLabel}: `))).to.equal(true);
      expect(report.title).to.include(k.third === "learned" ? "the learned policy" : "the best rule");
      const html = renderDemoReport(report);
      for (const s of specs) expect(html).to.include(s.label);
      expect(html).to.not.match(/<script[^>]+src=|<link[^>]+href=/); // inlined, offline
    });
  });

  describe("a bot forced to sandwich every repeg (fees ignored)", function () {
    it("front, hook and back are mirrored in block order (no mismatch) and the bot pays for it: take = balance change < 0", async () => {
      const l = await loadFixture(forcedSandwichLine);
      expect(l.bot.sandwiches, "the bot traded").to.be.greaterThan(0);
      expect(l.mismatches, l.mismatches.slice(0, 5).join("\n")).to.deep.equal([]);
      expect(lineChecks([l]).filter((c) => !c.ok).map((c) => `${c.check}: ${c.detail}`)).to.deep.equal([]);
      console.log(`      forced bot: ${l.bot.sandwiches} sandwiches of ${l.bot.repegsSeen} repegs seen, take ${l.bot.take.toFixed(2)} (balance change ${l.bot.balanceChange.toFixed(2)}), refused legs ${l.bot.refusedLegs}`);
      expect(l.bot.take).to.be.closeTo(l.bot.balanceChange, 1e-6);
      expect(l.bot.take).to.be.lessThan(0);
    });
  });
});

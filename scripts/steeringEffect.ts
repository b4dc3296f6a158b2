/**
 * `npm run evaluate:steering`: every policy on the same scenarios and seeds with and without a policy
 * steerer (keeper/sim/adversaries/policySteerer.ts: a push ahead of each keeper decision, in its block
 * or one block earlier (--timing), closed right after the hook), one run per steering mode, the scenario's other adversaries kept in
 * both. Per policy and mode, paired on scenario and seed: what the steerer costs the protocol (net
 * revenue and its hook and funding parts, mean |mark − oracle|) next to the steerer's own take, the
 * funding its legs paid and the legs it could not close itself. The steerer brings the informed
 * traders' capital at 5× unless --capital says otherwise. Train and validation only (the test split is sealed).
 *   npm run evaluate:steering -- --policies threshold,learned --per-family 10 [--timing blockBefore] [--by-family]
 */
import { Command } from "commander";
import { resolveScenarioSource, scenarioFamily } from "../keeper/policy/eval/scenarioSource";
import { meanInterval } from "../keeper/policy/eval/stats";
import { fmtInterval, markdownTable } from "../keeper/policy/eval/textTable";
import { fmtNum } from "../keeper/policy/report/htmlReport";
import { REPO_ROOT, resolvePolicy } from "../keeper/policy/policyRegistry";
import { STEER_MODES, STEER_TIMINGS, type SteerMode, type SteerTiming } from "../keeper/sim/adversaries/policySteerer";
import { runEpisode } from "../keeper/sim/episode";
import type { EpisodeMetrics } from "../keeper/sim/metrics";
import type { Scenario } from "../keeper/sim/scenario";
import { intOption } from "./cliOptions";
import { splitPolicyList } from "../keeper/policy/baselines/ruleCatalog";

const o = new Command()
  .name("evaluate:steering")
  .option("--policies <list>", "comma-separated policies", "threshold,learned")
  .option("--modes <list>", `comma-separated steering modes (${STEER_MODES.join(", ")})`, STEER_MODES.join(","))
  .option("--scenarios <split>", "train | validation", "validation")
  .option("--per-family <n>", "scenarios per family", intOption("--per-family", 1), 10)
  .option("--timing <when>", `when the push goes in (${STEER_TIMINGS.join(", ")})`, "sameBlock")
  .option("--capital <quote>", "the steerer's margin per push (default: the scenario's informed capital)")
  .option("--by-family", "also the paired Δ net revenue and the repegs per scenario family")
  .parse()
  .opts<{ policies: string; modes: string; scenarios: string; perFamily: number; timing: string; capital?: string; byFamily?: boolean }>();

function main(): void {
  if (o.scenarios !== "train" && o.scenarios !== "validation") throw new Error(`--scenarios must be train or validation (the test split is sealed), got "${o.scenarios}"`);
  const policies = splitPolicyList(o.policies);
  const modes = o.modes.split(",").map((s) => s.trim()) as SteerMode[];
  for (const m of modes) if (!STEER_MODES.includes(m)) throw new Error(`--modes: unknown mode "${m}" (one of ${STEER_MODES.join(", ")})`);
  const timing = o.timing as SteerTiming;
  if (!STEER_TIMINGS.includes(timing)) throw new Error(`--timing: unknown timing "${o.timing}" (one of ${STEER_TIMINGS.join(", ")})`);
  const capital = o.capital === undefined ? undefined : Number(o.capital);
  if (capital !== undefined && !(capital > 0)) throw new Error(`--capital must be a positive number, got "${o.capital}"`);
  const src = resolveScenarioSource(o.scenarios, { perFamily: o.perFamily, count: 0, seeds: 1, projectRoot: REPO_ROOT });
  const steered = (sc: Scenario, mode: SteerMode): Scenario => ({
    ...sc,
    adversaries: { ...sc.adversaries, steerer: { mode, timing, capital: capital ?? sc.traders.informed.capital, leverage: 5 } },
  });
  const run = (sc: Scenario, p: string, seed: number) => runEpisode(sc, resolvePolicy(p), seed, { projectRoot: REPO_ROOT, trace: false }).metrics;
  console.log(`${src.label}: ${src.cases.length} paired episodes per policy and mode, push ${timing}; mean [95% t-interval] per episode, steerer on − off`);
  const rows: string[][] = [];
  const familyRows: string[][] = [];
  const families = [...new Set(src.cases.map((c) => scenarioFamily(c.scenario)))].sort();
  for (const p of policies) {
    const off = src.cases.map((c) => run(c.scenario, p, c.seed));
    for (const mode of modes) {
      const on: EpisodeMetrics[] = src.cases.map((c) => run(steered(c.scenario, mode), p, c.seed));
      const d = (g: (m: EpisodeMetrics) => number) => meanInterval(on.map((m, i) => g(m) - g(off[i])));
      rows.push([
        p,
        mode,
        fmtInterval(meanInterval(off.map((m) => m.protocolNetRevenue))),
        fmtInterval(d((m) => m.protocolNetRevenue)),
        fmtInterval(d((m) => -m.adjustmentCost)),
        fmtInterval(d((m) => m.fundingReceived - m.fundingPaid)),
        fmtInterval(d((m) => m.meanGapBps)),
        fmtInterval(meanInterval(on.map((m) => m.steererTake))),
        `${Math.max(...on.map((m) => m.steererTake)).toFixed(2)}`,
        fmtNum(meanInterval(on.map((m) => m.steererFunding)).mean),
        `${fmtNum(meanInterval(on.map((m) => m.steererPushes)).mean)} / ${on.reduce((a, m) => a + m.steererStuck, 0)}`,
      ]);
      for (const fam of families) {
        const idx = src.cases.flatMap((c, i) => (scenarioFamily(c.scenario) === fam ? [i] : []));
        const mean = (xs: EpisodeMetrics[], g: (m: EpisodeMetrics) => number) => idx.reduce((a, i) => a + g(xs[i]), 0) / idx.length;
        const dRevenue = mean(on, (m) => m.protocolNetRevenue) - mean(off, (m) => m.protocolNetRevenue);
        familyRows.push([p, mode, fam, fmtNum(dRevenue), `${fmtNum(mean(off, (m) => m.repegs))} → ${fmtNum(mean(on, (m) => m.repegs))}`, fmtNum(mean(on, (m) => m.steererTake))]);
      }
    }
  }
  const header = ["policy", "mode", "net revenue, no steerer", "Δ net revenue", "Δ hook PnL", "Δ net funding", "Δ mean gap (bps)", "steerer's take", "best episode's take", "steerer's funding paid", "pushes / legs left open (all episodes)"];
  console.log(markdownTable(header, rows));
  if (o.byFamily) {
    console.log("\nper family, mean per episode (steerer on − off):");
    console.log(markdownTable(["policy", "mode", "family", "Δ net revenue", "repegs off → on", "steerer's take"], familyRows));
  }
}

try {
  main();
} catch (e: unknown) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}

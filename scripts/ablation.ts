/**
 * Ablation on validation (issue 16, DESIGN §8: a state dimension or reward part stays only where it
 * helps): every variant is the default MDP with one change — a candidate state dimension added
 * (mark–oracle gap, budget level, volatility regime, time since the last update) or one of the
 * default's taken away (repeg gain, AMM funding, depth), a reward part switched off (tracking
 * penalty, drawdown term), or the action set widened (hold and a whole repeg beside the two rule steps; a
 * 30 bps tracking shield) — trained like the default run at a small budget on
 * generated train scenarios (`--seeds` training seeds each), then all are scored on the same
 * validation scenarios. Paired 95 % intervals are against the base (the default MDP), per training
 * seed pooled over seeds × scenarios. Writes out/ablation/ablation.json.
 *   npm run ablation -- --episodes 900 --seeds 3 --per-family 10 [--variants base,+budget]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { Command } from "commander";
import { DEFAULT_PARALLEL, DEFAULT_TRAIN_MDP, SHIELD_BPS, defaultTrainConfig } from "../keeper/policy/training/defaultRun";
import { trainParallel } from "../keeper/policy/training/parallelTrainer";
import { savePolicyFile } from "../keeper/policy/policyFile";
import { createStateSpace } from "../keeper/policy/stateIndex";
import type { MdpConfig } from "../keeper/policy/mdpConfig";
import { evaluate } from "../keeper/policy/eval/evaluate";
import { resolveScenarioSource } from "../keeper/policy/eval/scenarioSource";
import { meanInterval, cvar } from "../keeper/policy/eval/stats";
import { REPO_ROOT } from "../keeper/resolve/policyResolver";
import { intOption } from "./cliOptions";


const base = DEFAULT_TRAIN_MDP;
/** The default MDP without one state dimension. */
function without(dim: keyof MdpConfig["state"]): MdpConfig["state"] {
  const { [dim]: _dropped, ...rest } = base.state;
  return rest as MdpConfig["state"];
}
/** Candidate buckets: gap in bps, budget / (oracle·sqrtK) in bps (budgets are 3–20 bps of depth), volatility per √day, hours since an update. */
const GAP_EDGES = [-50, -15, -5, 5, 15, 50];
const BUDGET_EDGES = [5, 10, 20];
const VOL_EDGES = [0.03, 0.06];
const SINCE_EDGES = [2, 8];
export const VARIANTS: { name: string; what: string; mdp: MdpConfig }[] = [
  { name: "base", what: "default MDP (imbalance × repeg gain × AMM funding × depth; threshold or depth-seeking steps)", mdp: base },
  { name: "-repegGain", what: "without what a repeg would earn", mdp: { ...base, state: without("repegGainBps") } },
  { name: "-ammFunding", what: "without the funding the AMM receives", mdp: { ...base, state: without("ammFundingBps") } },
  { name: "-depth", what: "without depth", mdp: { ...base, state: without("depth") } },
  { name: "+gap", what: "+ mark–oracle gap", mdp: { ...base, state: { ...base.state, gapBps: { edges: GAP_EDGES } } } },
  { name: "+budget", what: "+ budget level (budget / depth)", mdp: { ...base, state: { ...base.state, budgetBps: { edges: BUDGET_EDGES } } } },
  { name: "+volatility", what: "+ volatility regime", mdp: { ...base, state: { ...base.state, volatility: { edges: VOL_EDGES } } } },
  { name: "+sinceUpdate", what: "+ hours since the last update", mdp: { ...base, state: { ...base.state, sinceUpdateHours: { edges: SINCE_EDGES } } } },
  { name: "-tracking", what: "reward without the tracking penalty", mdp: { ...base, reward: { ...base.reward, trackingPenaltyPerBps: 0 } } },
  { name: "-drawdown", what: "reward without the drawdown term", mdp: { ...base, reward: { ...base.reward, drawdownPenalty: 0 } } },
  { name: "+holdRepeg", what: "+ hold and a whole repeg beside the rule steps", mdp: { ...base, actions: [{ kind: "hold" }, { kind: "repeg", fraction: 1 }, ...base.actions] } },
  { name: "+shield", what: "+ a 30 bps tracking shield", mdp: { ...base, trackingShield: { gapBps: SHIELD_BPS } } },
];

const o = new Command()
  .option("--episodes <n>", "training episodes per variant and seed", intOption("--episodes", 1), 300)
  .option("--seeds <n>", "training seeds per variant", intOption("--seeds", 1), 1)
  .option("--count <n>", "validation scenarios", intOption("--count", 2), 24)
  .option("--per-family <n>", "instead of --count: the first n validation scenarios of every family", intOption("--per-family", 1))
  .option("--threads <n>", "worker threads", intOption("--threads", 1), DEFAULT_PARALLEL.threads)
  .option("--variants <list>", "comma-separated subset of variants", VARIANTS.map((v) => v.name).join(","))
  .parse()
  .opts<{ episodes: number; seeds: number; count: number; perFamily?: number; threads: number; variants: string }>();

interface Row {
  readonly variant: string;
  readonly what: string;
  readonly states: number;
  readonly actions: number;
  readonly seconds: number;
  readonly netRevenue: number;
  readonly meanGapBps: number;
  readonly cvar5: number;
  readonly vsBase: { diff: number; lo: number; hi: number; n: number } | null;
  readonly gapVsBase: { diff: number; lo: number; hi: number; n: number } | null;
}

async function main(): Promise<void> {
  const chosen = o.variants.split(",").map((s) => s.trim());
  for (const c of chosen) if (!VARIANTS.some((v) => v.name === c)) throw new Error(`--variants: no variant "${c}" (${VARIANTS.map((v) => v.name).join(", ")})`);
  const variants = VARIANTS.filter((v) => chosen.includes(v.name));
  const dir = resolve(REPO_ROOT, "out/ablation");
  mkdirSync(dir, { recursive: true });
  const files = new Map<string, string[]>();
  const seconds = new Map<string, number>();
  for (const v of variants) {
    for (let seed = 1; seed <= o.seeds; seed++) {
      const run = await trainParallel({ name: `${v.name}-s${seed}`, mdp: v.mdp, config: defaultTrainConfig(o.episodes, seed), threads: o.threads, rounds: 1, curveScenarios: 0 });
      const path = resolve(dir, `${v.name}-s${seed}.json`);
      savePolicyFile(path, run.file);
      files.set(v.name, [...(files.get(v.name) ?? []), relative(process.cwd(), path)]);
      seconds.set(v.name, (seconds.get(v.name) ?? 0) + run.seconds);
      console.log(`trained ${v.name} seed ${seed}: ${createStateSpace(v.mdp.state).size} states × ${v.mdp.actions.length} actions, ${run.totalSteps} steps in ${run.seconds.toFixed(1)} s`);
    }
  }
  const source = resolveScenarioSource("validation", { count: o.count, perFamily: o.perFamily, seeds: 2, projectRoot: REPO_ROOT });
  const all = [...files.values()].flat();
  const out = await evaluate({ policies: all, source, seeds: 2, threads: o.threads, replay: false });
  const byPolicy = (p: string) => out.episodes.filter((e) => e.policy === p);
  /** Per variant: its episodes keyed by training seed × scenario. */
  const keyed = (name: string) => {
    const m = new Map<string, { rev: number; gap: number }>();
    files.get(name)!.forEach((f, si) => byPolicy(f).forEach((e) => m.set(`${si}:${e.scenario}`, { rev: e.metrics.netRevenue, gap: e.metrics.meanGapBps })));
    return m;
  };
  const baseEp = files.has("base") ? keyed("base") : null;
  const rows: Row[] = variants.map((v) => {
    const mine = keyed(v.name);
    const revs = [...mine.values()].map((x) => x.rev);
    const paired = (k: "rev" | "gap") => {
      if (!baseEp || v.name === "base") return null;
      const d = [...mine].map(([key, x]) => x[k] - baseEp.get(key)![k]);
      const i = meanInterval(d);
      return { diff: i.mean, lo: i.lo, hi: i.hi, n: i.n };
    };
    return {
      variant: v.name,
      what: v.what,
      states: createStateSpace(v.mdp.state).size,
      actions: v.mdp.actions.length,
      seconds: seconds.get(v.name)!,
      netRevenue: revs.reduce((a, b) => a + b, 0) / revs.length,
      meanGapBps: [...mine.values()].reduce((a, b) => a + b.gap, 0) / mine.size,
      cvar5: cvar(revs),
      vsBase: paired("rev"),
      gapVsBase: paired("gap"),
    };
  });
  const f = (x: number) => x.toExponential(3);
  const iv = (p: Row["vsBase"], g = f) => (p ? `${g(p.diff)} [${g(p.lo)}, ${g(p.hi)}]` : "—");
  console.log(`\nablation on ${source.label} × ${o.seeds} training seed(s), ${o.episodes} training episodes each:`);
  console.log("| variant | change | states × actions | net revenue | vs base (paired 95 %) | mean gap (bps) | gap vs base | CVaR 5 % |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const r of rows)
    console.log(`| ${r.variant} | ${r.what} | ${r.states} × ${r.actions} | ${f(r.netRevenue)} | ${iv(r.vsBase)} | ${r.meanGapBps.toFixed(2)} | ${iv(r.gapVsBase, (x) => x.toFixed(2))} | ${f(r.cvar5)} |`);
  const path = resolve(dir, "ablation.json");
  writeFileSync(path, JSON.stringify({ episodes: o.episodes, seeds: o.seeds, count: o.count, rows, variants: variants.map((v) => ({ name: v.name, mdp: v.mdp, files: files.get(v.name) })) }, null, 1) + "\n");
  console.log(`wrote ${path}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});

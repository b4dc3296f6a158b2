/**
 * `npm run evaluate:adversaries`: every policy on the same scenarios and seeds twice — with the
 * adversaries (sandwich bot) and without — and per policy the paired 95 % interval of what they
 * cost the protocol (net revenue with − without) next to the bot's take.
 *   npm run evaluate:adversaries -- --scenarios validation --count 24 --threads 2
 */
import { Command } from "commander";
import { evaluate, defaultThreads } from "../keeper/policy/eval/evaluate";
import { resolveScenarioSource } from "../keeper/policy/eval/scenarioSource";
import { meanInterval } from "../keeper/policy/eval/stats";
import { fmtInterval, markdownTable } from "../keeper/policy/eval/textTable";
import { BASELINE_NAMES, REPO_ROOT } from "../keeper/resolve/policyResolver";
import { intOption } from "./cliOptions";
import { splitPolicyList } from "../keeper/policy/baselines/ruleCatalog";


const o = new Command()
  .name("evaluate:adversaries")
  .option("--policies <list>", "comma-separated policies", ["learned", ...BASELINE_NAMES].join(","))
  .option("--scenarios <source>", "train | validation | FILE | DIR", "validation")
  .option("--count <n>", "generated scenarios of a split", intOption("--count", 2), 24)
  .option("--seeds <n>", "seeds per scenario file", intOption("--seeds", 2), 20)
  .option("--threads <n>", "worker threads", intOption("--threads", 0), defaultThreads())
  .parse()
  .opts<{ policies: string; scenarios: string; count: number; seeds: number; threads: number }>();

async function main(): Promise<void> {
  const policies = splitPolicyList(o.policies);
  const run = (adversaries: boolean) =>
    evaluate({ policies, source: resolveScenarioSource(o.scenarios, { count: o.count, seeds: o.seeds, projectRoot: REPO_ROOT, adversaries }), seeds: o.seeds, threads: o.threads, replay: false });
  const on = await run(true);
  const off = await run(false);
  const key = (e: { policy: string; scenario: string; seed: number }) => `${e.policy}|${e.scenario}|${e.seed}`;
  const offBy = new Map(off.episodes.map((e) => [key(e), e]));
  console.log(`${o.scenarios}: ${on.pairedUnits} seeds; per episode, mean [95% t-interval], paired on scenario and seed`);
  const rows = policies.map((p) => {
    const eps = on.episodes.filter((e) => e.policy === p);
    const diff = meanInterval(eps.map((e) => e.metrics.netRevenue - offBy.get(key(e))!.metrics.netRevenue));
    const take = meanInterval(eps.map((e) => e.metrics.sandwichTake));
    const revOn = meanInterval(eps.map((e) => e.metrics.netRevenue));
    const revOff = meanInterval(eps.map((e) => offBy.get(key(e))!.metrics.netRevenue));
    return [p, fmtInterval(revOn), fmtInterval(revOff), fmtInterval(diff), fmtInterval(take)];
  });
  const header = ["policy", "net revenue, bot on", "net revenue, bot off", "on − off (paired)", "bot's take"];
  console.log(markdownTable(header, rows));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});

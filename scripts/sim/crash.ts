/**
 * `npm run sim:crash -- [--policies static,default] [--seeds 3] [--hours]`: runs the crash family
 * (scenarios/crash/) through the fast simulator and prints, per scenario × policy × seed, where the
 * losses come from (bad debt by group and how it was covered, funding, hook costs, the equity the
 * curve hides at its peak). `--hours` adds the hourly trace of the first seed. Writes out/sim/crash.json.
 */
import fs from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { resolvePolicy, REPO_ROOT } from "../../keeper/resolve/policyResolver";
import { diagnoseCrash, type CrashSummary, type CrashStep } from "../../keeper/sim/crashDiagnosis";
import { loadScenarioSet } from "../../keeper/sim/scenario";
import { splitPolicyList } from "../../keeper/policy/baselines/ruleCatalog";

const o = new Command()
  .name("sim:crash")
  .option("--policies <list>", "comma-separated policy names", "static,default")
  .option("--seeds <n>", "seeds per scenario (scenario seed + i)", "3")
  .option("--scenario <name>", "only this crash scenario")
  .option("--hours", "print the hourly trace of the first seed")
  .parse()
  .opts<{ policies: string; seeds: string; scenario?: string; hours?: boolean }>();

const seeds = Number(o.seeds);
if (!Number.isInteger(seeds) || seeds < 1) throw new Error(`--seeds must be an integer ≥ 1, got "${o.seeds}"`);
const scenarios = loadScenarioSet("crash", REPO_ROOT).filter((s) => !o.scenario || s.name === o.scenario);
if (scenarios.length === 0) throw new Error(`no crash scenario${o.scenario ? ` named "${o.scenario}"` : ""} under scenarios/crash/`);
const f0 = (x: number) => Math.round(x).toLocaleString("en-US");
const out: { summary: CrashSummary; steps?: CrashStep[] }[] = [];
console.log("scenario       policy   seed  low     maxGap  badDebt(u/i)          fromRes   fromBudg  UNCOVERED  liqs  fundPaid  fundRecv  hookCost  peakHidden  budget→    reserve→");
for (const sc of scenarios) {
  for (const name of splitPolicyList(o.policies)) {
    for (let i = 0; i < seeds; i++) {
      const r = diagnoseCrash(sc, resolvePolicy(name), sc.seed + i);
      const s = r.summary;
      out.push({ summary: s, steps: i === 0 ? r.steps : undefined });
      console.log(
        [
          sc.name.padEnd(14),
          name.padEnd(8),
          String(s.seed).padEnd(5),
          s.oracleLow.toFixed(0).padEnd(7),
          `${(s.maxGap * 100).toFixed(1)}%`.padEnd(7),
          `${f0(s.badDebt)} (${f0(s.badDebtUninformed)}/${f0(s.badDebtInformed)})`.padEnd(21),
          f0(s.fromReserve).padEnd(9),
          f0(s.fromBudget).padEnd(9),
          f0(s.uncovered).padEnd(10),
          String(s.liquidations).padEnd(5),
          f0(s.fundingPaid).padEnd(9),
          f0(s.fundingReceived).padEnd(9),
          f0(s.adjustmentCost).padEnd(9),
          f0(s.peakHiddenDebt).padEnd(11),
          f0(s.finalBudget).padEnd(10),
          f0(s.finalReserve),
        ].join(" "),
      );
      if (o.hours && i === 0) {
        console.log("   h   oracle    mark     gap%   longOI   shortOI  budget    reserve  badU      badI      liqs  fundPaid  hook     hiddenAtOracle  debtOnCurve  missedLiq");
        for (const t of r.steps) {
          console.log(
            `  ${String(t.hour).padStart(3)} ${t.oracle.toFixed(1).padStart(8)} ${t.mark.toFixed(1).padStart(8)} ${(t.gap * 100).toFixed(1).padStart(6)} ${t.longOI.toFixed(0).padStart(8)} ${t.shortOI.toFixed(0).padStart(8)} ${f0(t.budget).padStart(9)} ${f0(t.reservedShare).padStart(8)} ${f0(t.badDebtU).padStart(9)} ${f0(t.badDebtI).padStart(9)} ${String(t.liquidations).padStart(4)} ${f0(t.fundingPaid).padStart(8)} ${f0(t.adjustmentCost).padStart(7)} ${f0(t.hiddenDebtAtOracle).padStart(14)} ${f0(t.debtOnCurve).padStart(12)} ${String(t.missedLiquidations).padStart(9)}`,
          );
        }
      }
    }
  }
}
const file = path.join(REPO_ROOT, "out/sim/crash.json");
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, JSON.stringify(out, null, 1));
console.log(`wrote ${path.relative(process.cwd(), file)}`);

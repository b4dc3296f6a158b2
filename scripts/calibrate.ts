/**
 * `npm run calibrate`: prints the demand regression on Drift's curve history (per market and pooled,
 * 95 % intervals, rows used / rejected and why) and the hourly mark–oracle gap, Drift vs simulated,
 * for the pre-calibration informed flow and a small grid; writes keeper/calibration/calibration.json.
 *   npm run calibrate              (about 10 s)
 */
import fs from "node:fs";
import path from "node:path";
import { runCalibration } from "../keeper/calibration/calibrate";
import type { FitTable } from "../keeper/calibration/demandFit";

const root = path.resolve(__dirname, "..");
const t0 = performance.now();
const r = runCalibration(root);
const g = (x: number) => (Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-2 && x !== 0) ? x.toExponential(3) : x.toFixed(3));

function printFit(f: FitTable): void {
  if (f.skipped) {
    console.log(`  ${f.label}: not fitted (${f.skipped})`);
    return;
  }
  console.log(`  ${f.label}   n = ${f.n}, R² = ${f.r2.toFixed(3)}`);
  for (const c of f.coefficients) console.log(`    ${c.name.padEnd(16)} ${g(c.estimate).padStart(11)}  95% [${g(c.lo)}, ${g(c.hi)}]`);
}

const d = r.demand;
console.log(`Demand on Drift's curve history (data/drift/curve_history.csv)`);
console.log(`records: ${d.records} used, ${d.recordsRejected.length} rejected`);
const byReason = new Map<string, number[]>();
for (const x of [...d.recordsRejected, ...d.intervalsRejected]) {
  const key = x.reason.replace(/[-\d.]+( min| USDC)?/g, "#");
  byReason.set(key, [...(byReason.get(key) ?? []), x.line]);
}
console.log(`intervals between consecutive records of a market: ${d.intervalsUsed} used, ${d.intervalsRejected.length} rejected`);
for (const [reason, lines] of byReason) console.log(`  rejected ${String(lines.length).padStart(3)} × ${reason}   (lines ${lines.slice(0, 8).join(", ")}${lines.length > 8 ? ", …" : ""})`);
console.log(`\nvolume/day = β0 + β1·price + β2·sqrtK, per market (volume = Δtotal_fee / 0.1 %)`);
for (const f of d.perMarket) printFit(f);
console.log(`\nlog volume = α_market + b_p·log price + b_k·log sqrtK`);
printFit(d.pooled);
const e = d.elasticity;
console.log(`\ndepth elasticity of volume (rateElasticity + sizeElasticity): ${e.total.estimate.toFixed(3)} 95% [${e.total.lo.toFixed(3)}, ${e.total.hi.toFixed(3)}]`);
console.log(`simulator defaults: rateElasticity ${e.rateElasticity.toFixed(3)}, sizeElasticity ${e.sizeElasticity.toFixed(3)}; scenarios draw the total from [${e.totalRange.map((v) => v.toFixed(3)).join(", ")}]`);
console.log(`note: ${e.note}`);

const gp = r.gap;
console.log(`\nHourly |mark TWAP / oracle TWAP − 1| (bps): Drift's funding history (${gp.driftRows} rows, ${gp.driftRejected} rejected) vs simulated (no keeper, ${gp.seeds.length} seeds × 7 days)`);
const head = ["", ...gp.quantiles.map((q) => `q${Math.round(q * 100)}`), "KS"];
const line = (cells: string[]) => console.log(cells.map((c, i) => (i === 0 ? c.padEnd(34) : c.padStart(7))).join(""));
line(head);
line(["Drift (all markets)", ...gp.drift.map((v) => v.toFixed(1)), ""]);
const row = (label: string, c: (typeof gp.grid)[number]) => line([label, ...c.quantiles.map((v) => v.toFixed(1)), c.ks.toFixed(3)]);
row(`pre-calibration λ_i=${gp.current.setting.informedProb} edge=${gp.current.setting.edgeBps}`, gp.current);
for (const c of gp.grid) row(`grid λ_i=${c.setting.informedProb} edge=${c.setting.edgeBps}bps`, c);
row(`BEST λ_i=${gp.best.setting.informedProb} edge=${gp.best.setting.edgeBps}bps`, gp.best);
const out = path.join(root, "keeper/calibration/calibration.json");
fs.writeFileSync(out, JSON.stringify(r, null, 1) + "\n");
console.log(`\n${((performance.now() - t0) / 1000).toFixed(1)} s; wrote ${path.relative(root, out)}`);

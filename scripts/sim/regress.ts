/**
 * `npm run sim:regress`: fits seed 002's volume model `volume = β0 + β1·price + β2·k` on simulated
 * runs (grid of price levels × depths × seeds, base = scenarios/train/gbm-calm.json), prints the
 * coefficients and R², and writes out/sim/regression.json.
 */
import fs from "node:fs";
import path from "node:path";
import { volumeRegression, type OlsFit } from "../../keeper/sim/regression";
import { loadScenario } from "../../keeper/sim/scenario";

const root = path.resolve(__dirname, "../..");
const base = loadScenario(path.join(root, "scenarios/train/gbm-calm.json"));
const t0 = performance.now();
const r = volumeRegression({ base });
const seconds = (performance.now() - t0) / 1000;

function show(title: string, names: string[], fit: OlsFit): void {
  console.log(`\n${title}   (n = ${fit.n}, R² = ${fit.r2.toFixed(4)})`);
  names.forEach((n, i) => console.log(`  ${n.padEnd(8)} ${fit.coefficients[i].toExponential(6).padStart(16)}  ± ${fit.stdErrors[i].toExponential(2)}`));
}
console.log(`volume regression on ${r.rows.length} simulated 1-day runs (${seconds.toFixed(1)} s)`);
console.log("price    sqrtK     volume/day (mean over seeds)");
const cells = new Map<string, number[]>();
for (const row of r.rows) {
  const key = `${row.price}|${row.sqrtK}`;
  cells.set(key, [...(cells.get(key) ?? []), row.volume]);
}
for (const [key, vs] of cells) {
  const [p, s] = key.split("|");
  console.log(`${p.padStart(5)} ${s.padStart(9)}  ${(vs.reduce((a, b) => a + b, 0) / vs.length).toExponential(4)}`);
}
show("volume = β0 + β1·price + β2·k", ["β0", "β1", "β2 (k)"], r.linearK);
show("volume = β0 + β1·price + β2·sqrtK", ["β0", "β1", "β2 (√k)"], r.linearSqrtK);
console.log(`\nβ2 > 0: ${r.linearK.coefficients[2] > 0 ? "yes" : "NO"} (a deeper curve draws more volume)`);
const out = path.join(root, "out/sim/regression.json");
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, JSON.stringify({ linearK: r.linearK, linearSqrtK: r.linearSqrtK, rows: r.rows, seconds }, null, 2) + "\n");
console.log(`wrote ${out}`);

/**
 * `npm run supervised:eval`: time-ordered held-out evaluation of the success classifiers (logistic,
 * MLP) against the majority-class baseline, and of the size regressor against the mean, on Drift's
 * real history and on a simulated dataset. Prints a table and writes out/supervised/eval.json.
 *
 * Simulated data hook: `--sim-records <file.json>` takes an array of AdjustmentRecords (the form of
 * adjustmentRecord.ts) written by keeper/sim or the keeper journal. Without it, a seeded synthetic
 * stand-in (syntheticAdjustments.ts) is used and the JSON says so.
 */
import fs from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { initTf } from "./tfBackend";
import { DEFAULT_DRIFT_DIR } from "./driftCsvLoader";
import { loadDriftDataset } from "./driftDataset";
import { datasetFromRecords, parseAdjustmentRecords, type AdjustmentDataset } from "./adjustmentDataset";
import { syntheticAdjustmentRecords } from "./syntheticAdjustments";
import { evaluateDataset, type DatasetEvaluation } from "./evaluateDataset";
import { saveModel } from "./modelStore";

interface CliOptions {
  driftDir: string;
  windowHours: string;
  volHours: string;
  trainFraction: string;
  simRecords?: string;
  syntheticCount: string;
  seed: string;
  out: string;
  saveModels?: string;
}

async function main(argv: string[]): Promise<void> {
  const o = new Command()
    .name("supervised:eval")
    .option("--drift-dir <dir>", "folder with curve_history.csv and funding_rate_history.csv", DEFAULT_DRIFT_DIR)
    .option("--window-hours <h>", "label window: fees counted this many hours after a change", "24")
    .option("--vol-hours <h>", "volatility look-back, hours", "24")
    .option("--train-fraction <f>", "earliest share of rows used for training", "0.7")
    .option("--sim-records <file>", "simulated AdjustmentRecords (JSON array) instead of the synthetic stand-in")
    .option("--synthetic-count <n>", "rows of the synthetic stand-in", "800")
    .option("--seed <n>", "seed for synthetic data, shuffling and initialisation", "7")
    .option("--out <file>", "JSON report", "out/supervised/eval.json")
    .option("--save-models <dir>", "save the Drift-trained models here (manifest + weights)")
    .parse(argv)
    .opts<CliOptions>();

  const num = (name: string, v: string, int = false): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || (int && !Number.isInteger(n))) throw new Error(`--${name} must be a${int ? "n integer" : " number"}, got '${v}'`);
    return n;
  };
  const windowHours = num("window-hours", o.windowHours);
  const trainFraction = num("train-fraction", o.trainFraction);
  const seed = num("seed", o.seed, true);

  const runtime = await initTf();

  const drift = loadDriftDataset(o.driftDir, { labelWindowHours: windowHours, volWindowHours: num("vol-hours", o.volHours) });
  const r = drift.report;
  console.log(
    `Drift: ${r.curveRows} curve records (${r.curveRejected.length} bad rows rejected, ${r.curveDuplicates} duplicate record_id rows dropped), ` +
      `${r.fundingRows} funding rows (${r.fundingRejected.length} rejected, ${r.fundingDuplicates} duplicates), ` +
      `${r.skipped.length} records skipped (${summarise(r.skipped.map((s) => s.reason))}), ` +
      `${drift.dataset.unlabelled} without a later record inside ${windowHours} h (unlabelled)`,
  );
  for (const bad of [...r.curveRejected.map((b) => ({ ...b, f: "curve_history.csv" })), ...r.fundingRejected.map((b) => ({ ...b, f: "funding_rate_history.csv" }))].slice(0, 10)) {
    console.log(`  rejected ${bad.f}:${bad.line}: ${bad.reason}`);
  }

  let sim: AdjustmentDataset;
  let simSource: string;
  if (o.simRecords) {
    const records = parseAdjustmentRecords(JSON.parse(fs.readFileSync(o.simRecords, "utf8")), o.simRecords);
    sim = datasetFromRecords(`sim:${path.basename(o.simRecords)}`, records);
    simSource = `simulator records from ${o.simRecords}`;
  } else {
    const count = num("synthetic-count", o.syntheticCount, true);
    sim = datasetFromRecords("synthetic", syntheticAdjustmentRecords({ count, seed }));
    simSource = `synthetic stand-in (syntheticAdjustments.ts, ${count} rows, seed ${seed}); keeper/sim records not supplied (--sim-records)`;
  }

  const evaluations: DatasetEvaluation[] = [];
  for (const ds of [drift.dataset, sim]) {
    const { evaluation, models } = await evaluateDataset(ds, { trainFraction, seed });
    evaluations.push(evaluation);
    if (o.saveModels && ds === drift.dataset) {
      for (const [name, m] of Object.entries(models)) {
        const p = await saveModel(m, o.saveModels, `drift-${name}`, { trainedOn: ds.source, trainRows: evaluation.trainRows, windowHours });
        console.log(`saved ${p.manifest}`);
      }
    }
    Object.values(models).forEach((m) => m.dispose());
  }

  printTable(evaluations);
  const report = {
    generatedAt: new Date().toISOString(),
    backend: runtime.backend,
    tfPackage: runtime.package,
    options: { windowHours, trainFraction, seed, driftDir: o.driftDir },
    drift: { ...r, curveRejected: r.curveRejected, skippedCount: r.skipped.length },
    simulatedSource: simSource,
    evaluations,
  };
  fs.mkdirSync(path.dirname(o.out), { recursive: true });
  fs.writeFileSync(o.out, JSON.stringify(report, null, 2));
  console.log(`wrote ${path.resolve(o.out)}`);
}

function printTable(evals: readonly DatasetEvaluation[]): void {
  const f = (v: number) => v.toFixed(3);
  const rows = evals.flatMap((e) => [
    [e.source, "majority baseline", `${e.trainRows}/${e.testRows}`, f(e.testSuccessRate), f(e.baseline.accuracy), f(e.baseline.brier)],
    [e.source, "logistic", "", "", f(e.logistic.accuracy), f(e.logistic.brier)],
    [e.source, "mlp", "", "", f(e.mlp.accuracy), f(e.mlp.brier)],
    [e.source, "size regressor RMSE", "", "", `${f(e.sizeRegressor.rmse)}`, `(mean: ${f(e.sizeRegressor.meanBaselineRmse)})`],
  ]);
  const head = ["dataset", "model", "train/test", "test success", "accuracy", "Brier"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ");
  console.log(line(head));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  rows.forEach((r) => console.log(line(r)));
}

function summarise(reasons: readonly string[]): string {
  const counts = new Map<string, number>();
  reasons.forEach((r) => counts.set(r, (counts.get(r) ?? 0) + 1));
  return [...counts].map(([r, n]) => `${n} ${r}`).join(", ") || "none";
}

main(process.argv).catch((e: Error) => {
  console.error(`supervised:eval failed: ${e.message}`);
  process.exitCode = 1;
});

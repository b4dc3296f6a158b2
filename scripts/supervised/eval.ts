/**
 * `npm run supervised:eval`: time-ordered held-out evaluation of the success classifiers (logistic,
 * MLP) against the majority-class baseline, and of the size regressor against the mean, on Drift's
 * real history and on simulated data. Prints a table and writes out/supervised/eval.json.
 *
 * Simulated data: `--sim-records` (default out/supervised/sim-records.json, from
 * `npm run supervised:dataset -- --scenarios train`) is evaluated with a time split; when
 * `--sim-test-records` exists too (default out/supervised/sim-records-test.json, the same command
 * with `--scenarios test`), a second row trains on all TRAIN-scenario records and scores the
 * held-out TEST scenarios. `--journal <db>` adds the keeper journal's records (time split).
 * `--synthetic` uses the seeded synthetic stand-in (syntheticAdjustments.ts) instead of sim records.
 */
import fs from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { initTf } from "../../keeper/supervised/tfBackend";
import { DEFAULT_DRIFT_DIR } from "../../keeper/supervised/driftCsvLoader";
import { loadDriftDataset } from "../../keeper/supervised/driftDataset";
import { datasetFromRecords, parseAdjustmentRecords, type AdjustmentDataset } from "../../keeper/supervised/adjustmentDataset";
import { syntheticAdjustmentRecords } from "../../keeper/supervised/syntheticAdjustments";
import { evaluateDataset, evaluateSplit, type DatasetEvaluation } from "../../keeper/supervised/evaluateDataset";
import { journalAdjustmentRecords } from "../../keeper/supervised/journalAdjustments";
import { Journal } from "../../keeper/service/journal/journal";
import type { TrainOptions } from "../../keeper/supervised/trainModels";
import { saveModel } from "../../keeper/supervised/modelStore";
import { cliNumber as num } from "../../keeper/supervised/cliNumber";

interface CliOptions {
  driftDir: string;
  windowHours: string;
  volHours: string;
  trainFraction: string;
  simRecords: string;
  simTestRecords: string;
  synthetic?: boolean;
  journal?: string;
  journalWindowHours: string;
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
    .option("--sim-records <file>", "simulated AdjustmentRecords (JSON array, TRAIN scenarios)", "out/supervised/sim-records.json")
    .option("--sim-test-records <file>", "simulated records of the TEST scenarios (scenario-held-out row; skipped if absent)", "out/supervised/sim-records-test.json")
    .option("--synthetic", "use the synthetic stand-in instead of simulator records")
    .option("--synthetic-count <n>", "rows of the synthetic stand-in", "800")
    .option("--journal <db>", "also evaluate on a keeper journal (SQLite)")
    .option("--journal-window-hours <h>", "label window for journal records", "1")
    .option("--seed <n>", "seed for synthetic data, shuffling and initialisation", "7")
    .option("--out <file>", "JSON report", "out/supervised/eval.json")
    .option("--save-models <dir>", "save the Drift-trained models here (manifest + weights)")
    .parse(argv)
    .opts<CliOptions>();
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

  // Simulated sets are thousands of rows: larger batches, fewer epochs (same optimum, minutes less).
  const simTrain: Partial<TrainOptions> = { batchSize: 256, epochs: 60 };
  const jobs: Array<{ run: () => ReturnType<typeof evaluateDataset>; saveAs?: string }> = [
    { run: () => evaluateDataset(drift.dataset, { trainFraction, seed }), saveAs: "drift" },
  ];
  let simSource: string;
  if (o.synthetic) {
    const count = num("synthetic-count", o.syntheticCount, true);
    const sim = datasetFromRecords("synthetic", syntheticAdjustmentRecords({ count, seed }));
    simSource = `synthetic stand-in (syntheticAdjustments.ts, ${count} rows, seed ${seed}), chosen with --synthetic`;
    jobs.push({ run: () => evaluateDataset(sim, { trainFraction, seed }) });
  } else {
    if (!fs.existsSync(o.simRecords)) {
      throw new Error(`${o.simRecords} not found: run \`npm run supervised:dataset -- --scenarios train --out ${o.simRecords}\` first (or pass --synthetic)`);
    }
    const sim = readRecords(o.simRecords, "sim-train");
    simSource = `simulator records from ${o.simRecords}`;
    jobs.push({ run: () => evaluateDataset(sim, { trainFraction, seed, train: simTrain }) });
    if (fs.existsSync(o.simTestRecords)) {
      const held = readRecords(o.simTestRecords, "sim-test");
      simSource += `; scenario-held-out test: ${o.simTestRecords}`;
      jobs.push({ run: () => evaluateSplit("sim train→test scenarios", sim, held, "TEST scenarios", { seed, train: simTrain }) });
    } else console.log(`(no ${o.simTestRecords}: the scenario-held-out row is skipped)`);
  }
  if (o.journal) {
    const journal = Journal.open(o.journal);
    try {
      const { records, skipped } = journalAdjustmentRecords(journal.list(undefined, Number.MAX_SAFE_INTEGER), { labelWindowHours: num("journal-window-hours", o.journalWindowHours) });
      console.log(`journal ${o.journal}: ${records.length} confirmed adjustments, ${skipped.length} skipped`);
      const ds = datasetFromRecords(`journal:${path.basename(o.journal)}`, records);
      jobs.push({ run: () => evaluateDataset(ds, { trainFraction, seed }) });
    } finally {
      journal.close();
    }
  }

  const evaluations: DatasetEvaluation[] = [];
  for (const job of jobs) {
    const { evaluation, models } = await job.run();
    evaluations.push(evaluation);
    if (o.saveModels && job.saveAs) {
      for (const [name, m] of Object.entries(models)) {
        const p = await saveModel(m, o.saveModels, `${job.saveAs}-${name}`, { trainedOn: evaluation.source, trainRows: evaluation.trainRows, windowHours });
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

function readRecords(file: string, source: string): AdjustmentDataset {
  return datasetFromRecords(source, parseAdjustmentRecords(JSON.parse(fs.readFileSync(file, "utf8")), file));
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

/**
 * `npm run supervised:train`: trains the shipped ensemble models on simulated TRAIN-scenario records
 * and picks the ensemble's threshold on the TRAIN scenarios (the test set is never touched):
 *   1. logistic vs MLP: trained on the earliest 70 % of the records, the lower held-out Brier wins;
 *   2. the winner and the size regressor are retrained on all records and saved under
 *      models/supervised/ (manifest + weights, modelStore.ts);
 *   3. the ensemble around the inner Q-policy runs every TRAIN scenario × seed for each threshold
 *      (and with / without regressor sizing); the best mean net revenue wins (threshold 0 is the
 *      Q-policy alone, so the ensemble is kept only if vetoing helped on TRAIN);
 *   4. models/supervised/ensemble.json records the choice and the whole search.
 */
import fs from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { initTf } from "../../keeper/supervised/tfBackend";
import { CLASSIFIER_FEATURES, REGRESSOR_FEATURES } from "../../keeper/supervised/adjustmentRecord";
import { datasetFromRecords, parseAdjustmentRecords, timeOrderedSplit } from "../../keeper/supervised/adjustmentDataset";
import { trainClassifier, trainSizeRegressor, type TrainOptions } from "../../keeper/supervised/trainModels";
import { brierScore, accuracy, majorityBaseline } from "../../keeper/supervised/metrics";
import { saveModel } from "../../keeper/supervised/modelStore";
import { loadPlainModel } from "../../keeper/supervised/plainModel";
import { ENSEMBLE_CONFIG_FORMAT, buildEnsembleFromConfig, type EnsembleConfig } from "../../keeper/supervised/ensembleSpec";
import { REPO_ROOT, resolvePolicy } from "../../keeper/resolve/policyResolver";
import { listScenarios, runEvalEpisode } from "../../keeper/policy/simAdapter";
import { meanCi95 } from "../../keeper/sim/metrics";

interface CliOptions {
  records: string;
  outDir: string;
  inner: string;
  thresholds: string;
  seeds: string;
  seed: string;
}

const SIM_TRAIN: Partial<TrainOptions> = { batchSize: 256, epochs: 60 };

async function main(argv: string[]): Promise<void> {
  const o = new Command()
    .name("supervised:train")
    .option("--records <file>", "simulated TRAIN-scenario records", "out/supervised/sim-records.json")
    .option("--out-dir <dir>", "where models and ensemble.json go", path.join(REPO_ROOT, "models/supervised"))
    .option("--inner <policy>", "inner policy of the ensemble", "default")
    .option("--thresholds <list>", "success-probability thresholds to try", "0,0.5,0.7,0.8,0.9,0.95")
    .option("--seeds <n>", "seeds per TRAIN scenario for the threshold search", "3")
    .option("--seed <n>", "training seed", "7")
    .parse(argv)
    .opts<CliOptions>();
  const seed = Number(o.seed);
  const nSeeds = Number(o.seeds);
  const thresholds = o.thresholds.split(",").map(Number);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got '${o.seed}'`);
  if (!(Number.isInteger(nSeeds) && nSeeds >= 2)) throw new Error(`--seeds must be an integer >= 2, got '${o.seeds}'`);
  if (thresholds.some((t) => !(t >= 0 && t <= 1))) throw new Error(`--thresholds must be numbers in [0, 1], got '${o.thresholds}'`);
  await initTf();

  if (!fs.existsSync(o.records)) throw new Error(`${o.records} not found: run \`npm run supervised:dataset -- --scenarios train\` first`);
  const ds = datasetFromRecords("sim-train", parseAdjustmentRecords(JSON.parse(fs.readFileSync(o.records, "utf8")), o.records));
  const opts = { ...SIM_TRAIN, seed };

  // 1. Classifier choice on a time split of the TRAIN records.
  const { train, test } = timeOrderedSplit(ds, 0.7);
  const base = majorityBaseline(train.y, test.y);
  const brier: Record<"logistic" | "mlp", number> = { logistic: NaN, mlp: NaN };
  for (const kind of ["logistic", "mlp"] as const) {
    const m = await trainClassifier(kind, train.x, train.y, CLASSIFIER_FEATURES, opts);
    const p = m.predict(test.x);
    brier[kind] = brierScore(p, test.y);
    console.log(`${kind}: held-out (later 30 % of TRAIN records) accuracy ${accuracy(p, test.y).toFixed(3)}, Brier ${brier[kind].toFixed(4)} (majority: ${base.accuracy.toFixed(3)}, ${base.brier.toFixed(4)})`);
    m.dispose();
  }
  const kind = brier.mlp < brier.logistic ? "mlp" : "logistic";

  // 2. Final models on all TRAIN records.
  const classifier = await trainClassifier(kind, ds.x, ds.y, CLASSIFIER_FEATURES, opts);
  const regressor = await trainSizeRegressor(ds.xSize, ds.size, REGRESSOR_FEATURES, opts);
  const meta = { trainedOn: o.records, rows: ds.y.length, successRate: ds.y.reduce((s, v) => s + v, 0) / ds.y.length, train: opts };
  const cPaths = await saveModel(classifier, o.outDir, `sim-${kind}`, meta);
  const rPaths = await saveModel(regressor, o.outDir, "sim-sizeRegressor", meta);
  const diff = Math.max(
    maxAbsDiff(classifier.predict(ds.x.slice(0, 500)), loadPlainModel(cPaths.manifest).predict(ds.x.slice(0, 500))),
    maxAbsDiff(regressor.predict(ds.xSize.slice(0, 500)), loadPlainModel(rPaths.manifest).predict(ds.xSize.slice(0, 500))) / Math.max(1e-12, rmsOf(ds.size)),
  );
  console.log(`saved ${cPaths.manifest}, ${rPaths.manifest}; plain-TS vs TF.js max |Δ| on 500 rows: ${diff.toExponential(2)}`);
  classifier.dispose();
  regressor.dispose();

  // 3. Threshold search on the TRAIN scenarios.
  const configPath = path.join(o.outDir, "ensemble.json");
  const config: EnsembleConfig = {
    format: ENSEMBLE_CONFIG_FORMAT,
    schemaVersion: 1,
    inner: o.inner,
    classifier: path.basename(cPaths.manifest),
    sizeRegressor: path.basename(rPaths.manifest),
    threshold: 0.5,
    sizeWithRegressor: false,
  };
  fs.writeFileSync(configPath, JSON.stringify(config, null, 1) + "\n");
  const scenarios = listScenarios("train");
  const seeds = Array.from({ length: nSeeds }, (_, i) => 101 + i);
  const search: Array<{ threshold: number; sized: boolean; netRevenue: number; lo: number; hi: number; meanGapBps: number; updates: number }> = [];
  for (const sized of [false, true]) {
    for (const threshold of thresholds) {
      if (sized && threshold === 0 && thresholds.length > 1) continue; // sizing without a veto is not the question here
      const policy = buildEnsembleFromConfig(configPath, null, { resolveInner: (n) => resolvePolicy(n), overrides: { threshold, sizeWithRegressor: sized } });
      const rev: number[] = [];
      let gap = 0;
      let updates = 0;
      for (const sc of scenarios) {
        for (const s of seeds) {
          const m = runEvalEpisode(sc, policy, s, false).metrics;
          rev.push(m.netRevenue);
          gap += m.meanGapBps;
          updates += m.updates;
        }
      }
      const ci = meanCi95(rev);
      const row = { threshold, sized, netRevenue: ci.mean, lo: ci.lo, hi: ci.hi, meanGapBps: gap / rev.length, updates: updates / rev.length };
      search.push(row);
      console.log(`threshold ${threshold.toFixed(2)}${sized ? " sized" : "      "}: net revenue ${ci.mean.toFixed(0)} [${ci.lo.toFixed(0)}, ${ci.hi.toFixed(0)}], mean gap ${row.meanGapBps.toFixed(2)} bps, ${row.updates.toFixed(1)} updates/episode`);
    }
  }
  // Highest mean net revenue; ties (within 0.1 %) go to the smaller intervention.
  const best = search.reduce((a, b) => (b.netRevenue > a.netRevenue * (1 + 1e-3) ? b : a));
  const final: EnsembleConfig = {
    ...config,
    threshold: best.threshold,
    sizeWithRegressor: best.sized,
    selection: {
      objective: "mean net revenue over TRAIN scenarios × seeds (test set untouched)",
      scenarios,
      seeds,
      classifierChoice: { heldOutBrier: brier, majorityBrier: base.brier, chosen: kind },
      search,
    },
  };
  fs.writeFileSync(configPath, JSON.stringify(final, null, 1) + "\n");
  console.log(`chosen: threshold ${best.threshold}${best.sized ? ", sized by the regressor" : ""}; wrote ${configPath}`);
}

function maxAbsDiff(a: readonly number[], b: readonly number[]): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

function rmsOf(v: readonly number[]): number {
  return Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length);
}

main(process.argv).catch((e: Error) => {
  console.error(`supervised:train failed: ${e.message}`);
  process.exitCode = 1;
});

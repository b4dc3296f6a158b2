import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { CLASSIFIER_FEATURES, REGRESSOR_FEATURES } from "../../../keeper/supervised/adjustmentRecord";
import { trainClassifier, trainSizeRegressor } from "../../../keeper/supervised/trainModels";
import { saveModel } from "../../../keeper/supervised/modelStore";
import { getTf } from "../../../keeper/supervised/tfBackend";
import {
  DEFAULT_ENSEMBLE_CONFIG,
  ENSEMBLE_CONFIG_FORMAT,
  isEnsembleSpec,
  parseEnsembleSpec,
  readEnsembleConfig,
  resolveEnsembleSpecPaths,
} from "../../../keeper/supervised/ensembleSpec";
import { SupervisedEnsemblePolicy } from "../../../keeper/supervised/supervisedEnsemblePolicy";
import { policyKind, resolvePolicy } from "../../../keeper/resolve/policyResolver";
import { evaluate } from "../../../keeper/policy/eval/evaluate";
import { QPolicy } from "../../../keeper/policy/qPolicy";
import { loadKeeperPolicy } from "../../../keeper/service/policy/loadKeeperPolicy";
import { initTfQuietly, makeTempDir, separableProblem } from "./supervisedTestUtils";

/** An ensemble config whose classifier says `p` for every input (zero kernel, bias logit(p)). */
async function constantEnsemble(dir: string, name: string, p: number): Promise<string> {
  const { x, y } = separableProblem(40, CLASSIFIER_FEATURES.length, 1);
  const c = await trainClassifier("logistic", x, y, CLASSIFIER_FEATURES, { epochs: 1, seed: 1 });
  const tf = getTf();
  const [kernel, bias] = c.network.getWeights();
  c.network.setWeights([tf.zerosLike(kernel), tf.fill(bias.shape, Math.log(p / (1 - p)))]);
  const r = await trainSizeRegressor(x.map((row) => row.slice(0, REGRESSOR_FEATURES.length)), x.map((row) => 0.001 * row[0]), REGRESSOR_FEATURES, { epochs: 1, seed: 1 });
  const cp = await saveModel(c, dir, `${name}-c`);
  const rp = await saveModel(r, dir, `${name}-r`);
  c.dispose();
  r.dispose();
  const file = path.join(dir, `${name}.json`);
  const cfg = { format: ENSEMBLE_CONFIG_FORMAT, schemaVersion: 1, inner: "default", classifier: path.basename(cp.manifest), sizeRegressor: path.basename(rp.manifest), threshold: 0.5, sizeWithRegressor: false };
  fs.writeFileSync(file, JSON.stringify(cfg));
  return file;
}

describe("ensemble policy in the policy registry, evaluate and the keeper", function () {
  this.timeout(120_000);
  let dir: string;
  let passAll: string;
  let vetoAll: string;

  before(async function () {
    await initTfQuietly();
    dir = makeTempDir("ensemble-reg");
    passAll = await constantEnsemble(dir, "pass", 0.99);
    vetoAll = await constantEnsemble(dir, "veto", 0.01);
  });

  describe("spec parsing", function () {
    it("reads 'ensemble', 'ensemble:<inner>' and 'ensemble:<inner>@<config>'", function () {
      expect(isEnsembleSpec("ensemble")).to.equal(true);
      expect(isEnsembleSpec("ensemble:policies/default.json")).to.equal(true);
      expect(isEnsembleSpec("ensembles")).to.equal(false);
      expect(parseEnsembleSpec("ensemble")).to.deep.equal({ inner: null, configPath: DEFAULT_ENSEMBLE_CONFIG });
      expect(parseEnsembleSpec("ensemble:policies/default.json")).to.deep.equal({ inner: "policies/default.json", configPath: DEFAULT_ENSEMBLE_CONFIG });
      expect(parseEnsembleSpec(`ensemble:default@${passAll}`)).to.deep.equal({ inner: "default", configPath: passAll });
      expect(() => parseEnsembleSpec("ensemble:")).to.throw(/empty inner policy/);
      expect(() => parseEnsembleSpec("ensemble:ensemble:default")).to.throw(/cannot wrap another ensemble/);
    });

    it("resolves the paths of a config-file spec against the config's folder, leaving names alone", function () {
      expect(resolveEnsembleSpecPaths("ensemble:policies/default.json", "/etc/keeper")).to.equal("ensemble:/etc/keeper/policies/default.json");
      expect(resolveEnsembleSpecPaths("ensemble:default@models/e.json", "/etc/keeper")).to.equal("ensemble:default@/etc/keeper/models/e.json");
      expect(resolveEnsembleSpecPaths("ensemble", "/etc/keeper")).to.equal("ensemble");
    });

    it("names the field of a bad config", function () {
      const bad = path.join(dir, "bad.json");
      fs.writeFileSync(bad, JSON.stringify({ ...JSON.parse(fs.readFileSync(passAll, "utf8")), threshold: 2 }));
      expect(() => readEnsembleConfig(bad)).to.throw(/ensemble config .*bad\.json: threshold: /);
      expect(() => resolvePolicy(`ensemble:default@${path.join(dir, "none.json")}`)).to.throw(/cannot read JSON/);
    });
  });

  describe("the shipped models (models/supervised/ensemble.json)", function () {
    it("load as the ensemble around the default Q-policy, with a threshold chosen on TRAIN", function () {
      const cfg = readEnsembleConfig(DEFAULT_ENSEMBLE_CONFIG);
      expect(cfg.inner).to.equal("default");
      expect((cfg.selection as { scenarios: string[] }).scenarios.every((s) => !fs.existsSync(path.join(__dirname, "../../../scenarios/test", `${s}.json`)))).to.equal(true);
      const p = resolvePolicy("ensemble");
      expect(p).to.be.instanceOf(SupervisedEnsemblePolicy);
      expect(p.name).to.contain(`p>=${cfg.threshold}`);
    });
  });

  describe("evaluate (worker threads)", function () {
    it("runs ensembles by name: one that passes everything equals the Q-policy, one that vetoes everything adjusts only under the shield", async function () {
      const pass = `ensemble:default@${passAll}`;
      const veto = `ensemble:default@${vetoAll}`;
      const vetoBaseline = `ensemble:threshold@${vetoAll}`;
      const out = await evaluate({ policies: ["default", pass, veto, "threshold", vetoBaseline], set: "train", seeds: 2, threads: 1, scenarios: ["replay-eth-2019"], replay: false });
      const of = (p: string) => out.episodes.filter((e) => e.policy === p);
      expect(of(pass).map((e) => e.metrics)).to.deep.equal(of("default").map((e) => e.metrics));
      expect(of("default").every((e) => e.metrics.updates > 0)).to.equal(true);
      // The default policy's tracking shield outranks the classifier: its forced repegs still go through.
      of(veto).forEach((e, i) => expect(e.metrics.updates).to.be.lessThan(of("default")[i].metrics.updates));
      // Around a policy without a shield, a veto-everything classifier never adjusts.
      expect(of("threshold").every((e) => e.metrics.updates > 0)).to.equal(true);
      expect(of(vetoBaseline).every((e) => e.metrics.updates === 0)).to.equal(true);
      expect(out.report.policies).to.deep.equal(["default", pass, veto, "threshold", vetoBaseline]);
    });

    it("fails before starting workers when the ensemble's files are missing", async function () {
      await evaluate({ policies: ["default", "ensemble:default@/nonexistent/e.json"], set: "train", seeds: 2, threads: 1, replay: false }).then(
        () => expect.fail("should have thrown"),
        (e: Error) => expect(e.message).to.match(/ensemble config \/nonexistent\/e\.json/),
      );
    });
  });

  describe("the one resolver (keeper/resolve/policyResolver.ts)", function () {
    it("knows the ensemble as a registered family: neither a baseline nor a policy file", function () {
      expect(["ensemble", `ensemble:default@${passAll}`, "ensemble:threshold"].map(policyKind)).to.deep.equal(["family", "family", "family"]);
      expect(["static", "depth-seeking", 'threshold{"repegAboveBps":20}'].map(policyKind)).to.deep.equal(["baseline", "baseline", "baseline"]);
      // "learned" is the shipped file; "default" is what policies/selection.json chose (a rule today).
      expect(["learned", "policies/default.json"].map(policyKind)).to.deep.equal(["file", "file"]);
    });
  });

  describe("the keeper's policy loader", function () {
    it("builds the ensemble around a policy file", function () {
      const p = loadKeeperPolicy(`ensemble:${path.join(__dirname, "../../../policies/default.json")}@${vetoAll}`);
      expect(p).to.be.instanceOf(SupervisedEnsemblePolicy);
      expect(p.name).to.match(/^supervised-ensemble\(default, logistic, p>=0\.5\)$/);
      expect(loadKeeperPolicy("ensemble:static").name).to.contain("static");
      expect(loadKeeperPolicy("policies/default.json")).to.be.instanceOf(QPolicy);
    });
  });
});

import { expect } from "chai";
import { trainParallel } from "../../../../keeper/policy/training/parallelTrainer";
import { DEFAULT_TRAIN_MDP, defaultTrainConfig } from "../../../../keeper/policy/training/defaultRun";
import { parsePolicyFile, serialisePolicyFile } from "../../../../keeper/policy/policyFile";

describe("parallel training (worker threads, merged tables)", function () {
  this.timeout(120_000);
  const run = (seed: number) =>
    trainParallel({ name: "t", mdp: DEFAULT_TRAIN_MDP, config: defaultTrainConfig(4, seed), threads: 2, rounds: 2, curveScenarios: 2 });

  it("plays every episode once across the workers, scores each round on validation and writes a loadable policy", async () => {
    const r = await run(1);
    expect(r.curve).to.have.length(2);
    expect(r.curve.map((p) => p.episodes)).to.deep.equal([2, 4]);
    expect(r.curve[1].steps).to.equal(r.totalSteps);
    // 4 generated train scenarios of 2–4 days, hourly decisions.
    expect(r.totalSteps).to.be.within(4 * 48, 4 * 96);
    for (const p of r.curve) expect(Number.isFinite(p.validationNetRevenue) && Number.isFinite(p.validationMeanGapBps)).to.equal(true);
    const visits = r.file.visits.reduce((a, b) => a + b, 0);
    expect(visits).to.equal(r.totalSteps); // merged visit counts add up to the steps played
    const loaded = parsePolicyFile(serialisePolicyFile(r.file));
    expect(loaded.training.validationCurve).to.have.length(2);
  });

  it("is reproducible from its seed and thread count; another seed trains on other scenarios", async () => {
    const [a, b, c] = [await run(2), await run(2), await run(3)];
    expect(a.file.qTable).to.deep.equal(b.file.qTable);
    expect(a.file.training.scenarios).to.not.equal(c.file.training.scenarios);
  });
});

import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { HOLD, type Action, type Decision, type Policy } from "../../../keeper/core/policyTypes";
import { MarketEnv } from "../../../keeper/sim/env";
import { parseScenario, type Scenario } from "../../../keeper/sim/scenario";
import { StaticPolicy } from "../../../keeper/policy/baselines/staticPolicy";
import { REPO_ROOT } from "../../../keeper/policy/policyRegistry";
import { simAdjustmentRecords, toRecordJson, randomAction } from "../../../keeper/supervised/simAdjustments";
import { datasetFromRecords, parseAdjustmentRecords } from "../../../keeper/supervised/adjustmentDataset";
import { marketFeatures } from "../../../keeper/supervised/observationFeatures";
import { createRng } from "../../../keeper/supervised/seededRng";

/** gbm-calm cut to 8 decision steps, so a run takes milliseconds. */
function shortScenario(): Scenario {
  const raw = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "scenarios/train/gbm-calm.json"), "utf8"));
  return parseScenario({ ...raw, horizonSec: 8 * 3600 }, "gbm-calm (8 h)");
}

/** Alternates kUp 20 bps and a half repeg, so every step tries a change. */
class Alternating implements Policy {
  readonly name = "alternating";
  private n = 0;
  decide(): Decision {
    const action: Action = this.n++ % 2 === 0 ? { kind: "kUp", stepBps: 20 } : { kind: "repeg", fraction: 0.5 };
    return { action, actionIndex: 1, stateIndex: 0, qValues: [] };
  }
}

describe("simAdjustmentRecords (simulator runs → adjustment records)", function () {
  this.timeout(30_000);
  const sc = shortScenario();

  describe("without exploration", function () {
    it("records every applied change with the observation's features, the applied size and cost, and the window's fees", function () {
      const res = simAdjustmentRecords([sc], [{ name: "alt", policy: new Alternating() }], { seeds: [5], epsilon: 0, windowHours: 2, projectRoot: REPO_ROOT });
      expect(res.episodes).to.equal(1);

      // Replay the same episode by hand and derive what each record must say.
      const env = new MarketEnv({ projectRoot: REPO_ROOT });
      const alt = new Alternating();
      let obs = env.reset(sc, 5);
      const fees: number[] = [];
      const want: Array<{ step: number; kind: string; size: number; cost: number; obs: typeof obs }> = [];
      for (let step = 0; ; step++) {
        const a = alt.decide().action;
        const r = env.step(a);
        fees.push(r.rewardParts.feeInflow);
        if (r.applied) {
          const size = a.kind === "repeg" ? r.obs.peg / obs.peg - 1 : r.obs.sqrtK / obs.sqrtK - 1;
          want.push({ step, kind: a.kind === "repeg" ? "repeg" : "k", size, cost: r.rewardParts.adjustmentCost, obs });
        }
        obs = r.obs;
        if (r.done) break;
      }
      expect(fees).to.have.length(8);
      expect(want.length).to.be.greaterThan(3);
      expect(res.records).to.have.length(want.length);
      res.records.forEach((rec, i) => {
        const w = want[i];
        expect(rec.kind).to.equal(w.kind);
        expect(rec.size).to.equal(w.size);
        expect(rec.cost).to.equal(w.cost);
        expect(rec.time).to.equal(w.obs.time);
        expect(rec).to.include(marketFeatures(w.obs));
        expect(rec.explored).to.equal(false);
        const expected = w.step + 2 <= fees.length ? fees[w.step] + fees[w.step + 1] : null;
        if (expected === null) expect(rec.feesAfterWindow).to.equal(null);
        else expect(rec.feesAfterWindow).to.be.closeTo(expected, 1e-9 * Math.abs(expected));
      });
      expect(res.records.filter((r) => r.kind === "k").every((r) => Math.abs(r.size - 0.002) < 1e-12)).to.equal(true);
      expect(res.records.at(-1)!.feesAfterWindow === null || want.at(-1)!.step <= 6).to.equal(true);
    });

    it("records nothing for a policy that always holds", function () {
      const res = simAdjustmentRecords([sc], [{ name: "static", policy: new StaticPolicy() }], { seeds: [1, 2], epsilon: 0, projectRoot: REPO_ROOT });
      expect(res.episodes).to.equal(2);
      expect(res.records).to.deep.equal([]);
    });
  });

  describe("with exploration", function () {
    it("explores around a holding policy, deterministically for a seed, and writes records the eval CLI accepts", function () {
      const run = () => simAdjustmentRecords([sc], [{ name: "static", policy: new StaticPolicy() }], { seeds: [3], epsilon: 1, explorationSeed: 9, projectRoot: REPO_ROOT });
      const a = run();
      expect(a.records.length).to.be.greaterThan(2);
      expect(a.records.every((r) => r.explored && r.policy === "static" && r.scenario === "gbm-calm" && r.seed === 3)).to.equal(true);
      expect(run().records).to.deep.equal(a.records);
      const json = JSON.parse(JSON.stringify(a.records.map(toRecordJson)));
      const parsed = parseAdjustmentRecords(json, "sim.json");
      expect(parsed).to.have.length(a.records.length);
      expect(parsed[0].sinceLast).to.equal(Infinity); // first change of the episode: null in JSON
      expect(datasetFromRecords("sim", parsed).y.length).to.be.greaterThan(0);
    });

    it("draws repegs and k steps of both directions", function () {
      const rng = createRng(1);
      const kinds = new Set(Array.from({ length: 60 }, () => randomAction(rng).kind));
      expect([...kinds].sort()).to.deep.equal(["kDown", "kUp", "repeg"]);
      expect(kinds.has(HOLD.kind)).to.equal(false);
    });
  });

  describe("bad options", function () {
    it("names the option", function () {
      const p = [{ name: "static", policy: new StaticPolicy() }];
      expect(() => simAdjustmentRecords([sc], p, { seeds: [1], epsilon: 2 })).to.throw(/epsilon must be in \[0, 1\], got 2/);
      expect(() => simAdjustmentRecords([sc], p, { seeds: [] })).to.throw(/seeds must be a non-empty list/);
      expect(() => simAdjustmentRecords([sc], p, { seeds: [1], windowHours: 0 })).to.throw(/windowHours must be > 0/);
    });
  });
});

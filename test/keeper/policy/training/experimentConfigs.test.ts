import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import { parseMdpConfig } from "../../../../keeper/policy/mdpConfig";
import { createStateSpace } from "../../../../keeper/policy/stateIndex";
import { DEFAULT_TRAIN_MDP, PRIMITIVE_TRAIN_MDP } from "../../../../keeper/policy/training/defaultRun";

/** The `npm run train -- --config` files of the issue-16 state experiments (BENCHMARKS.md) stay loadable. */
const DIR = path.resolve(__dirname, "../../../../docs/experiments/issue16-state");

describe("issue-16 experiment configs (docs/experiments/issue16-state)", () => {
  const files = fs.readdirSync(DIR).filter((f) => f.endsWith(".json"));
  it("are all there", () => {
    expect(files.sort()).to.deep.equal(["A.json", "B.json", "C1.json", "C2.json", "C3.json", "D.json", "E1.json", "E2.json"]);
  });
  for (const f of files) {
    it(`${f} parses as an MDP config with a table small enough to learn`, () => {
      const mdp = parseMdpConfig(JSON.parse(fs.readFileSync(path.join(DIR, f), "utf8")).mdp, f);
      expect(createStateSpace(mdp.state).size).to.be.within(2, 2000);
    });
  }
  it("C2 is the learner over market actions (PRIMITIVE_TRAIN_MDP, the default run before rule actions)", () => {
    const c2 = parseMdpConfig(JSON.parse(fs.readFileSync(path.join(DIR, "C2.json"), "utf8")).mdp, "C2.json");
    expect(c2).to.deep.equal(PRIMITIVE_TRAIN_MDP);
  });
});

/** The `npm run train -- --config` files of the options-over-rules experiments (BENCHMARKS "Options over rules"). */
const OPTIONS_DIR = path.resolve(__dirname, "../../../../docs/experiments/issue16-options");

describe("issue-16 options experiment configs (docs/experiments/issue16-options)", () => {
  const files = fs.readdirSync(OPTIONS_DIR).filter((f) => f.endsWith(".json"));
  for (const f of files) {
    it(`${f} parses as an MDP config with rule actions and a table small enough to learn`, () => {
      const mdp = parseMdpConfig(JSON.parse(fs.readFileSync(path.join(OPTIONS_DIR, f), "utf8")).mdp, f);
      expect(mdp.actions.some((a) => a.kind === "rule")).to.equal(true);
      expect(createStateSpace(mdp.state).size).to.be.within(2, 2500); // rules+volatility: 2,430
    });
  }
  it("rules.json is the default run's MDP (the shipped learned policy was trained with it)", () => {
    const rules = parseMdpConfig(JSON.parse(fs.readFileSync(path.join(OPTIONS_DIR, "rules.json"), "utf8")).mdp, "rules.json");
    expect(rules).to.deep.equal(DEFAULT_TRAIN_MDP);
  });
});

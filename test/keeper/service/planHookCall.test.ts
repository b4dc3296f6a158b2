import { expect } from "chai";
import fc from "fast-check";
import { planHookCall } from "../../../keeper/service/planHookCall";
import { WAD, snapshot } from "./helpers/fakes";

const markOf = (x: bigint, y: bigint, peg: bigint) => (y * peg) / x;

describe("planning the hook call", () => {
  describe("repeg", () => {
    it("moves the peg toward the oracle by the action's fraction of the gap", () => {
      const plan = planHookCall({ kind: "repeg", fraction: 0.5 }, snapshot());
      expect(plan).to.deep.equal({ call: { kind: "repeg", target: 1005n * WAD / 10n } });
    });

    it("clips the move to maxPegChangeBps of the peg", () => {
      const plan = planHookCall({ kind: "repeg", fraction: 1 }, snapshot({ oracle: 110n * WAD }));
      expect(plan).to.deep.equal({ call: { kind: "repeg", target: 101n * WAD } }); // 100 bps of 100
    });

    it("skips when the mark is at the oracle", () => {
      expect(planHookCall({ kind: "repeg", fraction: 1 }, snapshot({ oracle: 100n * WAD }))).to.deep.equal({ skip: "mark already at the oracle" });
    });

    it("never moves the mark past the oracle nor the peg by more than the limit (property)", () => {
      fc.assert(
        fc.property(
          fc.bigInt({ min: 10n ** 15n, max: 10n ** 24n }),
          fc.bigInt({ min: 10n ** 15n, max: 10n ** 24n }),
          fc.bigInt({ min: 10n ** 15n, max: 10n ** 22n }),
          fc.bigInt({ min: 10n ** 15n, max: 10n ** 22n }),
          fc.double({ min: 0.01, max: 1, noNaN: true }),
          fc.integer({ min: 1, max: 2000 }),
          (x, y, peg, oracle, fraction, maxPegChangeBps) => {
            const mark = markOf(x, y, peg);
            const s = snapshot({ baseReserve: x, quoteReserve: y, peg, mark, oracle, limits: { maxPegChangeBps, maxKIncreaseBps: 100, maxKDecreaseBps: 220 } });
            const plan = planHookCall({ kind: "repeg", fraction }, s);
            if ("skip" in plan) return;
            const newPeg = plan.call.target;
            const newMark = markOf(x, y, newPeg);
            const change = newPeg > peg ? newPeg - peg : peg - newPeg;
            expect(change * 10_000n <= peg * BigInt(maxPegChangeBps)).to.equal(true);
            if (oracle > mark) expect(newPeg > peg && newMark <= oracle).to.equal(true);
            else expect(newPeg < peg && newMark >= oracle).to.equal(true);
          },
        ),
      );
    });
  });

  describe("k", () => {
    it("steps sqrtK up by stepBps, capped at maxKIncreaseBps", () => {
      expect(planHookCall({ kind: "kUp", stepBps: 50 }, snapshot())).to.deep.equal({ call: { kind: "updateK", target: 1005n * WAD } });
      expect(planHookCall({ kind: "kUp", stepBps: 500 }, snapshot())).to.deep.equal({ call: { kind: "updateK", target: 1010n * WAD } });
    });

    it("steps sqrtK down, capped at maxKDecreaseBps and never below |longOI − shortOI|", () => {
      expect(planHookCall({ kind: "kDown", stepBps: 100 }, snapshot())).to.deep.equal({ call: { kind: "updateK", target: 990n * WAD } });
      expect(planHookCall({ kind: "kDown", stepBps: 900 }, snapshot())).to.deep.equal({ call: { kind: "updateK", target: 978n * WAD } });
      const tight = snapshot({ longOI: 995n * WAD, shortOI: 0n });
      expect(planHookCall({ kind: "kDown", stepBps: 100 }, tight)).to.deep.equal({ call: { kind: "updateK", target: 995n * WAD } });
      expect(planHookCall({ kind: "kDown", stepBps: 100 }, snapshot({ longOI: 1000n * WAD, shortOI: 0n }))).to.deep.equal({ skip: "k cannot go lower (bound or net position)" });
    });

    it("rejects malformed actions with a reason instead of sending", () => {
      expect(planHookCall({ kind: "kUp" }, snapshot())).to.deep.equal({ skip: "invalid k step undefined" });
      expect(planHookCall({ kind: "repeg", fraction: 1.5 }, snapshot())).to.deep.equal({ skip: "invalid repeg fraction 1.5" });
      expect(planHookCall({ kind: "hold" }, snapshot())).to.deep.equal({ skip: "hold" });
    });
  });
});

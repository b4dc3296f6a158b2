import { expect } from "chai";
import fc from "fast-check";
import { REFERENCE_FRACTION_PPM, planHookCall, repegCost } from "../../../keeper/core/hookPlanner";
import { WAD, snapshot } from "../service/helpers/fakes";

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
      expect(planHookCall({ kind: "repeg", fraction: 1 }, snapshot({ oracle: 100n * WAD }))).to.deep.equal({ skip: "mark already at the oracle", reason: "at-oracle" });
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

  describe("repeg with fitToBudget (default on)", () => {
    // snapshot(): x = y = sqrtK = 1000, d = 20 → y − y_t = 1000 − ceil(1e6/1020) ≈ 19.61; 0.5 of peg ≈ 9.8 cost
    const requested = 1005n * WAD / 10n;

    it("leaves a repeg that fits alone (no `requested`, no note)", () => {
      expect(planHookCall({ kind: "repeg", fraction: 0.5 }, snapshot())).to.deep.equal({ call: { kind: "repeg", target: requested } });
    });

    it("scales a repeg that costs more than the budget to 99 % of it, toward the current peg", () => {
      const s = snapshot({ budget: 5n * WAD });
      const full = repegCost(s, requested)!;
      expect(full > s.budget).to.equal(true);
      const plan = planHookCall({ kind: "repeg", fraction: 0.5 }, s);
      if (!("call" in plan)) throw new Error(`expected a call, got ${plan.skip}`);
      expect(plan.requested).to.deep.equal({ kind: "repeg", target: requested });
      const t = plan.call.target;
      expect(t > s.peg && t < requested).to.equal(true);
      const cost = repegCost(s, t)!;
      expect(cost <= (s.budget * 99n) / 100n).to.equal(true);
      expect(cost > (s.budget * 98n) / 100n).to.equal(true); // it uses the room it has
      expect(plan.note).to.equal(`requested peg ${requested} costs ${full} > budget ${s.budget}: fitted to peg ${t} costing ${cost}`);
    });

    it("fits to the daily cap headroom when that is tighter than the budget", () => {
      const s = snapshot({ dailyCapHeadroom: 2n * WAD });
      const plan = planHookCall({ kind: "repeg", fraction: 0.5 }, s);
      if (!("call" in plan)) throw new Error(plan.skip);
      expect(repegCost(s, plan.call.target)! <= (2n * WAD * 99n) / 100n).to.equal(true);
      expect(plan.note).to.match(/> daily cap headroom 2000000000000000000: fitted/);
    });

    it("does not fit when switched off, and skips when no step fits", () => {
      expect(planHookCall({ kind: "repeg", fraction: 0.5 }, snapshot({ budget: 5n * WAD }), { fitToBudget: false })).to.deep.equal({ call: { kind: "repeg", target: requested } });
      const none = planHookCall({ kind: "repeg", fraction: 0.5 }, snapshot({ budget: 0n }));
      expect(none).to.deep.equal({ skip: `repeg cost ${repegCost(snapshot(), requested)} exceeds budget 0; no peg step fits`, reason: "no-budget" });
    });

    describe("a fitted repeg below the minimum (minFitFraction, minRepegBps)", () => {
      // Full gap: peg 100 → 101 costs ≈ 19.61. Near an exhausted cap each fit is ~100× smaller
      // than the last; below the minimum it is skipped instead of paying gas for a few wei.
      it("is skipped, saying how much of the gap it would close against the minimum", () => {
        const s = snapshot({ dailyCapHeadroom: WAD / 10n }); // closes ≈ 0.5 % of the gap, moves the peg ≈ 0.5 bps
        const plan = planHookCall({ kind: "repeg", fraction: 1 }, s);
        if (!("skip" in plan)) throw new Error(`expected a skip, got ${plan.call.target}`);
        expect(plan.skip).to.match(/^fitted repeg below minimum: closes 50\.\d+ bps of the gap, min 1000; moves the peg 0\.5\d* bps, min 1 \(requested peg costs \d+ > daily cap headroom 100000000000000000\)$/);
      });

      it("is skipped on the peg-move minimum alone when that is the one missed", () => {
        const s = snapshot({ dailyCapHeadroom: WAD / 10n });
        const plan = planHookCall({ kind: "repeg", fraction: 1 }, s, { minFitFraction: 0 });
        expect(plan).to.have.property("skip").that.matches(/^fitted repeg below minimum: .*moves the peg 0\.5\d* bps, min 1 /);
        expect(planHookCall({ kind: "repeg", fraction: 1 }, s, { minFitFraction: 0, minRepegBps: 0.1 })).to.have.property("call");
      });

      it("is sent when it clears both minimums", () => {
        const s = snapshot({ dailyCapHeadroom: 4n * WAD }); // ≈ 20 % of the gap, ≈ 20 bps of the peg
        const plan = planHookCall({ kind: "repeg", fraction: 1 }, s);
        if (!("call" in plan)) throw new Error(plan.skip);
        expect(plan.requested).to.deep.equal({ kind: "repeg", target: 101n * WAD });
        expect(repegCost(s, plan.call.target)! <= (4n * WAD * 99n) / 100n).to.equal(true);
        expect(planHookCall({ kind: "repeg", fraction: 1 }, s, { minFitFraction: 0.25 })).to.have.property("skip").that.matches(/closes 20\d\d\.\d+ bps of the gap, min 2500;/);
      });

      it("does not apply to a repeg that fits unchanged, however small", () => {
        const s = snapshot({ oracle: 100n * WAD + WAD / 1000n }); // 0.1 bps gap, cost well within budget
        expect(planHookCall({ kind: "repeg", fraction: 1 }, s)).to.deep.equal({ call: { kind: "repeg", target: 100n * WAD + WAD / 1000n } });
      });
    });

    it("never touches a repeg that earns (cost ≤ 0), even with an empty budget", () => {
      const s = snapshot({ oracle: 99n * WAD, budget: 0n }); // peg down under a net long: revenue
      expect(repegCost(s, 995n * WAD / 10n)! < 0n).to.equal(true);
      expect(planHookCall({ kind: "repeg", fraction: 0.5 }, s)).to.deep.equal({ call: { kind: "repeg", target: 995n * WAD / 10n } });
    });

    it("a fitted repeg still moves toward the oracle, never past it, and costs at most the limit (property)", () => {
      fc.assert(
        fc.property(
          fc.bigInt({ min: 10n ** 20n, max: 10n ** 24n }),
          fc.bigInt({ min: 10n ** 18n, max: 10n ** 22n }),
          fc.integer({ min: -5000, max: 5000 }),
          fc.integer({ min: -300, max: 300 }).filter((g) => g !== 0),
          fc.bigInt({ min: 0n, max: 10n ** 22n }),
          fc.option(fc.bigInt({ min: 0n, max: 10n ** 22n }), { nil: undefined }),
          fc.double({ min: 0.01, max: 1, noNaN: true }),
          (sqrtK, peg, netPermille, gapBps, budget, dailyCapHeadroom, fraction) => {
            const x = sqrtK;
            const y = sqrtK;
            const d = (sqrtK * BigInt(netPermille)) / 10_000n;
            const mark = markOf(x, y, peg);
            const oracle = (mark * BigInt(10_000 + gapBps)) / 10_000n;
            const s = snapshot({ baseReserve: x, quoteReserve: y, sqrtK, peg, mark, oracle, longOI: d > 0n ? d : 0n, shortOI: d < 0n ? -d : 0n, budget, dailyCapHeadroom, limits: { maxPegChangeBps: 500, maxKIncreaseBps: 100, maxKDecreaseBps: 220 } });
            const plan = planHookCall({ kind: "repeg", fraction }, s);
            if ("skip" in plan) return;
            const newPeg = plan.call.target;
            const newMark = markOf(x, y, newPeg);
            if (oracle > mark) expect(newPeg > peg && newMark <= oracle).to.equal(true);
            else expect(newPeg < peg && newMark >= oracle).to.equal(true);
            const limit = dailyCapHeadroom !== undefined && dailyCapHeadroom < budget ? dailyCapHeadroom : budget;
            const cost = repegCost(s, newPeg)!;
            if (plan.requested) {
              expect(cost <= (limit * 99n) / 100n).to.equal(true);
              // ... and clears the default minimums: ≥ 10 % of the gap, ≥ 1 bp of the peg.
              expect((newMark - mark) * 10n >= oracle - mark === oracle > mark).to.equal(true);
              expect((newPeg > peg ? newPeg - peg : peg - newPeg) * 10_000n >= peg).to.equal(true);
              const r = plan.requested.target;
              expect(oracle > mark ? newPeg < r : newPeg > r).to.equal(true); // strictly between the peg and the request
            } else expect(cost <= limit).to.equal(true);
          },
        ),
        { numRuns: 300 },
      );
    });
  });

  describe("repeg on the reference mark when the spot plan cannot go (SPEC §6)", () => {
    // snapshot(): mark 100 < oracle 101, users net long 20: the spot repeg up pays the longs.
    const noBudget = { budget: 0n };
    const oracle = 101n * WAD;

    it("repegs down on a reference above the oracle when the spot repeg up finds no budget, and earns", () => {
      const ref = 102n * WAD;
      const s = snapshot({ ...noBudget, referenceMark: ref });
      const plan = planHookCall({ kind: "repeg", fraction: 0.5 }, s);
      if (!("call" in plan)) throw new Error(plan.skip);
      // target = ref + 0.9·(oracle − ref) = 101.1; P' = ceil(P·target/ref): ref·P'/P never below the target.
      const target = ref + ((oracle - ref) * REFERENCE_FRACTION_PPM) / 1_000_000n;
      expect(target).to.equal(1011n * WAD / 10n);
      const newPeg = (100n * WAD * target + ref - 1n) / ref;
      expect(plan.call).to.deep.equal({ kind: "repeg", target: newPeg });
      const cost = repegCost(s, newPeg)!;
      expect(cost < 0n).to.equal(true);
      expect(plan.note).to.equal(
        `spot plan skipped (no-budget: repeg cost ${repegCost(s, 1005n * WAD / 10n)} exceeds budget 0; no peg step fits); ` +
          `the reference mark ${ref} is across the oracle ${oracle} from the spot mark: repeg toward it on the reference, earning ${-cost}`,
      );
    });

    it("keeps the spot plan's skip when the reference agrees with the spot mark, when the reference repeg would cost, or without a reference", () => {
      const skip = planHookCall({ kind: "repeg", fraction: 0.5 }, snapshot(noBudget));
      expect(skip).to.have.property("reason", "no-budget");
      expect(planHookCall({ kind: "repeg", fraction: 0.5 }, snapshot({ ...noBudget, referenceMark: 100n * WAD }))).to.deep.equal(skip);
      // Mark at the oracle, users net short: the reference (above) asks for a repeg down, which pays them.
      const atOracle = { oracle: 100n * WAD, longOI: 10n * WAD, shortOI: 30n * WAD };
      const atOracleSkip = { skip: "mark already at the oracle", reason: "at-oracle" };
      expect(planHookCall({ kind: "repeg", fraction: 1 }, snapshot({ ...atOracle, referenceMark: 102n * WAD }))).to.deep.equal(atOracleSkip);
      // The same state with the users net long: the repeg down earns, so it goes.
      const earns = planHookCall({ kind: "repeg", fraction: 1 }, snapshot({ ...atOracle, longOI: 30n * WAD, shortOI: 10n * WAD, referenceMark: 102n * WAD }));
      expect(earns).to.have.nested.property("call.kind", "repeg");
    });

    it("sends no reference repeg that earns nothing or moves the peg less than minRepegBps", () => {
      // Users balanced: the repeg down earns nothing, so it would only move the spot mark away.
      const balanced = snapshot({ ...noBudget, oracle: 100n * WAD, longOI: 20n * WAD, shortOI: 20n * WAD, referenceMark: 102n * WAD });
      expect(planHookCall({ kind: "repeg", fraction: 1 }, balanced)).to.deep.equal({ skip: "mark already at the oracle", reason: "at-oracle" });
      // The reference repeg above moves the peg 88 bps; a 100 bps minimum keeps the spot skip.
      const s = snapshot({ ...noBudget, referenceMark: 102n * WAD });
      expect(planHookCall({ kind: "repeg", fraction: 0.5 }, s, { minRepegBps: 100 })).to.have.property("reason", "no-budget");
      expect(planHookCall({ kind: "repeg", fraction: 0.5 }, s, { minRepegBps: 80 })).to.have.nested.property("call.kind", "repeg");
    });

    it("leaves a spot plan that can go alone, whatever the reference says", () => {
      expect(planHookCall({ kind: "repeg", fraction: 0.5 }, snapshot({ referenceMark: 102n * WAD }))).to.deep.equal({ call: { kind: "repeg", target: 1005n * WAD / 10n } });
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
      expect(planHookCall({ kind: "kDown", stepBps: 100 }, snapshot({ longOI: 1000n * WAD, shortOI: 0n }))).to.deep.equal({ skip: "k cannot go lower (bound or net position)", reason: "k-bound" });
    });

    it("rejects malformed actions with a reason instead of sending", () => {
      expect(planHookCall({ kind: "kUp" }, snapshot())).to.deep.equal({ skip: "invalid k step undefined", reason: "invalid-action" });
      expect(planHookCall({ kind: "repeg", fraction: 1.5 }, snapshot())).to.deep.equal({ skip: "invalid repeg fraction 1.5", reason: "invalid-action" });
      expect(planHookCall({ kind: "hold" }, snapshot())).to.deep.equal({ skip: "hold", reason: "hold" });
    });
  });

  describe("under the issue-13 move cap (SPEC §6, room read from the chain snapshot)", () => {
    // snapshot(): peg 100, mark 100, oracle 101 → a full repeg asks for peg 101 (100 bps).
    const room = (usedBps: number, capBps = 20) => ({ roomBps: Math.max(0, capBps - usedBps), usedBps, capBps, windowSeconds: 3600 });
    /** The market's moveBps, spelled from SPEC §6 (not the planner's helper). */
    const repegBps = (peg: bigint, p: bigint) => { const dp = p > peg ? p - peg : peg - p; return (dp * 10_000n + peg - 1n) / peg; };
    const kUpBps = (x: bigint, d: bigint, k: bigint, k2: bigint) => { const n = 2n * d * (k2 - k) * 10_000n; const q = x * k2; return (n + q - 1n) / q; };

    it("clips a repeg to the whole cap when the windows are empty, saying what was asked", () => {
      const plan = planHookCall({ kind: "repeg", fraction: 1 }, snapshot({ moveCapRoom: room(0) }));
      if ("skip" in plan) throw new Error(plan.skip);
      expect(plan.call).to.deep.equal({ kind: "repeg", target: 1002n * WAD / 10n }); // 20 bps of peg 100
      expect(plan.requested).to.deep.equal({ kind: "repeg", target: 101n * WAD });
      expect(plan.note).to.equal(`requested peg ${101n * WAD} moves 100 bps > move cap room 20 bps: fitted to peg ${1002n * WAD / 10n}`);
    });

    it("fits to the room left when the windows are partly used (15 of 20 bps → 5 bps)", () => {
      const plan = planHookCall({ kind: "repeg", fraction: 1 }, snapshot({ moveCapRoom: room(15) }));
      if ("skip" in plan) throw new Error(plan.skip);
      expect(plan.call.target).to.equal(10005n * WAD / 100n);
      expect(repegBps(100n * WAD, plan.call.target)).to.equal(5n);
    });

    it("leaves a repeg inside the room unchanged", () => {
      // fraction 0.1 → peg 100.1 = 10 bps ≤ room 20
      expect(planHookCall({ kind: "repeg", fraction: 0.1 }, snapshot({ moveCapRoom: room(0) }))).to.deep.equal({ call: { kind: "repeg", target: 1001n * WAD / 10n } });
    });

    it("skips with a named reason, before any preview, when no room is left", () => {
      const skip = { skip: "move cap: no room left (used 20 of 20 bps over the last two 3600s hook windows)", reason: "move-cap-exhausted" as const };
      expect(planHookCall({ kind: "repeg", fraction: 1 }, snapshot({ moveCapRoom: room(20) }))).to.deep.equal(skip);
      expect(planHookCall({ kind: "kUp", stepBps: 50 }, snapshot({ moveCapRoom: room(20) }))).to.deep.equal(skip);
    });

    it("keeps the minimum-step rule: a room below minRepegBps is a skip", () => {
      expect(planHookCall({ kind: "repeg", fraction: 1 }, snapshot({ moveCapRoom: room(19) }), { minRepegBps: 2 })).to.deep.equal({
        skip: "move cap room 1 of 20 bps is below the minimum repeg step 2 bps",
        reason: "below-min-step",
      });
    });

    it("fits a k increase to the room: the largest sqrtK' whose transfer ceil(2·|d|·ΔsqrtK·1e4/(x·sqrtK')) fits", () => {
      // d = 20, x = 1000: a 50 bps k step transfers 2 bps; with 1 bps of room sqrtK' = floor(2d·1e4·S/(2d·1e4 − room·x)).
      const s = snapshot({ moveCapRoom: room(19) });
      const plan = planHookCall({ kind: "kUp", stepBps: 50 }, s);
      if ("skip" in plan) throw new Error(plan.skip);
      const twoD = 2n * 20n * WAD * 10_000n;
      const expected = (twoD * 1000n * WAD) / (twoD - 1000n * WAD);
      expect(plan.call).to.deep.equal({ kind: "updateK", target: expected });
      expect(kUpBps(1000n * WAD, 20n * WAD, 1000n * WAD, expected)).to.equal(1n);
      expect(kUpBps(1000n * WAD, 20n * WAD, 1000n * WAD, expected + 1n)).to.equal(2n); // maximal
      expect(plan.requested).to.deep.equal({ kind: "updateK", target: 1005n * WAD });
    });

    it("does not limit a k increase with no net position (moveBps 0) nor a k decrease", () => {
      expect(planHookCall({ kind: "kUp", stepBps: 50 }, snapshot({ longOI: 10n * WAD, shortOI: 10n * WAD, moveCapRoom: room(20) }))).to.deep.equal({ call: { kind: "updateK", target: 1005n * WAD } });
      expect(planHookCall({ kind: "kDown", stepBps: 100 }, snapshot({ moveCapRoom: room(20) }))).to.deep.equal({ call: { kind: "updateK", target: 990n * WAD } });
    });

    it("fits a k decrease to the k-decrease cap's room, and skips when none is left", () => {
      const plan = planHookCall({ kind: "kDown", stepBps: 100 }, snapshot({ kDecreaseRoom: { roomBps: 50, usedBps: 450, capBps: 500 } }));
      if ("skip" in plan) throw new Error(plan.skip);
      expect(plan.call).to.deep.equal({ kind: "updateK", target: 995n * WAD }); // ceil(5·1e4/1000) = 50 bps
      expect(planHookCall({ kind: "kDown", stepBps: 100 }, snapshot({ kDecreaseRoom: { roomBps: 0, usedBps: 500, capBps: 500 } }))).to.deep.equal({
        skip: "k-decrease cap: no room left (used 500 of 500 bps over the last two day windows)",
        reason: "k-decrease-cap",
      });
    });

    it("a planned repeg never needs more move than the room, and still never passes the oracle (property)", () => {
      fc.assert(
        fc.property(
          fc.bigInt({ min: 10n ** 15n, max: 10n ** 24n }),
          fc.bigInt({ min: 10n ** 15n, max: 10n ** 24n }),
          fc.bigInt({ min: 10n ** 15n, max: 10n ** 22n }),
          fc.bigInt({ min: 10n ** 15n, max: 10n ** 22n }),
          fc.double({ min: 0.01, max: 1, noNaN: true }),
          fc.integer({ min: 0, max: 20 }),
          (x, y, peg, oracle, fraction, used) => {
            const mark = markOf(x, y, peg);
            const s = snapshot({ baseReserve: x, quoteReserve: y, peg, mark, oracle, limits: { maxPegChangeBps: 20, maxKIncreaseBps: 100, maxKDecreaseBps: 220 }, moveCapRoom: room(used) });
            const plan = planHookCall({ kind: "repeg", fraction }, s);
            if ("skip" in plan) return;
            expect(repegBps(peg, plan.call.target) <= BigInt(20 - used)).to.equal(true);
            const newMark = markOf(x, y, plan.call.target);
            if (oracle > mark) expect(newMark <= oracle).to.equal(true);
            else expect(newMark >= oracle).to.equal(true);
          },
        ),
        { numRuns: 300 },
      );
    });
  });

  describe("each named reason for no call", () => {
    const reasonOf = (a: Parameters<typeof planHookCall>[0], over: Parameters<typeof snapshot>[0] = {}, opts: Parameters<typeof planHookCall>[2] = {}) => {
      const plan = planHookCall(a, snapshot(over), opts);
      return "reason" in plan ? plan.reason : `call ${plan.call.kind} ${plan.call.target}`;
    };
    const room = (usedBps: number, capBps = 20) => ({ roomBps: capBps - usedBps, usedBps, capBps, windowSeconds: 3600 });

    it("hold: the action is hold", () => {
      expect(reasonOf({ kind: "hold" })).to.equal("hold");
    });

    it("invalid-action: a repeg fraction outside (0, 1] or a k step that is not > 0", () => {
      expect(reasonOf({ kind: "repeg", fraction: 0 })).to.equal("invalid-action");
      expect(reasonOf({ kind: "repeg", fraction: Number.NaN })).to.equal("invalid-action");
      expect(reasonOf({ kind: "kDown", stepBps: -5 })).to.equal("invalid-action");
    });

    it("empty-reserves: a reserve is 0", () => {
      expect(reasonOf({ kind: "repeg", fraction: 1 }, { baseReserve: 0n })).to.equal("empty-reserves");
    });

    it("at-oracle: the contract's mark floor(y·peg/x) equals the oracle (the snapshot's mark field is not read)", () => {
      // y·peg/x = 1000·101/1000 = 101 = oracle, whatever a stale `mark` field says.
      expect(reasonOf({ kind: "repeg", fraction: 1 }, { peg: 101n * WAD, mark: 100n * WAD })).to.equal("at-oracle");
    });

    it("below-min-step: a step that does not change the peg, a room under minRepegBps, a fitted step under either minimum", () => {
      // A 1-wei gap: half of it truncates to no move at all.
      expect(reasonOf({ kind: "repeg", fraction: 0.5 }, { oracle: 100n * WAD + 1n })).to.equal("below-min-step");
      expect(reasonOf({ kind: "repeg", fraction: 1 }, { moveCapRoom: room(19) }, { minRepegBps: 2 })).to.equal("below-min-step");
      // The fit to 0.1 of a unit of headroom closes far less than 10 % of the gap.
      expect(reasonOf({ kind: "repeg", fraction: 1 }, { dailyCapHeadroom: WAD / 10n })).to.equal("below-min-step");
    });

    it("no-budget: no peg step fits min(budget, headroom)", () => {
      expect(reasonOf({ kind: "repeg", fraction: 1 }, { budget: 0n })).to.equal("no-budget");
      expect(reasonOf({ kind: "repeg", fraction: 1 }, { dailyCapHeadroom: 0n })).to.equal("no-budget");
      // Switched off, the over-budget repeg is sent as asked (the market refuses it).
      expect(reasonOf({ kind: "repeg", fraction: 1 }, { budget: 0n }, { fitToBudget: false })).to.match(/^call repeg /);
    });

    it("move-cap-exhausted: no room for a repeg, nor for a k increase with a net position", () => {
      expect(reasonOf({ kind: "repeg", fraction: 1 }, { moveCapRoom: room(20) })).to.equal("move-cap-exhausted");
      expect(reasonOf({ kind: "kUp", stepBps: 50 }, { moveCapRoom: room(20) })).to.equal("move-cap-exhausted");
      // A k increase with no net position moves no mark: the exhausted cap does not stop it.
      expect(reasonOf({ kind: "kUp", stepBps: 50 }, { moveCapRoom: room(20), longOI: 0n, shortOI: 0n })).to.match(/^call updateK /);
    });

    it("k-decrease-cap: the rolling k-decrease cap has no room", () => {
      expect(reasonOf({ kind: "kDown", stepBps: 100 }, { kDecreaseRoom: { roomBps: 0, usedBps: 500, capBps: 500 } })).to.equal("k-decrease-cap");
      expect(reasonOf({ kind: "kUp", stepBps: 100 }, { kDecreaseRoom: { roomBps: 0, usedBps: 500, capBps: 500 } })).to.match(/^call updateK /);
    });

    it("k-bound: sqrtK at its per-call bound, or a decrease floored at |longOI − shortOI|", () => {
      expect(reasonOf({ kind: "kUp", stepBps: 100 }, { limits: { maxPegChangeBps: 100, maxKIncreaseBps: 0, maxKDecreaseBps: 220 } })).to.equal("k-bound");
      expect(reasonOf({ kind: "kDown", stepBps: 100 }, { longOI: 1000n * WAD, shortOI: 0n })).to.equal("k-bound");
    });
  });
});

import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import type { CostMathWadHarness, CurveMathWadHarness } from "../../../../typechain-types";
import { mulBpsDown, mulBpsUp } from "../../../../keeper/core/math/wad/BpsMath";
import { kCost, mulWadUp, repegCost, scaledReserves, terminalQuote } from "../../../../keeper/core/math/wad/CostMathWad";
import { afterLong, afterShort, closeLong, closeShort, markPrice } from "../../../../keeper/core/math/wad/CurveMathWad";
import { kDecreaseBps, kIncreaseMoveBps, pegMoveBps, spendRoom } from "../../../../keeper/core/math/wad/HookGuards";
import { rolledWindow } from "../../../../keeper/core/math/HookGuards";
import { MathRevert } from "../../../../keeper/core/math/wad/MathRevert";
import { mulDivDown, mulDivUp } from "../../../../keeper/core/math/wad/MulDivFast";
import { WAD } from "../../../../keeper/core/math/wad/units";
import { curveState, hugeState, type WadState } from "./wadArbitraries";

// The keeper's WAD module (keeper/core/math/wad) against the Solidity libraries it mirrors, called
// through the test harnesses (contracts/test/*Harness.sol): for random inputs within the market's
// storage widths (SPEC §8), every function returns the contract's result to the wei, or throws the
// contract's revert (custom error and arguments, or the overflow panic).
const RUNS = 500;

describe("core/math/wad: differential against the Solidity libraries", function () {
  async function deployHarnesses(): Promise<{ curve: CurveMathWadHarness; cost: CostMathWadHarness }> {
    const curve = await (await ethers.getContractFactory("CurveMathWadHarness")).deploy();
    const cost = await (await ethers.getContractFactory("CostMathWadHarness")).deploy();
    return { curve: curve as unknown as CurveMathWadHarness, cost: cost as unknown as CostMathWadHarness };
  }

  /** Counts of the two outcomes, so a property that never reaches a revert (or never a value) is noticed. */
  interface Outcomes {
    values: number;
    reverts: number;
  }

  /**
   * Runs the TypeScript function; when it throws a MathRevert the chain call must revert the same way,
   * otherwise the chain must return the same value (a tuple compared element by element).
   */
  async function sameAsChain(
    harness: CurveMathWadHarness | CostMathWadHarness,
    ts: () => bigint | boolean | readonly (bigint | boolean | number)[],
    chain: () => Promise<unknown>,
    seen: Outcomes,
  ): Promise<void> {
    let expected: bigint | boolean | readonly (bigint | boolean | number)[];
    try {
      expected = ts();
    } catch (e) {
      if (!(e instanceof MathRevert)) throw e;
      seen.reverts += 1;
      if (e.errorName === "Panic") await expect(chain()).to.be.revertedWithPanic(e.args[0]);
      else await expect(chain()).to.be.revertedWithCustomError(harness, e.errorName).withArgs(...e.args);
      return;
    }
    seen.values += 1;
    const got = await chain();
    if (Array.isArray(expected)) {
      expect([...(got as unknown[])]).to.deep.equal(expected.map((v) => (typeof v === "number" ? BigInt(v) : v)));
    } else {
      expect(got).to.equal(expected);
    }
  }

  const states = fc.oneof({ weight: 4, arbitrary: curveState() }, { weight: 1, arbitrary: hugeState() });

  describe("CurveMathWad", function () {
    it("markPrice, afterLong, afterShort, closeLong, closeShort equal the library's results or reverts", async function () {
      const { curve } = await loadFixture(deployHarnesses);
      const seen: Outcomes = { values: 0, reverts: 0 };
      await fc.assert(
        fc.asyncProperty(states, async (s: WadState) => {
          await sameAsChain(curve, () => markPrice(s.x, s.y, s.peg), () => curve.markPrice(s.x, s.y, s.peg), seen);
          await sameAsChain(curve, () => afterLong(s.y, s.sqrtK, s.peg, s.q), () => curve.afterLong(s.y, s.sqrtK, s.peg, s.q), seen);
          await sameAsChain(curve, () => afterShort(s.y, s.sqrtK, s.peg, s.q), () => curve.afterShort(s.y, s.sqrtK, s.peg, s.q), seen);
          await sameAsChain(curve, () => closeLong(s.x, s.y, s.sqrtK, s.peg, s.b), () => curve.closeLong(s.x, s.y, s.sqrtK, s.peg, s.b), seen);
          await sameAsChain(curve, () => closeShort(s.x, s.y, s.sqrtK, s.peg, s.b), () => curve.closeShort(s.x, s.y, s.sqrtK, s.peg, s.b), seen);
        }),
        { numRuns: RUNS },
      );
      expect(seen.values, "values compared").to.be.greaterThan(RUNS);
      expect(seen.reverts, "Vamm_InsufficientLiquidity reached").to.be.greaterThan(0);
    });
  });

  describe("CostMathWad", function () {
    it("terminalQuote, repegCost, scaledReserves and kCost equal the library's results or reverts", async function () {
      const { cost } = await loadFixture(deployHarnesses);
      const seen: Outcomes = { values: 0, reverts: 0 };
      await fc.assert(
        fc.asyncProperty(states, async (s: WadState) => {
          await sameAsChain(cost, () => terminalQuote(s.x, s.sqrtK, s.d), () => cost.terminalQuote(s.x, s.sqrtK, s.d), seen);
          await sameAsChain(cost, () => repegCost(s.x, s.y, s.sqrtK, s.d, s.peg, s.newPeg), () => cost.repegCost(s.x, s.y, s.sqrtK, s.d, s.peg, s.newPeg), seen);
          const [x1, y1] = scaledReserves(s.x, s.y, s.sqrtK, s.newSqrtK);
          await sameAsChain(cost, () => [x1, y1], () => cost.scaledReserves(s.x, s.y, s.sqrtK, s.newSqrtK), seen);
          await sameAsChain(cost, () => kCost(s.x, s.y, s.sqrtK, x1, y1, s.newSqrtK, s.d, s.peg), () => cost.kCost(s.x, s.y, s.sqrtK, x1, y1, s.newSqrtK, s.d, s.peg), seen);
        }),
        { numRuns: RUNS },
      );
      expect(seen.values, "values compared").to.be.greaterThan(RUNS);
      expect(seen.reverts, "Vamm_InsufficientLiquidity / overflow reached").to.be.greaterThan(0);
    });

    it("mulWadUp rounds toward +∞ in both signs and panics on an int256 overflow, as the library", async function () {
      const { cost } = await loadFixture(deployHarnesses);
      const seen: Outcomes = { values: 0, reverts: 0 };
      const signed = fc.oneof(fc.bigInt({ min: -(1n << 130n), max: 1n << 130n }), fc.bigInt({ min: -(1n << 200n), max: 1n << 200n }));
      await fc.assert(
        fc.asyncProperty(signed, signed, async (a, b) => {
          await sameAsChain(cost, () => mulWadUp(a, b), () => cost.mulWadUp(a, b), seen);
        }),
        { numRuns: RUNS },
      );
      expect(seen.values).to.be.greaterThan(0);
      expect(seen.reverts, "overflow reached").to.be.greaterThan(0);
    });
  });

  describe("MulDivFast and BpsMath", function () {
    it("mulDivDown / mulDivUp match on both the one-word and the 512-bit path; mulBpsUp / mulBpsDown match", async function () {
      const { cost } = await loadFixture(deployHarnesses);
      const seen: Outcomes = { values: 0, reverts: 0 };
      const MAX = (1n << 256n) - 1n;
      const operands = fc.tuple(fc.bigInt({ min: 0n, max: MAX }), fc.bigInt({ min: 0n, max: MAX }), fc.bigInt({ min: 1n, max: MAX }));
      // d is raised above a·b / 2^255 (at most to 2^256 − 1) so the quotient, rounded up, fits in 256 bits
      // (the contract reverts otherwise, a case the keeper never reaches within SPEC §8's widths).
      const fitting = operands.map(([a, b, d]) => {
        const low = (a * b) >> 255n;
        const min = low + 1n > MAX ? MAX : low + 1n;
        return [a, b, d > min ? d : min] as const;
      });
      let wide = 0;
      await fc.assert(
        fc.asyncProperty(fitting, fc.bigInt({ min: 0n, max: 1n << 200n }), fc.bigInt({ min: 0n, max: 10_000n }), async ([a, b, d], amount, bps) => {
          if (a * b > MAX) wide += 1;
          await sameAsChain(cost, () => mulDivDown(a, b, d), () => cost.mulDivDown(a, b, d), seen);
          await sameAsChain(cost, () => mulDivUp(a, b, d), () => cost.mulDivUp(a, b, d), seen);
          await sameAsChain(cost, () => mulBpsUp(amount, bps), () => cost.mulBpsUp(amount, bps), seen);
          await sameAsChain(cost, () => mulBpsDown(amount, bps), () => cost.mulBpsDown(amount, bps), seen);
        }),
        { numRuns: RUNS },
      );
      expect(wide, "the 512-bit path was exercised").to.be.greaterThan(RUNS / 4);
    });
  });

  describe("HookGuards window", function () {
    it("rolledWindow and spendRoom equal the library's for random stored windows and call times", async function () {
      const { cost } = await loadFixture(deployHarnesses);
      const seen: Outcomes = { values: 0, reverts: 0 };
      const amount = fc.bigInt({ min: 0n, max: (1n << 96n) - 1n });
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 3 }), amount, amount, amount, fc.integer({ min: 0, max: 10_000 }), async (stored, ahead, prev, cur, budget, capBps) => {
          const idx = stored + ahead;
          const w = rolledWindow(stored, prev, cur, idx, 0n);
          await sameAsChain(cost, () => [BigInt(w.index), w.prev, w.cur, w.rolled], () => cost.rolledWindow(stored, prev, cur, idx), seen);
          const chainWindow = { index: BigInt(w.index), prev: w.prev, cur: w.cur, rolled: w.rolled };
          await sameAsChain(cost, () => spendRoom(w, budget, BigInt(capBps)), () => cost.spendRoom(chainWindow, budget, BigInt(capBps)), seen);
        }),
        { numRuns: RUNS },
      );
      expect(seen.values).to.equal(2 * RUNS);
    });

    it("pegMoveBps, kIncreaseMoveBps and kDecreaseBps (ceil) equal the library's", async function () {
      const { cost } = await loadFixture(deployHarnesses);
      const seen: Outcomes = { values: 0, reverts: 0 };
      await fc.assert(
        fc.asyncProperty(curveState(), async (s: WadState) => {
          const absD = s.d < 0n ? -s.d : s.d;
          await sameAsChain(cost, () => pegMoveBps(s.peg, s.newPeg), () => cost.pegMoveBps(s.peg, s.newPeg), seen);
          await sameAsChain(cost, () => kIncreaseMoveBps(s.x, s.sqrtK, s.newSqrtK, absD), () => cost.kIncreaseMoveBps(s.x, s.sqrtK, s.newSqrtK, absD), seen);
          await sameAsChain(cost, () => kDecreaseBps(s.sqrtK, s.newSqrtK), () => cost.kDecreaseBps(s.sqrtK, s.newSqrtK), seen);
        }),
        { numRuns: RUNS },
      );
      expect(seen.values).to.equal(3 * RUNS);
    });
  });

  it("WAD is the contracts' 1e18", function () {
    expect(WAD).to.equal(ethers.WeiPerEther);
  });
});

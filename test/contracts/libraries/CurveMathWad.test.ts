import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import type { CurveMathWadHarness } from "../../../typechain-types";
import { WAD, afterLong, afterShort, closeLong, closeShort, kOverUp, markOf, ceilDiv } from "../../helpers/specMath";

// Hand-computed cases (SPEC §2) on x = y = sqrtK = 1000, peg 2 and peg 3; numbers worked out with
// exact integer arithmetic: floor for the quote added, ceil for every reserve derived from k.
describe("CurveMathWad", function () {
  async function deployHarness(): Promise<{ h: CurveMathWadHarness }> {
    const h = await (await ethers.getContractFactory("CurveMathWadHarness")).deploy();
    return { h: h as unknown as CurveMathWadHarness };
  }
  const sk = 1000n * WAD;

  describe("hand-computed cases", function () {
    it("long of 100 at peg 2: y' = 1050, x' = ceil(1e42/1050e18), base 47.619…047 (floor)", async function () {
      const { h } = await loadFixture(deployHarness);
      const [x1, y1] = await h.afterLong(sk, sk, 2n * WAD, 100n * WAD);
      expect(y1).to.equal(1050n * WAD);
      expect(x1).to.equal(952380952380952380953n);
      expect(sk - x1).to.equal(47619047619047619047n);
      expect(await h.markPrice(x1, y1, 2n * WAD)).to.equal(2204999999999999999n);
    });

    it("short of 100 at peg 2: y' = 950, x' = 1052.63…053 (ceil), base owed 52.63…053 (ceil)", async function () {
      const { h } = await loadFixture(deployHarness);
      const [x1, y1] = await h.afterShort(sk, sk, 2n * WAD, 100n * WAD);
      expect(y1).to.equal(950n * WAD);
      expect(x1).to.equal(1052631578947368421053n);
      expect(x1 - sk).to.equal(52631578947368421053n);
    });

    it("long / short of 7 + 1 wei at peg 3: floor on the quote added, ceil on the quote removed", async function () {
      const { h } = await loadFixture(deployHarness);
      const q = 7n * WAD + 1n;
      const [x1, y1] = await h.afterLong(sk, sk, 3n * WAD, q);
      expect(y1).to.equal(1002333333333333333333n);
      expect(x1).to.equal(997672098436980379116n);
      const [x2, y2] = await h.afterShort(sk, sk, 3n * WAD, q);
      expect(y2).to.equal(997666666666666666666n);
      expect(x2).to.equal(1002338790511192783162n);
    });

    it("closing the long / short of the peg-2 cases returns exactly to x = y = 1000 and pays / charges 100", async function () {
      const { h } = await loadFixture(deployHarness);
      const [xl, yl, outL] = await h.closeLong(952380952380952380953n, 1050n * WAD, sk, 2n * WAD, 47619047619047619047n);
      expect([xl, yl, outL]).to.deep.equal([1000n * WAD, 1000n * WAD, 100n * WAD]);
      const [xs, ys, inS] = await h.closeShort(1052631578947368421053n, 950n * WAD, sk, 2n * WAD, 52631578947368421053n);
      expect([xs, ys, inS]).to.deep.equal([1000n * WAD, 1000n * WAD, 100n * WAD]);
    });

    it("a round trip at peg 3 loses to rounding in the AMM's favour (the trader gets back less)", async function () {
      const { h } = await loadFixture(deployHarness);
      const q = 7n * WAD + 1n;
      const [x1, y1] = await h.afterLong(sk, sk, 3n * WAD, q);
      const [x2, y2, out] = await h.closeLong(x1, y1, sk, 3n * WAD, sk - x1);
      expect(x2).to.equal(sk);
      expect(y2).to.equal(sk);
      expect(out).to.equal(((y1 - sk) * 3n * WAD) / WAD);
      expect(out < q).to.equal(true);
    });

    it("closeLong pays zero rather than negative when rounding leaves y' ≥ y", async function () {
      const { h } = await loadFixture(deployHarness);
      // x·y a hair below k: closing 1 wei gives y' = ceil(k/(x+1)) ≥ y.
      const [, , out] = await h.closeLong(sk, sk - 1n, sk, 2n * WAD, 1n);
      expect(out).to.equal(0n);
    });

    it("terminalQuote: ceil(k/(x + d)) for both signs", async function () {
      const { h } = await loadFixture(deployHarness);
      expect(await h.terminalQuote(sk, sk, 3n * WAD)).to.equal(kOverUp(sk, sk + 3n * WAD));
      expect(await h.terminalQuote(sk, sk, -3n * WAD)).to.equal(kOverUp(sk, sk - 3n * WAD));
      expect(await h.terminalQuote(sk, sk, 0n)).to.equal(sk);
    });
  });

  describe("reverts", function () {
    it("afterShort reverts Vamm_InsufficientLiquidity(y, dy) when the short takes the whole quote reserve", async function () {
      const { h } = await loadFixture(deployHarness);
      const q = 2000n * WAD; // dy = 1000 = y
      await expect(h.afterShort(sk, sk, 2n * WAD, q))
        .to.be.revertedWithCustomError(h, "Vamm_InsufficientLiquidity")
        .withArgs(sk, ceilDiv(q * WAD, 2n * WAD));
    });

    it("closeShort reverts Vamm_InsufficientLiquidity(x, b) when b ≥ x", async function () {
      const { h } = await loadFixture(deployHarness);
      await expect(h.closeShort(sk, sk, sk, 2n * WAD, sk))
        .to.be.revertedWithCustomError(h, "Vamm_InsufficientLiquidity")
        .withArgs(sk, sk);
    });

    it("terminalQuote reverts Vamm_InsufficientLiquidity(x, |d|) when the net short reaches x", async function () {
      const { h } = await loadFixture(deployHarness);
      await expect(h.terminalQuote(sk, sk, -sk))
        .to.be.revertedWithCustomError(h, "Vamm_InsufficientLiquidity")
        .withArgs(sk, sk);
    });
  });

  describe("properties (against the bigint mirror)", function () {
    it("matches SPEC §2 to the wei and never lets k fall, for random states and trades", async function () {
      const { h } = await loadFixture(deployHarness);
      await fc.assert(
        fc.asyncProperty(
          fc.bigInt({ min: 10n ** 15n, max: 10n ** 27n }), // sqrtK
          fc.bigInt({ min: 10n ** 15n, max: 10n ** 22n }), // peg
          fc.integer({ min: 1, max: 5000 }), // q as bps of the quote depth y·P
          fc.boolean(),
          async (sqrtK, peg, qBps, isLong) => {
            const c = { x: sqrtK, y: sqrtK, sqrtK, peg };
            const q = (sqrtK * peg * BigInt(qBps)) / (WAD * 10_000n) + 1n;
            const open = isLong ? afterLong(c, q) : afterShort(c, q);
            const [x1, y1] = isLong
              ? await h.afterLong(c.y, sqrtK, peg, q)
              : await h.afterShort(c.y, sqrtK, peg, q);
            expect([x1, y1]).to.deep.equal([open.x1, open.y1]);
            expect(x1 * y1 >= sqrtK * sqrtK).to.equal(true);
            const after = { x: x1, y: y1, sqrtK, peg };
            const cl = isLong ? closeLong(after, open.base) : closeShort(after, open.base);
            const [x2, y2, quote] = isLong
              ? await h.closeLong(x1, y1, sqrtK, peg, open.base)
              : await h.closeShort(x1, y1, sqrtK, peg, open.base);
            expect([x2, y2, quote]).to.deep.equal([cl.x1, cl.y1, cl.quote]);
            expect(x2 * y2 >= sqrtK * sqrtK).to.equal(true);
            // Round trip from x = y = sqrtK: the long gets back at most q, the short pays back at least q.
            if (isLong) expect(quote <= q).to.equal(true);
            else expect(quote >= q).to.equal(true);
            expect(await h.markPrice(x2, y2, peg)).to.equal(markOf(x2, y2, peg));
          },
        ),
        { numRuns: 100 },
      );
    });
  });
});

import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployDammFixture, type DammFixture } from "../../helpers/deployFixture";
import { effectiveBounds, GUARD_TABLE, type GuardName } from "../../../keeper/core/guardTable";
import { DEFAULT_PARAMS } from "../../../keeper/sim/params";

// The guard table (keeper/core/guardTable.ts) against the contracts: a freshly deployed market's
// getters hold the table's defaults, and setParameter refuses one past each hard bound with
// Vamm_InvalidParameter(name, value, min, max) and accepts both ends (the cross bounds applied as the
// table's effectiveBounds states them). The Solidity constants are not generated: this test is the link.

const b32 = (s: string): string => ethers.encodeBytes32String(s);

type Params = Record<GuardName, bigint>;

async function paramsOf(fx: DammFixture): Promise<Params> {
  const p = (await fx.market.marketState()).params;
  return Object.fromEntries(GUARD_TABLE.map((g) => [g.name, (p as unknown as Record<string, bigint>)[g.name]])) as Params;
}

describe("guard table (SPEC §6) against the contracts", function () {
  describe("a freshly deployed market", function () {
    it("holds every table default in its getters (maxOpenInterest: the deployer's value)", async function () {
      const fx = await loadFixture(deployDammFixture);
      const onChain = await paramsOf(fx);
      for (const g of GUARD_TABLE) {
        expect(onChain[g.name], g.name).to.equal(g.default ?? fx.options.maxOpenInterest);
      }
      const [imBps, mmBps, liquidationFeeBps] = await fx.market.marginParams();
      expect({ imBps, mmBps, liquidationFeeBps }).to.deep.equal({ imBps: onChain.imBps, mmBps: onChain.mmBps, liquidationFeeBps: onChain.liquidationFeeBps });
    });

    it("is the simulator's default market (keeper/sim/params.ts reads the same table)", async function () {
      const onChain = await paramsOf(await loadFixture(deployDammFixture));
      for (const g of GUARD_TABLE) {
        if (g.default === undefined) continue;
        expect(DEFAULT_PARAMS[g.name], g.name).to.equal(Number(onChain[g.name]));
      }
    });
  });

  describe("setParameter's hard bounds", function () {
    for (const g of GUARD_TABLE) {
      it(`${g.name} (${g.unit}): refuses min − 1 and max + 1 with Vamm_InvalidParameter, accepts min and max`, async function () {
        const fx = await loadFixture(deployDammFixture);
        const { market, paramAdmin } = fx;
        const n = b32(g.name);
        const current = await paramsOf(fx);
        const { min, max } = effectiveBounds(g.name, current);
        if (min > 0n) {
          await expect(market.connect(paramAdmin).setParameter(n, min - 1n))
            .to.be.revertedWithCustomError(market, "Vamm_InvalidParameter")
            .withArgs(n, min - 1n, min, max);
        }
        await expect(market.connect(paramAdmin).setParameter(n, max + 1n))
          .to.be.revertedWithCustomError(market, "Vamm_InvalidParameter")
          .withArgs(n, max + 1n, min, max);
        await expect(market.connect(paramAdmin).setParameter(n, min)).to.emit(market, "ParameterChanged").withArgs(n, current[g.name], min);
        await expect(market.connect(paramAdmin).setParameter(n, max)).to.emit(market, "ParameterChanged").withArgs(n, min, max);
      });
    }
  });

  describe("cross bounds, after the other parameter moved", function () {
    /** Sets `name` to `value`, then checks that `other`'s bounds are the table's for the new state. */
    async function boundsFollow(name: GuardName, value: bigint, other: GuardName): Promise<void> {
      const fx = await loadFixture(deployDammFixture);
      const { market, paramAdmin } = fx;
      await (await market.connect(paramAdmin).setParameter(b32(name), value)).wait();
      const current = await paramsOf(fx);
      const { min, max } = effectiveBounds(other, current);
      const n = b32(other);
      await expect(market.connect(paramAdmin).setParameter(n, max + 1n)).to.be.revertedWithCustomError(market, "Vamm_InvalidParameter").withArgs(n, max + 1n, min, max);
      if (min > 0n) await expect(market.connect(paramAdmin).setParameter(n, min - 1n)).to.be.revertedWithCustomError(market, "Vamm_InvalidParameter").withArgs(n, min - 1n, min, max);
      await expect(market.connect(paramAdmin).setParameter(n, max)).to.emit(market, "ParameterChanged");
    }
    const row = (name: GuardName) => GUARD_TABLE.find((g) => g.name === name)!;

    it("maxPegChangeBps's maximum follows a raised fee (sandwich bound)", async function () {
      await boundsFollow("feeBps", row("feeBps").max, "maxPegChangeBps");
    });
    it("feeBps's minimum follows a lowered move cap (sandwich bound)", async function () {
      await boundsFollow("maxPegChangeBps", row("maxPegChangeBps").min, "feeBps");
    });
    it("imBps's minimum follows mmBps, and mmBps's maximum follows imBps", async function () {
      await boundsFollow("mmBps", row("mmBps").min, "imBps");
      await boundsFollow("imBps", row("imBps").max, "mmBps");
    });
  });
});

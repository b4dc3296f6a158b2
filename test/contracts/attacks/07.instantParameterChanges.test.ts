import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { Contract, ContractFactory } from "ethers";
import TimelockArtifact from "@openzeppelin/contracts/build/contracts/TimelockController.json";
import { deployDammFixture, NO_DEADLINE, WAD, type DammFixture } from "../../helpers/deployFixture";
import { findEvent, show } from "./attackKit";

// Issue 13, attack 7 (instant parameter changes). On main PARAM_ADMIN set im = mm = 50 % and the
// liquidation fee to 10 % in one block and liquidated a healthy 2.5× long. The fix (contracts decision
// #7): PARAM_ADMIN_ROLE and DEFAULT_ADMIN_ROLE belong to an OpenZeppelin TimelockController; the
// guardian (an ordinary key) still pauses at once. This fixture makes exactly that hand-over on top of
// the shared fixture. The regression: the parameter admin's key can no longer change anything at once,
// not even by granting itself the role; the same change scheduled through the timelock cannot execute
// before the delay, during which the victim sees it coming and leaves; the guardian's pause is immediate.

const VICTIM_QUOTE = 100_000n * WAD;
const VICTIM_MARGIN = 40_100n * WAD; // 2.5× after the 100 fee
const MIN_DELAY = 2n * 86_400n;
const ZERO = ethers.ZeroHash;

interface Timelocked extends DammFixture {
  readonly timelock: Contract;
}

const name = (s: string): string => ethers.encodeBytes32String(s);

async function fixture(): Promise<Timelocked> {
  const fx = await deployDammFixture();
  const { admin, paramAdmin, market, clearingHouse: ch, roles } = fx;
  const factory = new ContractFactory(TimelockArtifact.abi, TimelockArtifact.bytecode, admin);
  // The (stolen) parameter admin key proposes and executes; nobody administers the timelock but itself.
  const timelock = (await factory.deploy(MIN_DELAY, [paramAdmin.address], [paramAdmin.address], ethers.ZeroAddress)) as Contract;
  await timelock.waitForDeployment();
  const tl = await timelock.getAddress();
  for (const c of [market, ch]) {
    await (await c.connect(admin).grantRole(roles.PARAM_ADMIN_ROLE, tl)).wait();
    await (await c.connect(admin).grantRole(roles.DEFAULT_ADMIN_ROLE, tl)).wait();
    await (await c.connect(admin).revokeRole(roles.PARAM_ADMIN_ROLE, paramAdmin.address)).wait();
    await (await c.connect(admin).renounceRole(roles.DEFAULT_ADMIN_ROLE, admin.address)).wait();
  }
  await (await ch.connect(fx.traders[1]).openPosition(fx.addresses.market, true, VICTIM_QUOTE, VICTIM_MARGIN, 0n, NO_DEADLINE)).wait();
  return { ...fx, timelock };
}

/** The three changes of the attack, as timelock batch arguments. */
function attackBatch(fx: Timelocked): [string[], bigint[], string[], string, string] {
  const m = fx.addresses.market;
  const data = [
    fx.market.interface.encodeFunctionData("setParameter", [name("imBps"), 5_000n]),
    fx.market.interface.encodeFunctionData("setParameter", [name("mmBps"), 5_000n]),
    fx.market.interface.encodeFunctionData("setParameter", [name("liquidationFeeBps"), 1_000n]),
  ];
  return [[m, m, m], [0n, 0n, 0n], data, ZERO, name("attack7")];
}

describe("Attack 7: instant parameter changes (issue 13)", function () {
  describe("a healthy 2.5× long, parameter rights held by a 2-day TimelockController", function () {
    it("the parameter admin's key cannot set im, mm or the liquidation fee directly, and the long cannot be liquidated", async function () {
      const fx = await loadFixture(fixture);
      const { market, clearingHouse: ch, paramAdmin, roles, traders } = fx;
      const m = fx.addresses.market;
      const params0 = await market.marginParams();
      for (const [p, v] of [
        ["imBps", 5_000n],
        ["mmBps", 5_000n],
        ["liquidationFeeBps", 1_000n],
      ] as const) {
        await expect(market.connect(paramAdmin).setParameter(name(p), v))
          .to.be.revertedWithCustomError(market, "AccessControlUnauthorizedAccount")
          .withArgs(paramAdmin.address, roles.PARAM_ADMIN_ROLE);
      }
      await expect(market.connect(paramAdmin).grantRole(roles.PARAM_ADMIN_ROLE, paramAdmin.address))
        .to.be.revertedWithCustomError(market, "AccessControlUnauthorizedAccount")
        .withArgs(paramAdmin.address, roles.DEFAULT_ADMIN_ROLE);
      await expect(market.connect(fx.admin).grantRole(roles.PARAM_ADMIN_ROLE, fx.admin.address))
        .to.be.revertedWithCustomError(market, "AccessControlUnauthorizedAccount")
        .withArgs(fx.admin.address, roles.DEFAULT_ADMIN_ROLE);
      expect(await market.marginParams()).to.deep.equal(params0);
      await expect(ch.connect(paramAdmin).liquidate(traders[1].address, m, 0n)).to.be.revertedWithCustomError(ch, "CH_NotLiquidatable");
    });

    it("scheduled through the timelock, the change cannot execute before the delay; the victim leaves in time", async function () {
      const fx = await loadFixture(fixture);
      const { market, clearingHouse: ch, paramAdmin, traders, timelock } = fx;
      const m = fx.addresses.market;
      const victim = traders[1];
      const batch = attackBatch(fx);
      await (await (timelock.connect(paramAdmin) as Contract).scheduleBatch(...batch, MIN_DELAY)).wait();
      const id = (await timelock.hashOperationBatch(...batch)) as string;
      const readyBit = ethers.zeroPadValue(ethers.toBeHex(1n << 2n), 32); // OperationState.Ready
      await expect((timelock.connect(paramAdmin) as Contract).executeBatch(...batch))
        .to.be.revertedWithCustomError(timelock, "TimelockUnexpectedOperationState")
        .withArgs(id, readyBit);
      await expect(ch.connect(paramAdmin).liquidate(victim.address, m, 0n)).to.be.revertedWithCustomError(ch, "CH_NotLiquidatable");
      // Anyone can read the pending change; the victim closes within the delay and keeps its equity.
      expect(await timelock.isOperationPending(id)).to.equal(true);
      const free0 = await ch.freeCollateral(victim.address);
      const margin0 = (await ch.positionOf(m, victim.address)).margin;
      const rc = await (await ch.connect(victim).closePosition(m, 0n, 0n, NO_DEADLINE)).wait();
      const closed = findEvent(ch, [rc!], "PositionChanged")!;
      const returned = (await ch.freeCollateral(victim.address)) - free0;
      await time.increase(MIN_DELAY);
      await (await (timelock.connect(paramAdmin) as Contract).executeBatch(...batch)).wait();
      const params = await market.marginParams();
      show("timelocked", { returnedToVictim: returned, marginParams: params.join("/") });
      expect(params).to.deep.equal([5_000n, 5_000n, 1_000n]);
      // The victim's close paid out its margin, PnL and fee as a normal close: no liquidation fee.
      expect(returned).to.equal(margin0 + (closed.args.realisedPnl as bigint) - (closed.args.fee as bigint));
      expect((await ch.positionOf(m, victim.address)).size).to.equal(0n);
    });

    it("the guardian still pauses at once", async function () {
      const fx = await loadFixture(fixture);
      await (await fx.market.connect(fx.guardian).pause()).wait();
      await expect(
        fx.clearingHouse.connect(fx.traders[0]).openPosition(fx.addresses.market, true, 1_000n * WAD, 500n * WAD, 0n, NO_DEADLINE),
      ).to.be.revertedWithCustomError(fx.market, "Vamm_Paused");
    });
  });
});

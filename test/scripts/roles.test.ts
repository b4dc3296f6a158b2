/**
 * scripts/roles.ts against the Ignition deployment (deployer renounced, the TimelockController as
 * the only admin): timelocked grants / unpause / parameter changes wait their delay, the guardian
 * pauses at once, a keeper renounces its own role at once, and keys without the role are refused
 * before anything is sent.
 */
import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import hre, { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import DammModule from "../../ignition/modules/Damm";
import type { DeploymentRecord } from "../../keeper/service/config/deployment";
import { VammMarket__factory } from "../../typechain-types";
import { RolesError, loadRolesContext, runRolesCommand, type RolesContext } from "../../scripts/roles";
import { tempDir } from "../helpers/tempDir";

async function deployedFixture() {
  const deployed = await hre.ignition.deploy(DammModule, { displayUi: false });
  const [deployer, guardian, keeper, other] = await ethers.getSigners();
  const market = VammMarket__factory.connect(await deployed.ETH_PERP_market.getAddress(), deployer);
  const dir = tempDir("damm-roles-");
  const record: DeploymentRecord = {
    network: "hardhat",
    chainId: 31337,
    deploymentId: null,
    deployedAt: new Date().toISOString(),
    scenario: null,
    keeper: keeper.address,
    guardian: guardian.address,
    deployer: deployer.address,
    contracts: { usdc: await deployed.usdc.getAddress(), clearingHouse: await deployed.clearingHouse.getAddress(), marketLib: await deployed.marketLib.getAddress(), timelock: await deployed.timelock.getAddress() },
    timelockMinDelay: 86_400,
    oracles: { "ETH-PERP": await deployed.ETH_PERP_oracle.getAddress() },
    markets: [{ name: "ETH-PERP", vamm: await market.getAddress(), clearingHouse: await deployed.clearingHouse.getAddress() }],
  };
  const recordFile = path.join(dir, "hardhat.json");
  fs.writeFileSync(recordFile, JSON.stringify(record));
  return { market, deployer, guardian, keeper, other, dir, recordFile };
}

describe("scripts/roles.ts on the Ignition deployment", function () {
  this.timeout(120_000);
  const KEEPER_ROLE = ethers.id("KEEPER_ROLE");
  let lines: string[];

  async function ctx(f: Awaited<ReturnType<typeof deployedFixture>>, env: NodeJS.ProcessEnv = {}): Promise<RolesContext> {
    lines = [];
    const c = await loadRolesContext(hre, env, (l) => lines.push(l), f.recordFile);
    return { ...c, queueFile: path.join(f.dir, "queue.json") };
  }

  function queuedId(): string {
    const m = lines.join("\n").match(/queued (0x[0-9a-f]{64})/);
    expect(m, lines.join("\n")).to.not.equal(null);
    return m![1];
  }

  describe("the deployment's roles", () => {
    it("the timelock is the only admin: the deployer renounced DEFAULT_ADMIN_ROLE and cannot grant", async () => {
      const f = await loadFixture(deployedFixture);
      expect(await f.market.hasRole(ethers.ZeroHash, f.deployer.address)).to.equal(false);
      await expect(f.market.grantRole(KEEPER_ROLE, f.other.address)).to.be.revertedWithCustomError(f.market, "AccessControlUnauthorizedAccount").withArgs(f.deployer.address, ethers.ZeroHash);
    });
  });

  describe("timelocked: grant-keeper", () => {
    it("queues, refuses to execute before the delay, executes after it", async () => {
      const f = await loadFixture(deployedFixture);
      const c = await ctx(f);
      await runRolesCommand(c, "grant-keeper", [f.other.address], {});
      const id = queuedId();
      expect(await f.market.hasRole(KEEPER_ROLE, f.other.address)).to.equal(false);
      let err: Error | undefined;
      await runRolesCommand(c, "execute", [id], {}).catch((e: Error) => (err = e));
      expect(err).to.be.instanceOf(RolesError);
      expect(err!.message).to.match(/is ready at .*, in 8640\d s \(--wait moves a local node's clock\)$/);
      await runRolesCommand(c, "execute", [id], { wait: true });
      expect(await f.market.hasRole(KEEPER_ROLE, f.other.address)).to.equal(true);
      await runRolesCommand(c, "execute", [id], {}).catch((e: Error) => (err = e));
      expect(err!.message).to.contain("was executed already");
    });
  });

  describe("at once: the guardian pauses, the admin's unpause waits", () => {
    it("pause-market takes effect in one transaction; unpause-market only after the delay", async () => {
      const f = await loadFixture(deployedFixture);
      const c = await ctx(f);
      await runRolesCommand(c, "pause-market", [], {});
      expect((await f.market.marketState()).paused).to.equal(true);
      await runRolesCommand(c, "unpause-market", [], {});
      expect((await f.market.marketState()).paused).to.equal(true);
      await runRolesCommand(c, "execute", [queuedId()], { wait: true });
      expect((await f.market.marketState()).paused).to.equal(false);
    });

    it("a guardian key without GUARDIAN_ROLE is refused before sending", async () => {
      const f = await loadFixture(deployedFixture);
      const c = await ctx(f, { DAMM_GUARDIAN_KEY: `0x${"33".repeat(32)}` });
      const block = await ethers.provider.getBlockNumber();
      let err: Error | undefined;
      await runRolesCommand(c, "pause-market", [], {}).catch((e: Error) => (err = e));
      expect(err!.message).to.match(/^guardian 0x[0-9a-fA-F]{40}: lacks GUARDIAN_ROLE on ETH-PERP$/);
      expect(await ethers.provider.getBlockNumber()).to.equal(block);
    });
  });

  describe("renounce-keeper (a leaked key: its holder drops the role at once)", () => {
    it("removes KEEPER_ROLE from the keeper's own address", async () => {
      const f = await loadFixture(deployedFixture);
      const c = await ctx(f);
      await runRolesCommand(c, "renounce-keeper", [], {});
      expect(await f.market.hasRole(KEEPER_ROLE, f.keeper.address)).to.equal(false);
    });
  });

  describe("timelocked: set-param", () => {
    it("changes the parameter only after the delay", async () => {
      const f = await loadFixture(deployedFixture);
      const c = await ctx(f);
      const before = (await f.market.marketState()).params.hookCooldownBlocks;
      await runRolesCommand(c, "set-param", ["hookCooldownBlocks", "7"], {});
      expect((await f.market.marketState()).params.hookCooldownBlocks).to.equal(before);
      await runRolesCommand(c, "execute", [queuedId()], { wait: true });
      expect((await f.market.marketState()).params.hookCooldownBlocks).to.equal(7n);
    });
  });

  describe("bad input", () => {
    it("refuses a bad address, an unknown market, a record for another chain", async () => {
      const f = await loadFixture(deployedFixture);
      const c = await ctx(f);
      const fails = async (p: Promise<unknown>): Promise<string> => p.then(() => "", (e: Error) => e.message);
      expect(await fails(runRolesCommand(c, "grant-keeper", ["0x1234"], {}))).to.equal('grant-keeper: the keeper must be a 20-byte hex address, got "0x1234"');
      expect(await fails(runRolesCommand(c, "pause-market", [], { market: "BTC-PERP" }))).to.equal("--market BTC-PERP: not in the deployment (markets: ETH-PERP)");
      const other = path.join(f.dir, "other.json");
      fs.writeFileSync(other, JSON.stringify({ ...JSON.parse(fs.readFileSync(f.recordFile, "utf8")), chainId: 11155111 }));
      expect(await fails(loadRolesContext(hre, {}, () => undefined, other))).to.equal(`${other} is for chain 11155111 but --network hardhat is chain 31337`);
    });
  });
});

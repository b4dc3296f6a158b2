import { expect } from "chai";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { loadFixture, mine } from "@nomicfoundation/hardhat-network-helpers";
import { HOLD } from "../../../keeper/core/policyTypes";
import { createKeeperApp, startKeeperApp } from "../../../keeper/service/app";
import { silentLogger } from "../../../keeper/service/logger";
import { formatStatus } from "../../../keeper/service/status";
import { ScriptedPolicy } from "./helpers/fakes";
import { deployWithLongFixture, setOracle, startRpcServer, testKeeperConfig } from "./helpers/onchain";

/** `npm run keeper -- status` data and screen against the real contracts; the ops port's start-up error. */
describe("keeper status (read-only screen) on the in-process Hardhat network", function () {
  this.timeout(120_000);
  let rpc: Awaited<ReturnType<typeof startRpcServer>>;
  before(async () => {
    rpc = await startRpcServer();
  });
  after(async () => {
    await rpc.close();
  });

  it("reports role, oracle age, gap, budget and the next tick previewed, and sends nothing", async () => {
    const f = await loadFixture(deployWithLongFixture);
    await setOracle(f.oracle, 100.5);
    const app = await createKeeperApp(testKeeperConfig(rpc.url, f.markets, { dryRun: true }), silentLogger(), { policy: new ScriptedPolicy([{ kind: "repeg", fraction: 1 }]) });
    try {
      const block = await f.market.runner!.provider!.getBlockNumber();
      const s = await app.jobs[0].status();
      const chain = await f.market.marketState();
      expect(s).to.deep.include({ market: "ETH-PERP", role: "held", paused: false, oracleMaxAgeSec: 60 });
      expect(s.mark).to.be.closeTo(Number(chain.mark) / 1e18, 1e-9);
      expect(s.oracle).to.equal(100.5);
      expect(s.gapBps).to.be.closeTo(((Number(chain.mark) / 1e18 - 100.5) / 100.5) * 1e4, 1e-6);
      expect(s.budget).to.be.closeTo(Number(chain.budget) / 1e18, 1e-6);
      expect(s.oracleAgeSec).to.be.at.least(0).and.at.most(5);
      expect(s.next).to.match(/^policy scripted: \{"kind":"repeg","fraction":1\} \(state 3\) → would send repeg\(\d+\): cost -?\d+\.\d{4}, new mark 100\.5\d* \(dry run: journaled only\)$/);
      expect(s.lastDecisions).to.deep.equal([]);
      expect(await f.market.runner!.provider!.getBlockNumber()).to.equal(block); // nothing mined: nothing sent
      const screen = formatStatus(s);
      expect(screen).to.contain("KEEPER_ROLE: held");
      expect(screen).to.contain("hooks accept ≤ 60 s");
    } finally {
      await app.keeper.stop();
    }
  });

  it("shows a revoked role, a stale oracle, and the refusal the next tick would meet", async () => {
    const f = await loadFixture(deployWithLongFixture);
    await (await f.market.revokeRole(await f.market.KEEPER_ROLE(), f.keeper.address)).wait();
    await mine(10, { interval: 60 });
    const app = await createKeeperApp(testKeeperConfig(rpc.url, f.markets, { dryRun: true }), silentLogger(), { policy: new ScriptedPolicy([{ kind: "repeg", fraction: 1 }]) });
    try {
      const s = await app.jobs[0].status();
      expect(s.role).to.equal("missing");
      expect(s.oracleAgeSec).to.be.above(60);
      expect(formatStatus(s)).to.contain(": STALE");
      expect(s.next).to.match(/would be refused: (Oracle_StaleAnswer|AccessControlUnauthorizedAccount)\(/);
    } finally {
      await app.keeper.stop();
    }
  });

  it("a policy that holds: the next tick is a skip", async () => {
    const f = await loadFixture(deployWithLongFixture);
    const app = await createKeeperApp(testKeeperConfig(rpc.url, f.markets, { dryRun: true }), silentLogger(), { policy: new ScriptedPolicy([HOLD]) });
    try {
      expect((await app.jobs[0].status()).next).to.equal('policy scripted: {"kind":"hold"} (state 3) → skip: hold');
    } finally {
      await app.keeper.stop();
    }
  });

  it("start-up names metricsPort when its port is taken", async () => {
    const f = await loadFixture(deployWithLongFixture);
    const blocker = http.createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", () => r()));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const err = await startKeeperApp(testKeeperConfig(rpc.url, f.markets, { metricsPort: port }), silentLogger(), { policy: new ScriptedPolicy([HOLD]) }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err?.message).to.equal(`metricsPort: 127.0.0.1:${port} is already in use (another keeper?); choose another metricsPort or set DAMM_METRICS_PORT`);
    } finally {
      blocker.close();
    }
  });
});

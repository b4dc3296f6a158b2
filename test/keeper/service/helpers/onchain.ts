/**
 * On-chain helpers for the keeper service tests: the Ignition deployment (ignition/modules/Damm.ts)
 * as a loadFixture fixture, the in-process Hardhat network exposed over HTTP on 127.0.0.1 (so the
 * keeper talks JSON-RPC exactly as in production), and a keeper config for it.
 */
import path from "node:path";
import hre, { ethers } from "hardhat";
import { JsonRpcServer } from "hardhat/internal/hardhat-network/jsonrpc/server";
import { DEFAULT_MARKETS, buildDammModule } from "../../../../ignition/modules/Damm";
import { parseConfig } from "../../../../keeper/service/config/loadConfig";
import type { KeeperConfig } from "../../../../keeper/service/config/schema";
import { ClearingHouse__factory, MockAggregator__factory, MockUSDC__factory, VammMarket__factory } from "../../../../typechain-types";
import { tempJournalPath } from "./journalFixtures";

export const ROOT = path.resolve(__dirname, "../../../..");
/** Hardhat's well-known test account #2 (the module's default keeper); public, local only. */
export const KEEPER_KEY = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";
export const WAD = 10n ** 18n;
export const ORACLE_UNIT = 10n ** 8n;
export const NO_DEADLINE = 2n ** 64n;
/** The deployment with the deployer still admin (it grants roles and unpauses directly, no timelock wait). */
const DammModule = buildDammModule(DEFAULT_MARKETS, "Damm", { deployerKeepsAdmin: true });

/** The Ignition deployment, plus admin holding PARAM_ADMIN / GUARDIAN and a funded trader. */
export async function deployKeeperFixture() {
  return deployWith({});
}

/** Funded with 1e-6 USDC: the budget is little more than the long's fee share (100). */
export async function deployTinyBudgetWithLongFixture() {
  const f = await deployWith({ ETH_PERP_budget6: 1n });
  await openLong(f);
  return f;
}

async function openLong(f: Awaited<ReturnType<typeof deployWith>>, quote = 200_000n * WAD, margin = 50_000n * WAD): Promise<void> {
  await (await f.clearingHouse.connect(f.trader).openPosition(f.markets[0].vamm, true, quote, margin, 0n, NO_DEADLINE)).wait();
}

async function deployWith(params: Record<string, bigint | string>) {
  const deployed = await hre.ignition.deploy(DammModule, { displayUi: false, parameters: { Damm: params } });
  const [admin, , keeper, , , trader] = await ethers.getSigners();
  const market = VammMarket__factory.connect(await deployed.ETH_PERP_market.getAddress(), admin);
  const clearingHouse = ClearingHouse__factory.connect(await deployed.clearingHouse.getAddress(), admin);
  const oracle = MockAggregator__factory.connect(await deployed.ETH_PERP_oracle.getAddress(), admin);
  const usdc = MockUSDC__factory.connect(await deployed.usdc.getAddress(), admin);
  await (await market.grantRole(await market.PARAM_ADMIN_ROLE(), admin.address)).wait();
  await (await market.grantRole(await market.GUARDIAN_ROLE(), admin.address)).wait();
  await (await usdc.mint(trader.address, 1_000_000n * 10n ** 6n)).wait();
  await (await usdc.connect(trader).approve(await clearingHouse.getAddress(), ethers.MaxUint256)).wait();
  await (await clearingHouse.connect(trader).deposit(500_000n * 10n ** 6n)).wait();
  const markets = [{ name: "ETH-PERP", vamm: await market.getAddress(), clearingHouse: await clearingHouse.getAddress() }];
  return { admin, keeper, trader, market, clearingHouse, oracle, usdc, markets };
}

/** Same, with an open long (net position ≠ 0), so repeg and k changes have a non-zero cost. */
export async function deployWithLongFixture() {
  const f = await deployKeeperFixture();
  await openLong(f);
  return f;
}

/**
 * A shallow market (sqrtK 1e5, peg 90) with a net long of ≈ 0.06 of sqrtK (13 longs of 45,000
 * quote, one per block, each inside the 2 % per-block fluctuation limit): mark ≈ 102 against an
 * oracle of 100, for the shipped policy's exposure guard (minImbalance 0.05).
 */
export async function deployWithLargeNetLongFixture() {
  const f = await deployWith({ ETH_PERP_sqrtK: 100_000n * WAD, ETH_PERP_peg: 90n * WAD });
  for (let i = 0; i < 13; i++) await openLong(f, 45_000n * WAD, 10_000n * WAD);
  return f;
}

/** Publishes a fresh oracle answer (a decimal price, e.g. 99.9). */
export async function setOracle(oracle: { setAnswer(a: bigint): Promise<{ wait(): Promise<unknown> }> }, price: number): Promise<void> {
  await (await oracle.setAnswer(BigInt(Math.round(price * 1e8)))).wait();
}

/** The in-process Hardhat network over HTTP on 127.0.0.1 (random port); shares loadFixture's chain. */
export async function startRpcServer(): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const server = new JsonRpcServer({ hostname: "127.0.0.1", port: 0, provider: hre.network.provider });
  const { port } = await server.listen();
  return { url: `http://127.0.0.1:${port}`, port, close: () => server.close() };
}

/** A validated keeper config for tests: fast intervals, silent logs, a fresh journal file. */
export function testKeeperConfig(rpcUrl: string, markets: unknown, over: Record<string, unknown> = {}): KeeperConfig {
  return parseConfig(
    {
      rpcUrl,
      chainId: 31337,
      markets,
      policyPath: "policies/default.json",
      intervalMs: 100,
      txReceiptTimeoutMs: 10_000,
      journalPath: tempJournalPath(),
      metricsPort: 0,
      maxConsecutiveFailures: 50,
      backoff: { baseMs: 20, capMs: 200 },
      logLevel: "silent",
      ...over,
    },
    path.join(ROOT, "keeper.test.json"),
    { DAMM_KEEPER_KEY: KEEPER_KEY },
  );
}

/**
 * `npm run bench:chain`: trades per second through the ClearingHouse on the in-process Hardhat
 * network (automine, one transaction per trade, receipts awaited) beside plain ERC-20 transfers of
 * the collateral token in the same run; their ratio is the protocol's overhead per transaction.
 * Prints a table and writes out/bench/chain.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import hre from "hardhat";
import { deployDamm, fundAccounts } from "../../keeper/onchain/deploy";
import { NO_DEADLINE, toWad } from "../../keeper/onchain/wad";

const N = Number(process.env.BENCH_CHAIN_N ?? 400);

async function timed(n: number, fn: (i: number) => Promise<bigint>): Promise<{ seconds: number; perSec: number; gasPerTx: number }> {
  const t0 = process.hrtime.bigint();
  let gas = 0n;
  for (let i = 0; i < n; i++) gas += await fn(i);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { seconds, perSec: n / seconds, gasPerTx: Number(gas / BigInt(n)) };
}

async function main(): Promise<void> {
  const signers = await hre.ethers.getSigners();
  const [admin] = signers;
  const traders = signers.slice(1, 21);
  const c = await deployDamm({ admin, keeper: admin.address }, { sqrtK: 1_000_000, price: 100, budget: 100_000 });
  await fundAccounts(c, admin, traders, 10_000_000, 1_000_000);
  const market = c.addresses.market;
  // Warm-up (first touches of storage slots are not what we measure).
  for (const t of traders) await (await c.clearingHouse.connect(t).openPosition(market, true, toWad(1_000), toWad(200), 0n, NO_DEADLINE)).wait();
  for (const t of traders) await (await c.clearingHouse.connect(t).closePosition(market, 0n, 0n, NO_DEADLINE)).wait();

  const trades = await timed(N, async (i) => {
    const t = traders[i % traders.length];
    const ch = c.clearingHouse.connect(t);
    // Alternate opens and full closes per trader: every transaction is a curve trade.
    const round = Math.floor(i / traders.length);
    const tx = round % 2 === 0 ? await ch.openPosition(market, i % 3 !== 0, toWad(5_000), toWad(1_000), 0n, NO_DEADLINE) : await ch.closePosition(market, 0n, 0n, NO_DEADLINE);
    return (await tx.wait())!.gasUsed;
  });
  const transfers = await timed(N, async (i) => {
    const from = traders[i % traders.length];
    const to = traders[(i + 1) % traders.length];
    return (await (await c.usdc.connect(from).transfer(to.address, 1_000_000n)).wait())!.gasUsed;
  });

  const rows = [
    ["ClearingHouse trades", N, trades.seconds, trades.perSec, trades.gasPerTx],
    ["ERC-20 transfers", N, transfers.seconds, transfers.perSec, transfers.gasPerTx],
  ] as const;
  const ratio = transfers.perSec / trades.perSec;
  console.log(`network: in-process hardhat (automine), ${traders.length} accounts, node ${process.version}`);
  console.log("what                 |     n |  seconds |   tx/s | gas/tx");
  console.log("---------------------|-------|----------|--------|-------");
  for (const [what, n, s, ps, g] of rows) console.log(`${what.padEnd(20)} | ${String(n).padStart(5)} | ${s.toFixed(3).padStart(8)} | ${ps.toFixed(1).padStart(6)} | ${String(g).padStart(6)}`);
  console.log(`overhead: a trade takes ${ratio.toFixed(2)}× the wall time of a token transfer (${(trades.gasPerTx / transfers.gasPerTx).toFixed(1)}× the gas)`);
  const out = path.resolve(__dirname, "../../out/bench/chain.json");
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(
    out,
    JSON.stringify({ generatedAt: new Date().toISOString(), node: process.version, n: N, trades, transfers, wallTimeRatio: ratio, gasRatio: trades.gasPerTx / transfers.gasPerTx }, null, 2),
  );
  console.log(`wrote ${out}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

/**
 * `npm run bench:gas` (`hardhat run scripts/bench/gas.ts`): deploys the contracts with the test
 * fixture on the in-process Hardhat network and measures, from transaction receipts, the gas of
 * each user / keeper entry point on a warm market. Prints a table, compares with the goals and
 * writes out/bench/gas.json.
 *
 * gasUsed is the whole transaction (21,000 intrinsic + calldata + execution), the figure a user pays.
 */
import fs from "node:fs";
import path from "node:path";
import { ethers, network } from "hardhat";
import { mine, time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";
import { deployDammFixture, NO_DEADLINE, USDC, WAD } from "../../test/helpers/deployFixture";

interface Row {
  operation: string;
  gas: number;
  goal?: number;
  note: string;
}

/** Reference only: a Uniswap v3 pool swap within one tick (order of magnitude). */
const UNISWAP_V3_SWAP_REFERENCE = 125_000;
const GOALS: Record<string, number> = {
  "openPosition (new)": 100_000,
  "closePosition (full)": 90_000,
  repeg: 80_000,
  updateK: 80_000,
};

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<number> {
  const rc = await (await tx).wait();
  if (rc === null) throw new Error("bench:gas: transaction without receipt");
  return Number(rc.gasUsed);
}

async function main(): Promise<void> {
  if (network.name !== "hardhat") throw new Error(`bench:gas runs on the in-process network, not ${network.name}`);
  const fx = await deployDammFixture({ traderCount: 6 });
  const { clearingHouse: ch, market, aggregator, keeper, liquidator, traders } = fx;
  const m = fx.addresses.market;
  const [alice, bob, carol, s1, s2, s3] = traders;
  const rows: Row[] = [];
  const add = (operation: string, gas: number, note: string): void => {
    rows.push({ operation, gas, goal: GOALS[operation], note });
  };

  // Warm the market once (first trade of the market initialises OI / TWAP slots from zero).
  await ch.connect(carol).openPosition(m, false, 1_000n * WAD, 200n * WAD, 0n, NO_DEADLINE);

  add("deposit", await gasOf(ch.connect(alice).deposit(1_000n * USDC)), "existing account, 1,000 USDC");
  add("withdraw", await gasOf(ch.connect(alice).withdraw(1_000n * USDC)), "1,000 USDC");
  add(
    "openPosition (new)",
    await gasOf(ch.connect(alice).openPosition(m, true, 10_000n * WAD, 2_000n * WAD, 0n, NO_DEADLINE)),
    "long 10,000 quote, 2,000 margin",
  );
  add(
    "openPosition (increase)",
    await gasOf(ch.connect(alice).openPosition(m, true, 5_000n * WAD, 0n, 0n, NO_DEADLINE)),
    "same side +5,000 quote",
  );
  add("addMargin", await gasOf(ch.connect(alice).addMargin(m, 100n * WAD)), "100 WAD");
  const size = (await ch.positionOf(m, alice.address)).size;
  add(
    "closePosition (partial)",
    await gasOf(ch.connect(alice).closePosition(m, size / 2n, 0n, NO_DEADLINE)),
    "half the base",
  );
  add("closePosition (full)", await gasOf(ch.connect(alice).closePosition(m, 0n, 0n, NO_DEADLINE)), "the rest");

  // Funding: one period later, with a fresh oracle answer.
  await time.increase(3600);
  await aggregator.setAnswer(100n * 10n ** 8n);
  add("settleFunding", await gasOf(market.settleFunding()), "one period, net short OI");

  // Keeper hooks: a net long so both cost something; the oracle above the mark.
  await ch.connect(bob).openPosition(m, true, 20_000n * WAD, 4_000n * WAD, 0n, NO_DEADLINE);
  await aggregator.setAnswer(101n * 10n ** 8n);
  const peg = (await market.marketState()).peg;
  // +0.15 %: within maxPegChangeBps (19, the round-trip-fee bound) with room in the hook window for updateK's move.
  add("repeg", await gasOf(market.connect(keeper).repeg(peg + (peg * 15n) / 10_000n)), "+0.15 % toward the oracle");
  await mine(1);
  await aggregator.setAnswer(101n * 10n ** 8n);
  const sqrtK = (await market.marketState()).sqrtK;
  add("updateK", await gasOf(market.connect(keeper).updateK(sqrtK + sqrtK / 400n)), "+0.25 % depth");
  await mine(1);
  await aggregator.setAnswer(101n * 10n ** 8n);
  const peg2 = (await market.marketState()).peg;
  add(
    "repegToward",
    await gasOf(market.connect(keeper).repegToward(peg2 + peg2 / 100n, peg2 + 1n)),
    "target +1 %, fitted to the move cap's room",
  );

  // Liquidation: a long at 10.1 % margin, then shorts push the mark down ~5 % over three blocks.
  await ch.connect(alice).openPosition(m, true, 10_000n * WAD, 1_010n * WAD, 0n, NO_DEADLINE);
  for (const s of [s1, s2, s3]) {
    await ch.connect(s).openPosition(m, false, 800_000n * WAD, 90_000n * WAD, 0n, NO_DEADLINE);
  }
  // Liquidation is judged on the oracle (SPEC §3): the oracle falls with the curve.
  await aggregator.setAnswer((await market.markPrice()) / 10n ** 10n);
  if (!(await ch.isLiquidatable(m, alice.address))) throw new Error("bench:gas: setup did not make the long liquidatable");
  add("liquidate (full)", await gasOf(ch.connect(liquidator).liquidate(alice.address, m, 0n)), "whole position");

  // A later period: the ending epoch's non-zero indices go to a new history slot (issue #2).
  await time.increase(3600);
  await aggregator.setAnswer(100n * 10n ** 8n);
  add("settleFunding (later period)", await gasOf(market.settleFunding()), "writes one funding-history slot");

  const table = rows.map((r) => ({
    operation: r.operation,
    gas: r.gas,
    goal: r.goal ?? "",
    status: r.goal === undefined ? "" : r.gas <= r.goal ? "ok" : `over by ${r.gas - r.goal}`,
    note: r.note,
  }));
  table.push({
    operation: "Uniswap v3 swap (reference)",
    gas: UNISWAP_V3_SWAP_REFERENCE,
    goal: "",
    status: "",
    note: "not measured here; order of magnitude",
  });
  console.table(table);

  const outDir = path.resolve(__dirname, "../../out/bench");
  fs.mkdirSync(outDir, { recursive: true });
  const outFile = path.join(outDir, "gas.json");
  const json = {
    generatedAt: new Date().toISOString(),
    network: network.name,
    solc: "0.8.28, optimizer 10,000 runs, cancun",
    measure: "receipt gasUsed (whole transaction)",
    rows,
    reference: { uniswapV3Swap: UNISWAP_V3_SWAP_REFERENCE },
    allGoalsMet: rows.every((r) => r.goal === undefined || r.gas <= r.goal),
  };
  fs.writeFileSync(outFile, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`wrote ${outFile}`);
  void ethers;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

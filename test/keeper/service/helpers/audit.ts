/**
 * Audits a keeper journal against the chain after a run with faults, crashes or fail-overs:
 *   - no row is left open (decided / sent): every decision reached a final status;
 *   - the confirmed rows' transactions are exactly the PegUpdated / KUpdated events (nothing
 *     applied twice, nothing applied without a journal row);
 *   - every transaction the keeper's account mined has exactly one live journal row (nonce accounting);
 *   - one live decision per (market, slot).
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import type { DecisionRecord } from "../../../../keeper/service/journal/journal";
import type { deployKeeperFixture } from "./onchain";

type Fixture = Awaited<ReturnType<typeof deployKeeperFixture>>;

export async function auditJournalAgainstChain(f: Fixture, rows: readonly DecisionRecord[], nonce0: number, fromBlock: number): Promise<{ confirmed: DecisionRecord[] }> {
  expect(rows.filter((r) => r.status === "decided" || r.status === "sent").map((r) => [r.id, r.status])).to.deep.equal([]);
  const events = [...(await f.market.queryFilter(f.market.filters.PegUpdated(), fromBlock)), ...(await f.market.queryFilter(f.market.filters.KUpdated(), fromBlock))];
  const confirmed = rows.filter((r) => r.status === "confirmed");
  expect(confirmed.map((r) => r.txHash).sort()).to.deep.equal(events.map((e) => e.transactionHash).sort());
  expect(new Set(events.map((e) => e.transactionHash)).size).to.equal(events.length);
  // Every keeper transaction that was mined belongs to exactly one live journal row. A reconciled
  // (dropped) row keeps its hash on record; the fresh decision may re-sign the identical transaction.
  const mined: string[] = [];
  for (const r of rows) if (r.status !== "reconciled" && r.txHash && (await ethers.provider.getTransactionReceipt(r.txHash))) mined.push(r.txHash);
  expect(new Set(mined).size).to.equal(mined.length);
  for (const r of rows) if (r.status === "reconciled" && r.txHash && (await ethers.provider.getTransactionReceipt(r.txHash))) expect(mined).to.include(r.txHash);
  expect((await ethers.provider.getTransactionCount(f.keeper.address, "latest")) - nonce0).to.equal(mined.length);
  // One live decision per (market, slot).
  const live = rows.filter((r) => r.status !== "reconciled").map((r) => r.idempotencyKey);
  expect(new Set(live).size).to.equal(live.length);
  return { confirmed };
}

/** "status: reason × n" lines, most frequent first: what the journal says when an expectation fails. */
export function statusHistogram(rows: readonly DecisionRecord[]): string {
  const counts = new Map<string, number>();
  for (const r of rows) {
    const key = `${r.status}${r.skipReason ? `: ${r.skipReason.replace(/\d{4,}/g, "N")}` : ""}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n} × ${k}`).join("\n");
}

import type { Logger } from "pino";
import type { ChainReader } from "./rpc/types";
import type { DecisionRecord } from "./journal/journal";
import type { JournalStore } from "./journal/store";

export type ReconcileOutcome = "confirmed" | "failed" | "pending" | "dropped" | "interrupted";

export interface ReconcileResult {
  readonly id: number;
  readonly outcome: ReconcileOutcome;
}

/**
 * Settles journal rows left open by a crash or a receipt timeout, before any new decision:
 * - `decided` (nothing was signed) → reconciled: decide anew from fresh chain state.
 * - `sent` with a receipt → confirmed / failed.
 * - `sent`, no receipt, the node still has it → pending: wait, send nothing new for the market.
 * - `sent`, unknown, its nonce consumed by another transaction → failed (it can never land).
 * - `sent`, unknown, nonce not consumed → reconciled (dropped): the next tick re-reads the chain
 *   and decides anew; the next send reuses that nonce, so at most one of the two can ever land.
 * The same decision is therefore never sent twice.
 */
export async function reconcileOpenDecisions(
  journal: JournalStore,
  chain: ChainReader,
  keeperAddress: string | undefined,
  market?: string,
  log?: Logger,
): Promise<ReconcileResult[]> {
  const out: ReconcileResult[] = [];
  for (const row of await journal.withStatus(["decided", "sent"], market)) {
    const outcome = await reconcileRow(journal, chain, keeperAddress, row);
    // A job passes its own child logger, which already carries `market` (no duplicate key then).
    log?.info({ decisionId: row.id, ...(market === undefined ? { market: row.market } : {}), txHash: row.txHash, outcome }, "reconciled open decision");
    out.push({ id: row.id, outcome });
  }
  return out;
}

async function reconcileRow(journal: JournalStore, chain: ChainReader, keeperAddress: string | undefined, row: DecisionRecord): Promise<ReconcileOutcome> {
  if (row.status === "decided" || row.txHash === null || row.nonce === null) {
    await journal.markReconciled(row.id, "interrupted before the transaction was signed");
    return "interrupted";
  }
  const receipt = await chain.getReceipt(row.txHash);
  if (receipt) {
    if (receipt.status === 1) {
      await journal.markConfirmed(row.id, { gasUsed: receipt.gasUsed, cost: receipt.hookCost, blockNumber: receipt.blockNumber });
      return "confirmed";
    }
    await journal.markFailed(row.id, "reverted on-chain", { gasUsed: receipt.gasUsed, blockNumber: receipt.blockNumber });
    return "failed";
  }
  if (await chain.isKnown(row.txHash)) return "pending";
  if (!keeperAddress) throw new Error(`cannot reconcile sent decision ${row.id} without the keeper address`);
  const minedNonce = await chain.getMinedNonce(keeperAddress);
  if (minedNonce > row.nonce) {
    await journal.markFailed(row.id, `dropped: nonce ${row.nonce} consumed by another transaction`);
    return "failed";
  }
  await journal.markReconciled(row.id, `dropped: not found and nonce ${row.nonce} unused; deciding anew from fresh state`);
  return "dropped";
}

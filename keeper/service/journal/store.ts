import { KeeperError } from "../errors/classifyError";
import type { DecisionRecord, DecisionStatus, NewDecision, PreviewRecord } from "./journal";

/** A value now (SQLite, synchronous) or later (PostgreSQL): callers always `await` it. */
export type Awaitable<T> = T | Promise<T>;

/**
 * What the keeper needs from its decision journal, whichever database holds it: the embedded
 * SQLite journal (journal.ts, the default) or the shared PostgreSQL journal of redundant keepers
 * (pgJournal.ts). Every status change is a compare-and-set on the previous status; a store may in
 * addition fence the writes that lead to a send (insertDecision, markSent) with a lease, in which
 * case they throw LeaseLostError when this replica no longer holds it.
 */
export interface JournalStore {
  /** Inserts a `decided` row; null when the (market, slot) already has a live decision. */
  insertDecision(d: NewDecision): Awaitable<number | null>;
  hasLiveDecision(market: string, slot: number): Awaitable<boolean>;
  recordPreview(id: number, p: PreviewRecord): Awaitable<void>;
  markSkipped(id: number, reason: string, errorClass?: string): Awaitable<void>;
  /** Must complete BEFORE the signed transaction is broadcast, so a crash cannot lose it. */
  markSent(id: number, txHash: string, nonce: number): Awaitable<void>;
  markConfirmed(id: number, r: { gasUsed: bigint; cost?: bigint; blockNumber: number }): Awaitable<void>;
  markFailed(id: number, reason: string, r?: { gasUsed?: bigint; blockNumber?: number; errorClass?: string }): Awaitable<void>;
  markReconciled(id: number, reason: string): Awaitable<void>;
  get(id: number): Awaitable<DecisionRecord | undefined>;
  /** Rows in the given statuses, oldest first (optionally one market). */
  withStatus(statuses: readonly DecisionStatus[], market?: string): Awaitable<DecisionRecord[]>;
  /** The newest `limit` rows, oldest first (optionally one market). */
  list(market?: string, limit?: number): Awaitable<DecisionRecord[]>;
  lastConfirmedTimestamp(market: string): Awaitable<number | undefined>;
  /** Housekeeping between ticks (SQLite's WAL checkpoint); may do nothing. */
  checkpointIfDue(): void;
  close(): Awaitable<void>;
}

/**
 * A fenced write was refused: another replica holds the lease (or this one's expired). Nothing
 * was decided or sent; the replica turns standby at its next tick ("nextBlock": not the chain's fault).
 */
export class LeaseLostError extends KeeperError {
  constructor(readonly replica: string, what: string) {
    super("nextBlock", `lease lost: replica ${replica} no longer holds the journal lease (${what} refused)`);
    this.name = "LeaseLostError";
  }
}

/**
 * A keeper journal row as its readers see it. The row type lives in core so that readers below the
 * service layer (the supervised dataset built from a journal) need not import the journal itself;
 * keeper/service/journal/journal.ts writes and reads these rows.
 */
import type { Action, MarketObservation } from "./policyTypes";

export type DecisionStatus = "decided" | "skipped" | "sent" | "confirmed" | "failed" | "reconciled";

/** A journal row as the code sees it (bigints as decimal strings, JSON columns parsed). */
export interface DecisionRecord {
  readonly id: number;
  readonly idempotencyKey: string;
  readonly market: string;
  readonly slot: number;
  readonly blockTimestamp: number | null;
  readonly dryRun: boolean;
  readonly policy: string | null;
  readonly observation: MarketObservation;
  readonly stateIndex: number;
  readonly actionIndex: number;
  readonly qValues: number[];
  readonly action: Action;
  readonly callKind: string | null;
  readonly callTarget: string | null;
  /** The target the action asked for before fitToBudget (equals callTarget when not fitted). */
  readonly requestedTarget: string | null;
  readonly previewCost: string | null;
  readonly previewNewMark: string | null;
  readonly gasEstimate: string | null;
  readonly expectedGain: number | null;
  readonly gasCostQuote: number | null;
  readonly skipReason: string | null;
  readonly errorClass: string | null;
  readonly txHash: string | null;
  readonly nonce: number | null;
  readonly status: DecisionStatus;
  readonly gasUsed: string | null;
  readonly cost: string | null;
  readonly receiptBlock: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly sentAt: number | null;
  readonly finalizedAt: number | null;
  /** The replica that decided (shared PostgreSQL journal only). */
  readonly replica?: string | null;
}

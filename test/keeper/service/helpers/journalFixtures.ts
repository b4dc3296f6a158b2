import path from "node:path";
import type { NewDecision } from "../../../../keeper/service/journal/journal";
import { tempDir } from "../../../helpers/tempDir";

export function tempJournalPath(): string {
  return path.join(tempDir("keeper-journal-"), "journal.sqlite");
}

export function newDecision(over: Partial<NewDecision> = {}): NewDecision {
  return {
    market: "ETH-PERP",
    slot: 100,
    blockTimestamp: 1_700_000_000,
    dryRun: false,
    policy: "q",
    observation: { time: 1, baseReserve: 1, quoteReserve: 1, peg: 1, sqrtK: 1, mark: 1, oracle: 1.01, markTwap: 1, oracleTwap: 1, longOI: 0.2, shortOI: 0.1, budget: 5, reservedShare: 1, volatility: 0, sinceLastUpdate: Infinity },
    stateIndex: 7,
    actionIndex: 1,
    qValues: [0.5, 1.25, -3],
    action: { kind: "repeg", fraction: 0.5 },
    ...over,
  };
}


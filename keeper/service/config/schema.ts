import { z } from "zod";
import { DEFAULT_MIN_FIT_FRACTION, DEFAULT_MIN_REPEG_BPS } from "../../core/hookPlanner";

/**
 * The keeper's configuration file. Types are derived from the schema (z.infer) so the file,
 * the validation and the code cannot drift apart. Unknown fields are errors (strictObject):
 * a typo such as `intervalMS` must not silently fall back to a default.
 * The private key is NOT part of this schema: it comes only from DAMM_KEEPER_KEY.
 */

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, { error: "must be a 20-byte hex address (0x + 40 hex digits)" });

const positiveInt = z.number().int({ error: "must be an integer" }).positive({ error: "must be > 0" });

export const marketConfigSchema = z.strictObject({
  /** Label used in logs, metrics and journal keys; unique. */
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,32}$/, { error: "must be 1-32 chars of [A-Za-z0-9_.-]" }),
  vamm: address,
  clearingHouse: address,
});

export const gasConfigSchema = z.strictObject({
  /** Hard cap on the gas limit of one hook transaction. */
  maxGasPerTx: positiveInt.default(500_000),
  /** Hard cap on EIP-1559 maxFeePerGas, in gwei; a tick whose fee would exceed it skips. */
  maxFeePerGasGwei: z.number().positive({ error: "must be > 0" }).default(100),
  maxPriorityFeePerGasGwei: z.number().nonnegative({ error: "must be >= 0" }).default(1),
});

export const backoffConfigSchema = z
  .strictObject({
    baseMs: positiveInt.default(1_000),
    capMs: positiveInt.default(60_000),
  })
  .refine((b) => b.capMs >= b.baseMs, { error: "capMs must be >= baseMs", path: ["capMs"] });

/** How the keeper prices an update in quote units, to skip updates that do not pay for their gas. */
export const economicsConfigSchema = z.strictObject({
  /** Quote units per native token (e.g. USD per ETH), to convert gas cost into quote. */
  nativePriceQuote: z.number().nonnegative({ error: "must be >= 0" }).default(0),
  /** Value (quote) of moving the mark 1 bp closer to the oracle; used when the policy gives no expected gain. */
  trackingValuePerBps: z.number().nonnegative({ error: "must be >= 0" }).default(0),
});

/** Redundant keepers (journalBackend "postgres"): the lease that lets exactly one replica send. */
export const leaseConfigSchema = z
  .strictObject({
    /** Lease row; replicas with the same name in the same database form one group. */
    name: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, { error: "must be 1-64 chars of [A-Za-z0-9_.:-]" }).default("damm-keeper"),
    /** A dead active replica's lease lapses after at most this long. */
    ttlMs: positiveInt.min(500, { error: "must be >= 500" }).default(15_000),
    /** Renewal (active) and take-over attempt (standby) interval; at most ttlMs / 3. */
    renewMs: positiveInt.min(100, { error: "must be >= 100" }).default(5_000),
  })
  .refine((l) => l.renewMs * 3 <= l.ttlMs, { error: "renewMs must be at most a third of ttlMs", path: ["renewMs"] });

export const keeperConfigSchema = z
  .strictObject({
    /** Optional label of the network the file is meant for; must equal the CLI's --network when both are given. */
    network: z.string().min(1).optional(),
    /** May be left out of the file when DAMM_RPC_URL supplies it (a remote URL often carries an API key). */
    rpcUrl: z.string({ error: "missing: set rpcUrl in the file or DAMM_RPC_URL in the environment" }).regex(/^(https?|wss?):\/\/\S+$/, { error: "must be an http(s):// or ws(s):// URL" }),
    /** When set, start-up fails unless the RPC reports this chain id. */
    chainId: positiveInt.optional(),
    markets: z.array(marketConfigSchema).min(1, { error: "must list at least one market" }),
    /** Policy file (JSON); a relative path resolves against the folder of the config file (not the working directory). */
    policyPath: z.string().min(1, { error: "must be a file path" }),
    intervalMs: positiveInt.min(100, { error: "must be >= 100" }).default(12_000),
    gas: gasConfigSchema.default({ maxGasPerTx: 500_000, maxFeePerGasGwei: 100, maxPriorityFeePerGasGwei: 1 }),
    txReceiptTimeoutMs: positiveInt.default(120_000),
    dryRun: z.boolean().default(false),
    /** SQLite file; relative paths resolve against the config file's directory. */
    journalPath: z.string().min(1, { error: "must be a file path" }),
    /**
     * "sqlite" (embedded, journalPath) or "postgres": a journal shared by redundant replicas, at
     * the URL in DAMM_JOURNAL_URL (environment only: it may carry a password), with a lease.
     */
    journalBackend: z.enum(["sqlite", "postgres"]).default("sqlite"),
    lease: leaseConfigSchema.default({ name: "damm-keeper", ttlMs: 15_000, renewMs: 5_000 }),
    /** This replica's id in the lease and the journal (default host:pid). */
    replicaId: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, { error: "must be 1-64 chars of [A-Za-z0-9_.:-]" }).optional(),
    /** 0 = pick a free port (tests). */
    metricsPort: z.number().int().min(0).max(65_535, { error: "must be a port 0-65535" }).default(9464),
    maxConsecutiveFailures: positiveInt.default(5),
    backoff: backoffConfigSchema.default({ baseMs: 1_000, capMs: 60_000 }),
    economics: economicsConfigSchema.default({ nativePriceQuote: 0, trackingValuePerBps: 0 }),
    /** Shrink a repeg that would cost more than min(budget, daily-cap headroom) to 99 % of it (core/hookPlanner). */
    fitToBudget: z.boolean().default(true),
    /** A fitted repeg moving the peg less than this (bps) is skipped, not sent; unfitted repegs are not affected. */
    minRepegBps: z.number().nonnegative({ error: "must be >= 0" }).max(10_000, { error: "must be <= 10000" }).default(DEFAULT_MIN_REPEG_BPS),
    /** A fitted repeg closing less than this fraction of the mark–oracle gap is skipped, not sent. */
    minFitFraction: z.number().min(0, { error: "must be >= 0" }).max(1, { error: "must be <= 1" }).default(DEFAULT_MIN_FIT_FRACTION),
    logLevel: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
    /** "pretty": human-readable coloured lines (pino-pretty) instead of JSON lines. */
    logFormat: z.enum(["json", "pretty"]).default("json"),
    /** Level of the one line every tick logs (its outcome): "info" shows quiet ticks at the default logLevel. */
    tickLogLevel: z.enum(["trace", "debug", "info"]).default("debug"),
    /** Consecutive ticks unable to act (stale oracle, cooldown, missing role, no new block) before /healthz says unhealthy. */
    unhealthyAfterTicks: positiveInt.default(5),
  })
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.markets.forEach((m, i) => {
      if (seen.has(m.name)) ctx.addIssue({ code: "custom", path: ["markets", i, "name"], message: `duplicate market name "${m.name}"` });
      seen.add(m.name);
    });
  });

export type KeeperFileConfig = z.infer<typeof keeperConfigSchema>;
export type MarketConfig = z.infer<typeof marketConfigSchema>;
export type GasConfig = z.infer<typeof gasConfigSchema>;
export type BackoffConfig = z.infer<typeof backoffConfigSchema>;
export type EconomicsConfig = z.infer<typeof economicsConfigSchema>;
export type LeaseConfig = z.infer<typeof leaseConfigSchema>;

/** The validated file plus what only the environment may supply. */
export interface KeeperConfig extends KeeperFileConfig {
  /** 0x-prefixed 32-byte hex; undefined only in dry-run with DAMM_KEEPER_ADDRESS. */
  readonly keeperKey?: string;
  /** Sender used for simulations (derived from the key, or DAMM_KEEPER_ADDRESS in dry-run). */
  readonly keeperAddress?: string;
  /** Absolute path of the file this came from. */
  readonly configPath: string;
  /** PostgreSQL URL of the shared journal (DAMM_JOURNAL_URL), when journalBackend is "postgres". */
  readonly journalUrl?: string;
}

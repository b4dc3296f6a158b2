/**
 * zod schemas for the two Drift v1 exports (data/drift/, see SOURCE.md). Integers are kept exact
 * as bigint (reserves reach 2e17, beyond float precision); conversion to natural units happens in
 * the dataset builder with the scales below.
 */
import { z } from "zod";

/** Fixed-point scales of the Drift v1 exports. */
export const DRIFT_SCALE = {
  peg: 1e3,
  reserve: 1e13,
  usdc: 1e6,
  price: 1e10,
} as const;

const INT_RE = /^-?\d+$/;
/** `2021-11-28 20:00:49-05:00`: event time with a UTC offset. */
const EVENT_TS_RE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}:\d{2}$/;
/** `2021-12-05 01:50:36.504518`: when the snapshot was taken (kept only as text). */
const SNAPSHOT_RE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$/;

type Sign = "any" | "positive" | "nonNegative";

function int(sign: Sign = "any") {
  return z.string().transform((s, ctx) => {
    if (!INT_RE.test(s)) {
      ctx.addIssue({ code: "custom", message: `expected an integer, got '${s}'` });
      return z.NEVER;
    }
    const v = BigInt(s);
    if (sign === "positive" && v <= 0n) {
      ctx.addIssue({ code: "custom", message: `must be > 0, got ${s}` });
      return z.NEVER;
    }
    if (sign === "nonNegative" && v < 0n) {
      ctx.addIssue({ code: "custom", message: `must be >= 0, got ${s}` });
      return z.NEVER;
    }
    return v;
  });
}

/** Event timestamp -> Unix seconds. */
const eventTime = z.string().transform((s, ctx) => {
  const ms = EVENT_TS_RE.test(s) ? Date.parse(s.replace(" ", "T")) : NaN;
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: "custom", message: `expected a timestamp like 2021-11-28 20:00:49-05:00, got '${s}'` });
    return z.NEVER;
  }
  return ms / 1000;
});

const snapshot = z.string().regex(SNAPSHOT_RE, { message: "expected a snapshot time like 2021-12-05 01:50:36.504518" });

const marketIndex = int("nonNegative").refine((v) => v < 64n, { message: "market_index out of range [0, 64)" });

export const CURVE_COLUMNS = [
  "", "ts", "record_id", "market_index",
  "peg_multiplier_before", "base_asset_reserve_before", "quote_asset_reserve_before", "sqrt_k_before",
  "peg_multiplier_after", "base_asset_reserve_after", "quote_asset_reserve_after", "sqrt_k_after",
  "base_asset_amount_long", "base_asset_amount_short", "base_asset_amount",
  "open_interest", "total_fee", "total_fee_minus_distributions", "adjustment_cost",
] as const;

export const curveRowSchema = z
  .object({
    "": snapshot,
    ts: eventTime,
    record_id: int("nonNegative"),
    market_index: marketIndex,
    peg_multiplier_before: int("positive"),
    base_asset_reserve_before: int("positive"),
    quote_asset_reserve_before: int("positive"),
    sqrt_k_before: int("positive"),
    peg_multiplier_after: int("positive"),
    base_asset_reserve_after: int("positive"),
    quote_asset_reserve_after: int("positive"),
    sqrt_k_after: int("positive"),
    base_asset_amount_long: int("nonNegative"),
    base_asset_amount_short: int("nonNegative"),
    base_asset_amount: int(),
    open_interest: int("nonNegative"),
    total_fee: int("nonNegative"),
    total_fee_minus_distributions: int(),
    adjustment_cost: int(),
  })
  .superRefine((r, ctx) => {
    // The export stores short size as a magnitude; net must equal long − short.
    if (r.base_asset_amount_long - r.base_asset_amount_short !== r.base_asset_amount) {
      ctx.addIssue({
        code: "custom",
        path: ["base_asset_amount"],
        message: "base_asset_amount != base_asset_amount_long − base_asset_amount_short",
      });
    }
  })
  .transform((r) => ({
    time: r.ts,
    recordId: Number(r.record_id),
    market: Number(r.market_index),
    pegBefore: r.peg_multiplier_before,
    pegAfter: r.peg_multiplier_after,
    baseReserveBefore: r.base_asset_reserve_before,
    quoteReserveBefore: r.quote_asset_reserve_before,
    sqrtKBefore: r.sqrt_k_before,
    sqrtKAfter: r.sqrt_k_after,
    baseLong: r.base_asset_amount_long,
    baseShort: r.base_asset_amount_short,
    baseNet: r.base_asset_amount,
    openInterestUsers: Number(r.open_interest),
    totalFee: r.total_fee,
    feePool: r.total_fee_minus_distributions,
    adjustmentCost: r.adjustment_cost,
  }));

export type CurveRow = z.output<typeof curveRowSchema>;

export const FUNDING_COLUMNS = [
  "", "ts", "record_id", "market_index", "funding_rate",
  "cumulative_funding_rate_long", "cumulative_funding_rate_short", "oracle_price_twap", "mark_price_twap",
] as const;

export const fundingRowSchema = z
  .object({
    "": snapshot,
    ts: eventTime,
    record_id: int("nonNegative"),
    market_index: marketIndex,
    funding_rate: int(),
    cumulative_funding_rate_long: int(),
    cumulative_funding_rate_short: int(),
    oracle_price_twap: int("positive"),
    mark_price_twap: int("positive"),
  })
  .transform((r) => ({
    time: r.ts,
    recordId: Number(r.record_id),
    market: Number(r.market_index),
    fundingRate: Number(r.funding_rate) / DRIFT_SCALE.price,
    oracleTwap: Number(r.oracle_price_twap) / DRIFT_SCALE.price,
    markTwap: Number(r.mark_price_twap) / DRIFT_SCALE.price,
  }));

export type FundingRow = z.output<typeof fundingRowSchema>;

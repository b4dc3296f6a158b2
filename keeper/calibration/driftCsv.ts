/**
 * Loaders for Drift v1's published history (data/drift/, README there): the curve history (every
 * repeg / k change with the fee totals) and the hourly funding history (mark and oracle TWAPs).
 * Fixed-point columns are converted to natural units. A row that cannot be used is never dropped
 * silently: it is returned in `rejected` with its 1-based line number and the reason.
 */
import fs from "node:fs";

export interface RejectedLine {
  readonly line: number;
  readonly reason: string;
}

/** Drift v1 fixed point (data/drift/README): peg ×1e3, reserves and sqrt_k ×1e13, USDC ×1e6, prices ×1e10. */
const PEG = 1e3;
const AMM = 1e13;
const USDC = 1e6;
const PRICE = 1e10;

export const DRIFT_MARKETS = ["SOL", "BTC", "ETH", "LUNA", "AVAX", "BNB", "MATIC", "ATOM"] as const;

export interface CurveRecord {
  readonly line: number;
  readonly recordId: number;
  readonly market: number;
  /** Unix seconds of the change. */
  readonly time: number;
  /** Mark just before and just after the change (quote per base). */
  readonly markBefore: number;
  readonly markAfter: number;
  readonly sqrtKBefore: number;
  readonly sqrtKAfter: number;
  /** Cumulative taker fees of the market (USDC). */
  readonly totalFee: number;
  readonly netBase: number;
}

function splitCsv(text: string, file: string): { header: string[]; rows: { line: number; cells: string[] }[] } {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  if (lines.length < 2) throw new Error(`${file}: no data rows`);
  const header = lines[0].split(",").map((c) => c.trim());
  const rows: { line: number; cells: string[] }[] = [];
  for (let i = 1; i < lines.length; i++) if (lines[i].trim() !== "") rows.push({ line: i + 1, cells: lines[i].split(",") });
  return { header, rows };
}

function columns(header: string[], file: string, wanted: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const w of wanted) {
    const j = header.indexOf(w);
    if (j < 0) throw new Error(`${file}: line 1: missing column "${w}"`);
    out[w] = j;
  }
  return out;
}

/** "2021-11-28 20:00:49-05:00" → Unix seconds; NaN when unreadable. */
export function parseDriftTime(cell: string): number {
  const iso = cell.trim().replace(" ", "T");
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
  return Number.isFinite(ms) ? ms / 1000 : Number.NaN;
}

const CURVE_COLS = [
  "ts",
  "record_id",
  "market_index",
  "peg_multiplier_before",
  "base_asset_reserve_before",
  "quote_asset_reserve_before",
  "sqrt_k_before",
  "peg_multiplier_after",
  "base_asset_reserve_after",
  "quote_asset_reserve_after",
  "sqrt_k_after",
  "base_asset_amount",
  "total_fee",
] as const;

export function parseCurveHistory(text: string, file: string): { records: CurveRecord[]; rejected: RejectedLine[] } {
  const { header, rows } = splitCsv(text, file);
  const c = columns(header, file, CURVE_COLS);
  const records: CurveRecord[] = [];
  const rejected: RejectedLine[] = [];
  const seen = new Map<number, number>();
  for (const { line, cells } of rows) {
    if (cells.length !== header.length) {
      rejected.push({ line, reason: `expected ${header.length} fields, found ${cells.length}` });
      continue;
    }
    const num = (k: (typeof CURVE_COLS)[number]) => Number(cells[c[k]]);
    const bad = CURVE_COLS.filter((k) => k !== "ts").find((k) => !Number.isFinite(num(k)));
    if (bad) {
      rejected.push({ line, reason: `field ${bad}: unreadable number "${cells[c[bad]]}"` });
      continue;
    }
    const time = parseDriftTime(cells[c.ts]);
    if (!Number.isFinite(time)) {
      rejected.push({ line, reason: `field ts: unreadable time "${cells[c.ts]}"` });
      continue;
    }
    const recordId = num("record_id");
    const first = seen.get(recordId);
    if (first !== undefined) {
      rejected.push({ line, reason: `duplicate record_id ${recordId} (first at line ${first})` });
      continue;
    }
    seen.set(recordId, line);
    const mark = (q: number, b: number, p: number) => (q / b) * (p / PEG);
    const markBefore = mark(num("quote_asset_reserve_before"), num("base_asset_reserve_before"), num("peg_multiplier_before"));
    const markAfter = mark(num("quote_asset_reserve_after"), num("base_asset_reserve_after"), num("peg_multiplier_after"));
    if (!(markBefore > 0 && markAfter > 0 && num("sqrt_k_after") > 0)) {
      rejected.push({ line, reason: "non-positive reserves, peg or sqrt_k" });
      continue;
    }
    records.push({
      line,
      recordId,
      market: num("market_index"),
      time,
      markBefore,
      markAfter,
      sqrtKBefore: num("sqrt_k_before") / AMM,
      sqrtKAfter: num("sqrt_k_after") / AMM,
      totalFee: num("total_fee") / USDC,
      netBase: num("base_asset_amount") / AMM,
    });
  }
  return { records, rejected };
}

export function loadCurveHistory(file: string): { records: CurveRecord[]; rejected: RejectedLine[] } {
  if (!fs.existsSync(file)) throw new Error(`curve history not found: ${file}`);
  return parseCurveHistory(fs.readFileSync(file, "utf8"), file);
}

export interface FundingRow {
  readonly line: number;
  readonly market: number;
  readonly time: number;
  readonly oracleTwap: number;
  readonly markTwap: number;
}

const FUNDING_COLS = ["ts", "market_index", "oracle_price_twap", "mark_price_twap"] as const;

export function parseFundingHistory(text: string, file: string): { rows: FundingRow[]; rejected: RejectedLine[] } {
  const { header, rows } = splitCsv(text, file);
  const c = columns(header, file, FUNDING_COLS);
  const out: FundingRow[] = [];
  const rejected: RejectedLine[] = [];
  for (const { line, cells } of rows) {
    if (cells.length !== header.length) {
      rejected.push({ line, reason: `expected ${header.length} fields, found ${cells.length}` });
      continue;
    }
    const time = parseDriftTime(cells[c.ts]);
    const oracleTwap = Number(cells[c.oracle_price_twap]) / PRICE;
    const markTwap = Number(cells[c.mark_price_twap]) / PRICE;
    const market = Number(cells[c.market_index]);
    if (!Number.isFinite(time)) rejected.push({ line, reason: `field ts: unreadable time "${cells[c.ts]}"` });
    else if (!(oracleTwap > 0)) rejected.push({ line, reason: `field oracle_price_twap: non-positive or unreadable "${cells[c.oracle_price_twap]}"` });
    else if (!(markTwap > 0)) rejected.push({ line, reason: `field mark_price_twap: non-positive or unreadable "${cells[c.mark_price_twap]}"` });
    else if (!Number.isInteger(market)) rejected.push({ line, reason: `field market_index: not an integer "${cells[c.market_index]}"` });
    else out.push({ line, market, time, oracleTwap, markTwap });
  }
  return { rows: out, rejected };
}

export function loadFundingHistory(file: string): { rows: FundingRow[]; rejected: RejectedLine[] } {
  if (!fs.existsSync(file)) throw new Error(`funding history not found: ${file}`);
  return parseFundingHistory(fs.readFileSync(file, "utf8"), file);
}

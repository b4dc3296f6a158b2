/**
 * Loader for real price CSVs (data/prices/). Copes with the quirks listed in data/README.md —
 * banner lines before the header, newest-first order, Unix timestamps mixing ms and s, ISO
 * timestamps, gaps, zero prices — and reports every rejected row with its 1-based line number:
 * a bad row is never silently used.
 */
import fs from "node:fs";
import path from "node:path";

export interface RejectedRow {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly reason: string;
  readonly text: string;
}

export interface Gap {
  /** Line of the row after the gap. */
  readonly line: number;
  readonly fromTime: number;
  readonly toTime: number;
  readonly seconds: number;
}

export interface PriceSeries {
  readonly file: string;
  /** Unix seconds, ascending. */
  readonly times: Float64Array;
  readonly prices: Float64Array;
  /** Line numbers (1-based) of the accepted rows, aligned with times. */
  readonly lines: Int32Array;
  readonly rejected: readonly RejectedRow[];
  readonly gaps: readonly Gap[];
  /** Lines before the header (e.g. a "Created on ..." banner). */
  readonly banner: readonly string[];
  readonly order: "oldest-first" | "newest-first";
  readonly medianIntervalSec: number;
}

export interface LoadPriceCsvOptions {
  /** Price column, case-insensitive; default "close". */
  readonly priceColumn?: string;
  /** Time column, case-insensitive; default the first of TIME_COLUMNS present. */
  readonly timeColumn?: string;
  /** Throw when any row is rejected (listing them) instead of reporting. */
  readonly strict?: boolean;
}

const TIME_COLUMNS = ["unix timestamp", "unix", "timestamp", "time", "date"];
const OHLC = ["open", "high", "low", "close"];

/** Seconds since the epoch from a numeric (s or ms) or ISO-8601 cell; NaN when unreadable. */
export function parseTimestamp(cell: string): number {
  const t = cell.trim();
  if (/^\d+(\.\d+)?$/.test(t)) {
    const v = Number(t);
    // Unix seconds stay below 1e11 until the year 5138; larger values are milliseconds.
    return v >= 1e11 ? v / 1000 : v;
  }
  const iso = t.includes("T") ? t : t.replace(" ", "T");
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
  return Number.isFinite(ms) ? ms / 1000 : Number.NaN;
}

export function parsePriceCsv(text: string, file: string, opts: LoadPriceCsvOptions = {}): PriceSeries {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === "") lines.pop();
  const wanted = (opts.priceColumn ?? "close").toLowerCase();
  let headerIdx = -1;
  let timeCol = -1;
  let priceCol = -1;
  let header: string[] = [];
  for (let i = 0; i < lines.length && headerIdx < 0; i++) {
    const cols = lines[i].split(",").map((c) => c.trim().toLowerCase());
    const pc = cols.indexOf(wanted);
    const tc = opts.timeColumn !== undefined ? cols.indexOf(opts.timeColumn.toLowerCase()) : (TIME_COLUMNS.map((n) => cols.indexOf(n)).find((j) => j >= 0) ?? -1);
    if (pc >= 0 && tc >= 0) {
      headerIdx = i;
      timeCol = tc;
      priceCol = pc;
      header = cols;
    }
  }
  const timeWanted = opts.timeColumn !== undefined ? `"${opts.timeColumn}"` : `(${TIME_COLUMNS.join("/")})`;
  if (headerIdx < 0) throw new Error(`${file}: no header line with a time column ${timeWanted} and a "${wanted}" column`);
  const ohlcCols = OHLC.map((n) => header.indexOf(n)).filter((j) => j >= 0);
  const rejected: RejectedRow[] = [];
  const rows: { t: number; p: number; line: number }[] = [];
  const seen = new Map<number, number>();
  for (let i = headerIdx + 1; i < lines.length; i++) {
    const line = i + 1;
    const raw = lines[i];
    const cells = raw.split(",");
    const reject = (reason: string) => rejected.push({ line, reason, text: raw });
    if (raw.trim() === "") {
      reject("blank line");
      continue;
    }
    if (cells.length !== header.length) {
      reject(`expected ${header.length} fields, found ${cells.length}`);
      continue;
    }
    const t = parseTimestamp(cells[timeCol]);
    if (!Number.isFinite(t)) {
      reject(`unreadable timestamp in ${header[timeCol]} "${cells[timeCol]}"`);
      continue;
    }
    const bad = ohlcCols.find((j) => !(Number(cells[j]) > 0));
    if (bad !== undefined) {
      reject(`non-positive or unreadable ${header[bad]} "${cells[bad].trim()}"`);
      continue;
    }
    const p = Number(cells[priceCol]);
    if (!(p > 0)) {
      reject(`non-positive or unreadable ${wanted} "${cells[priceCol].trim()}"`);
      continue;
    }
    const dup = seen.get(t);
    if (dup !== undefined) {
      reject(`duplicate timestamp ${t} (first at line ${dup})`);
      continue;
    }
    seen.set(t, line);
    rows.push({ t, p, line });
  }
  if (opts.strict && rejected.length > 0) {
    throw new Error(`${file}: ${rejected.length} bad row(s): ${rejected.map((r) => `line ${r.line}: ${r.reason}`).join("; ")}`);
  }
  if (rows.length < 2) throw new Error(`${file}: fewer than 2 usable rows`);
  const order = rows[0].t > rows[rows.length - 1].t ? "newest-first" : "oldest-first";
  rows.sort((a, b) => a.t - b.t);
  const n = rows.length;
  const times = new Float64Array(n);
  const prices = new Float64Array(n);
  const lineNos = new Int32Array(n);
  const intervals: number[] = [];
  for (let i = 0; i < n; i++) {
    times[i] = rows[i].t;
    prices[i] = rows[i].p;
    lineNos[i] = rows[i].line;
    if (i > 0) intervals.push(rows[i].t - rows[i - 1].t);
  }
  const sorted = [...intervals].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const gaps: Gap[] = [];
  for (let i = 1; i < n; i++) {
    const dt = times[i] - times[i - 1];
    if (dt > 1.5 * median) gaps.push({ line: lineNos[i], fromTime: times[i - 1], toTime: times[i], seconds: dt });
  }
  return { file, times, prices, lines: lineNos, rejected, gaps, banner: lines.slice(0, headerIdx), order, medianIntervalSec: median };
}

const cache = new Map<string, PriceSeries>();

/** Reads and parses a CSV (cached per absolute path and column; the series is read-only). */
export function loadPriceCsv(file: string, opts: LoadPriceCsvOptions = {}): PriceSeries {
  const abs = path.resolve(file);
  const key = `${abs}|${(opts.priceColumn ?? "close").toLowerCase()}|${(opts.timeColumn ?? "").toLowerCase()}|${opts.strict ? 1 : 0}`;
  const hit = cache.get(key);
  if (hit) return hit;
  if (!fs.existsSync(abs)) throw new Error(`price CSV not found: ${abs}`);
  const series = parsePriceCsv(fs.readFileSync(abs, "utf8"), abs, opts);
  cache.set(key, series);
  return series;
}

/** Price in force at time t (last row at or before t; step-hold across gaps). */
export function priceAt(series: PriceSeries, t: number, hint = 0): { price: number; index: number } {
  const { times, prices } = series;
  let i = hint;
  if (i < 0 || i >= times.length || times[i] > t) {
    let lo = 0;
    let hi = times.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (times[mid] <= t) lo = mid;
      else hi = mid - 1;
    }
    i = lo;
  } else {
    while (i + 1 < times.length && times[i + 1] <= t) i++;
  }
  return { price: prices[i], index: i };
}

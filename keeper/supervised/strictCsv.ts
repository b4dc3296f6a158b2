/**
 * Strict CSV reading: the header must match exactly, every data row is validated by a zod schema,
 * and any row that fails is reported with its 1-based line number and the reason and is never
 * returned. Rows that repeat a key are de-duplicated (exact repeats counted, conflicting repeats
 * rejected). Only plain comma-separated files are accepted (no quoting), which is what the Drift
 * exports are; a quote character is a reason to reject the row rather than guess.
 */
import fs from "node:fs";
import type { z } from "zod";

export interface RejectedRow {
  readonly line: number;
  readonly reason: string;
}

export interface StrictCsvResult<T> {
  readonly file: string;
  /** Accepted rows in file order, each with the line it came from. */
  readonly rows: ReadonlyArray<{ readonly line: number; readonly value: T }>;
  readonly rejected: readonly RejectedRow[];
  /** Exact repeats of an earlier row's key and values that were dropped. */
  readonly duplicates: number;
  readonly duplicateLines: readonly number[];
}

export interface StrictCsvOptions<T> {
  /** Exact header, in order. */
  readonly columns: readonly string[];
  readonly rowSchema: z.ZodType<T>;
  /** De-duplication key of a parsed row. */
  readonly keyOf: (row: T) => string;
  /** Columns ignored when deciding whether a repeated key is an exact repeat (e.g. snapshot time). */
  readonly ignoreForDuplicates?: readonly string[];
}

export function readStrictCsv<T>(file: string, opts: StrictCsvOptions<T>): StrictCsvResult<T> {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new Error(`${file}: cannot read CSV: ${(e as Error).message}`);
  }
  return parseStrictCsv(text, file, opts);
}

export function parseStrictCsv<T>(text: string, file: string, opts: StrictCsvOptions<T>): StrictCsvResult<T> {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  if (lines.length === 0) throw new Error(`${file}: empty CSV (no header)`);
  checkHeader(file, lines[0].split(","), opts.columns);

  const ignored = new Set((opts.ignoreForDuplicates ?? []).map((c) => opts.columns.indexOf(c)));
  const seen = new Map<string, { line: number; signature: string }>();
  const rows: Array<{ line: number; value: T }> = [];
  const rejected: RejectedRow[] = [];
  const duplicateLines: number[] = [];

  for (let i = 1; i < lines.length; i++) {
    const line = i + 1;
    const raw = lines[i];
    if (raw.trim() === "") {
      rejected.push({ line, reason: "blank line" });
      continue;
    }
    if (raw.includes('"')) {
      rejected.push({ line, reason: "quoted fields are not supported" });
      continue;
    }
    const fields = raw.split(",");
    if (fields.length !== opts.columns.length) {
      rejected.push({ line, reason: `expected ${opts.columns.length} fields, found ${fields.length}` });
      continue;
    }
    const record: Record<string, string> = {};
    opts.columns.forEach((c, j) => (record[c] = fields[j]));
    const parsed = opts.rowSchema.safeParse(record);
    if (!parsed.success) {
      const reason = parsed.error.issues
        .map((iss) => `${iss.path.length ? `${String(iss.path.join("."))}: ` : ""}${iss.message}`)
        .join("; ");
      rejected.push({ line, reason });
      continue;
    }
    const key = opts.keyOf(parsed.data);
    const signature = fields.filter((_, j) => !ignored.has(j)).join(",");
    const first = seen.get(key);
    if (first) {
      if (first.signature === signature) {
        duplicateLines.push(line);
      } else {
        rejected.push({ line, reason: `key ${key} already seen on line ${first.line} with different values` });
      }
      continue;
    }
    seen.set(key, { line, signature });
    rows.push({ line, value: parsed.data });
  }
  return { file, rows, rejected, duplicates: duplicateLines.length, duplicateLines };
}

function checkHeader(file: string, got: readonly string[], want: readonly string[]): void {
  const same = got.length === want.length && got.every((c, i) => c.trim() === want[i]);
  if (!same) {
    throw new Error(`${file}: line 1: header does not match; expected [${want.join(",")}], found [${got.join(",")}]`);
  }
}

/** One line per rejected row, for logs and CLI output. */
export function describeRejections(result: StrictCsvResult<unknown>, max = 20): string {
  const head = result.rejected.slice(0, max).map((r) => `  ${result.file}:${r.line}: ${r.reason}`);
  const more = result.rejected.length > max ? [`  ... and ${result.rejected.length - max} more`] : [];
  return [...head, ...more].join("\n");
}

/**
 * Revert data hides at different depths depending on who threw: ethers v6 CallExceptionError
 * (`data`), a JSON-RPC error wrapped in `info.error` / `error`, Hardhat's in-process provider
 * (`data` as a string or `{ data }`). Search the usual places, breadth first, bounded.
 */
export function findRevertData(err: unknown): string | undefined {
  const queue: unknown[] = [err];
  const seen = new Set<unknown>();
  for (let steps = 0; queue.length > 0 && steps < 50; steps++) {
    const e = queue.shift();
    if (e === null || typeof e !== "object" || seen.has(e)) continue;
    seen.add(e);
    const o = e as Record<string, unknown>;
    const data = o.data;
    if (typeof data === "string" && /^0x[0-9a-fA-F]{8,}$/.test(data)) return data;
    if (data !== null && typeof data === "object") queue.push(data);
    for (const k of ["error", "info", "cause", "revert", "payload", "receipt"]) if (k in o) queue.push(o[k]);
  }
  return undefined;
}

/** The ethers v6 error code or Node errno code, wherever it sits. */
export function findErrorCodes(err: unknown): string[] {
  const out: string[] = [];
  const queue: unknown[] = [err];
  const seen = new Set<unknown>();
  for (let steps = 0; queue.length > 0 && steps < 50; steps++) {
    const e = queue.shift();
    if (e === null || typeof e !== "object" || seen.has(e)) continue;
    seen.add(e);
    const o = e as Record<string, unknown>;
    if (typeof o.code === "string" || typeof o.code === "number") out.push(String(o.code));
    for (const k of ["error", "info", "cause"]) if (k in o) queue.push(o[k]);
  }
  return out;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    const short = (err as { shortMessage?: unknown }).shortMessage;
    return typeof short === "string" ? short : err.message;
  }
  const m = (err as { message?: unknown } | null)?.message; // a JSON-RPC error object
  return typeof m === "string" ? m : String(err);
}

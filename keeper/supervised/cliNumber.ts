/** A numeric command-line option of the supervised CLIs, or an error naming the flag and its value. */
export function cliNumber(name: string, v: string, int = false): number {
  const n = Number(v);
  if (!Number.isFinite(n) || (int && !Number.isInteger(n))) throw new Error(`--${name} must be a${int ? "n integer" : " number"}, got '${v}'`);
  return n;
}

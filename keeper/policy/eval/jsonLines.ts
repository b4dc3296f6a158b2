/**
 * Where things are in a JSON text, for error messages a user can act on: the 1-based line of every
 * value by its path (`traders.informed.capital`), and the line/column of a syntax error.
 */

/** Line (1-based) of the value at each path; the root is "". Throws nothing: a text JSON.parse rejects gives an empty map. */
export function jsonValueLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let i = 0;
  let line = 1;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) {
      if (text[i] === "\n") line++;
      i++;
    }
  };
  const str = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: string): void => {
    ws();
    lines.set(path, line);
    const c = text[i];
    const join = (k: string) => (path === "" ? k : `${path}.${k}`);
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        ws();
        const key = str();
        const keyLine = line;
        ws();
        i++; // ':'
        value(join(key));
        // A missing or misspelt field is reported at its key's line.
        if (!lines.has(join(key))) lines.set(join(key), keyLine);
        ws();
        if (text[i++] === "}") return;
      }
    }
    if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (let k = 0; ; k++) {
        value(join(String(k)));
        ws();
        if (text[i++] === "]") return;
      }
    }
    if (c === '"') {
      str();
      return;
    }
    while (i < text.length && !/[\s,}\]]/.test(text[i])) i++;
  };
  try {
    JSON.parse(text);
    value("");
  } catch {
    lines.clear();
  }
  return lines;
}

/** Line of the closest enclosing value of `path` that is in the map (the object that lacks a field). */
export function lineOfPath(lines: Map<string, number>, path: readonly (string | number)[]): number {
  for (let n = path.length; n >= 0; n--) {
    const hit = lines.get(path.slice(0, n).join("."));
    if (hit !== undefined) return hit;
  }
  return 1;
}

/** "line L, column C" of a JSON.parse error, from its "position N" (Node ≥ 20), else null. */
export function syntaxErrorPlace(text: string, message: string): { line: number; column: number } | null {
  const m = /position (\d+)/.exec(message);
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) return { line: Number(lc[1]), column: Number(lc[2]) };
  if (!m) return null;
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split("\n").length;
  return { line, column: pos - before.lastIndexOf("\n") };
}

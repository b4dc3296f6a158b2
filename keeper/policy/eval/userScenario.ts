/**
 * A user's scenario file for `evaluate --scenarios FILE|DIR`: the same schema as the project's
 * scenarios, with errors a user can act on — file, line and field — and a replay CSV that may be
 * the user's own (path relative to the scenario file; time and price columns named in the
 * scenario; any bad row rejects the file unless the scenario says `"badRows": "skip"`).
 */
import fs from "node:fs";
import path from "node:path";
import { scenarioSchema, parseScenario, type Scenario } from "../../sim/scenario";
import { loadPriceCsv } from "../../sim/oracle/priceCsv";
import { jsonValueLines, lineOfPath, syntaxErrorPlace } from "./jsonLines";

export class ScenarioFileError extends Error {}

export function loadUserScenario(file: string, projectRoot: string): Scenario {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(abs, "utf8");
  } catch (e) {
    throw new ScenarioFileError(`scenario ${abs}: cannot read (${(e as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const at = syntaxErrorPlace(text, msg);
    throw new ScenarioFileError(`scenario ${abs}${at ? `: line ${at.line}, column ${at.column}` : ""}: not valid JSON (${msg})`);
  }
  const r = scenarioSchema.safeParse(raw);
  if (!r.success) {
    const lines = jsonValueLines(text);
    const at = (p: (string | number)[], message: string) => `${abs}: line ${lineOfPath(lines, p)}: field ${p.length ? p.join(".") : "(root)"}: ${message}`;
    const msgs = r.error.issues.flatMap((i) => {
      const p = i.path as (string | number)[];
      // A misspelt or extra field is reported at its own line, by its own name.
      if (i.code === "unrecognized_keys") return i.keys.map((k) => at([...p, k], `unknown field (${i.message})`));
      return [at(p, i.message)];
    });
    throw new ScenarioFileError(`scenario ${msgs.join("\n")}`);
  }
  let sc = parseScenario(raw, abs);
  if (sc.oracle.kind === "replay") {
    const o = sc.oracle;
    const lines = jsonValueLines(text);
    const besideFile = path.resolve(path.dirname(abs), o.file);
    const csv = path.isAbsolute(o.file) ? o.file : fs.existsSync(besideFile) ? besideFile : path.resolve(projectRoot, o.file);
    if (!fs.existsSync(csv)) throw new ScenarioFileError(`scenario ${abs}: line ${lineOfPath(lines, ["oracle", "file"])}: field oracle.file: no such file ${o.file} (looked in ${path.dirname(abs)} and ${projectRoot})`);
    const rawOracle = (raw as { oracle?: Record<string, unknown> }).oracle ?? {};
    const badRows = rawOracle.badRows === undefined ? "reject" : o.badRows;
    try {
      loadPriceCsv(csv, { priceColumn: o.priceColumn, timeColumn: o.timeColumn, strict: badRows === "reject" });
    } catch (e) {
      throw new ScenarioFileError(`scenario ${abs}: oracle.file: ${(e as Error).message}`);
    }
    sc = { ...sc, oracle: { ...o, file: csv, badRows } };
  }
  return sc;
}

/** Every *.json under a directory (not recursive), sorted; an empty directory is an error. */
export function loadUserScenarioDir(dir: string, projectRoot: string): Scenario[] {
  const abs = path.resolve(dir);
  const files = fs.readdirSync(abs).filter((f) => f.endsWith(".json")).sort();
  if (files.length === 0) throw new ScenarioFileError(`scenario directory ${abs}: no *.json scenario files`);
  const out = files.map((f) => loadUserScenario(path.join(abs, f), projectRoot));
  const seen = new Map<string, string>();
  files.forEach((f, i) => {
    const prev = seen.get(out[i].name);
    if (prev) throw new ScenarioFileError(`scenario ${path.join(abs, f)}: name "${out[i].name}" is also used by ${prev}`);
    seen.set(out[i].name, path.join(abs, f));
  });
  return out;
}

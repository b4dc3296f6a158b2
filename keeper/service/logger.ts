import pino, { type Logger, type DestinationStream } from "pino";

export type { Logger } from "pino";

/**
 * The keeper's root logger: JSON lines with `service` on every record. Jobs derive children
 * with `market`, and per-tick children add `block`, so every line says where it came from.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, base: { service: "damm-keeper" }, timestamp: pino.stdTimeFunctions.isoTime };
  return destination ? pino(options, destination) : pino(options);
}

/** A logger that drops everything (tests, library use). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}

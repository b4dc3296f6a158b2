import pino, { type Logger, type DestinationStream } from "pino";
import pretty from "pino-pretty";

export type { Logger } from "pino";

/**
 * The keeper's root logger: JSON lines with `service` on every record. Jobs derive children
 * with `market`, and per-tick children add `block`, so every line says where it came from.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, base: { service: "damm-keeper" }, timestamp: pino.stdTimeFunctions.isoTime };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * The root logger in the config's `logFormat`: JSON lines (for machines), or pino-pretty's
 * one coloured line per record with its fields (for a human at a terminal), written synchronously
 * in-process (no transport worker thread).
 */
export function createFormattedLogger(level: string, format: "json" | "pretty", destination?: DestinationStream): Logger {
  if (format === "json") return createLogger(level, destination);
  const stream = pretty({
    colorize: destination === undefined && process.stdout.isTTY === true,
    translateTime: "SYS:HH:MM:ss.l",
    ignore: "pid,hostname,service,market",
    singleLine: true,
    messageFormat: "{if market}[{market}] {end}{msg}",
    sync: true,
    ...(destination ? { destination: destination as unknown as NodeJS.WritableStream } : {}),
  });
  return createLogger(level, stream);
}

/** A logger that drops everything (tests, library use). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}

/**
 * Exploration (ε) and learning-rate (α) schedules. ε decays per episode; α is per update, either
 * from the (state, action) visit count (1/n^ω, which satisfies Robbins–Monro for ω ∈ (0.5, 1]) or
 * exponential per episode.
 */
import { z } from "zod";

export const EpsilonScheduleSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("constant"), value: z.number().min(0).max(1) }).strict(),
  z
    .object({
      kind: z.literal("exponential"),
      start: z.number().min(0).max(1),
      end: z.number().min(0).max(1),
      /** Multiplier per episode in (0, 1]. */
      decay: z.number().gt(0).lte(1),
    })
    .strict(),
  z
    .object({
      kind: z.literal("linear"),
      start: z.number().min(0).max(1),
      end: z.number().min(0).max(1),
      /** Episodes to go from start to end. */
      episodes: z.number().int().positive(),
    })
    .strict(),
]);

export const LearningRateScheduleSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("constant"), value: z.number().gt(0).lte(1) }).strict(),
  /** α = max(min, 1 / visits^omega), visits counted per (state, action) including this update. */
  z.object({ kind: z.literal("visits"), omega: z.number().gt(0).lte(1), min: z.number().min(0).lte(1) }).strict(),
  z
    .object({ kind: z.literal("exponential"), start: z.number().gt(0).lte(1), end: z.number().gt(0).lte(1), decay: z.number().gt(0).lte(1) })
    .strict(),
]);

export type EpsilonSchedule = z.infer<typeof EpsilonScheduleSchema>;
export type LearningRateSchedule = z.infer<typeof LearningRateScheduleSchema>;

export function epsilonAt(s: EpsilonSchedule, episode: number): number {
  switch (s.kind) {
    case "constant":
      return s.value;
    case "exponential":
      return Math.max(s.end, s.start * Math.pow(s.decay, episode));
    case "linear": {
      const t = Math.min(1, episode / s.episodes);
      return s.start + (s.end - s.start) * t;
    }
  }
}

/** @param visits visit count of the (state, action) being updated, this update included (≥ 1). */
export function learningRateAt(s: LearningRateSchedule, episode: number, visits: number): number {
  switch (s.kind) {
    case "constant":
      return s.value;
    case "visits":
      return Math.max(s.min, 1 / Math.pow(Math.max(1, visits), s.omega));
    case "exponential":
      return Math.max(s.end, s.start * Math.pow(s.decay, episode));
  }
}

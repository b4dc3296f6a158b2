import { deriveSeed as deriveCoreSeed } from "../core/rng";

/**
 * Seeded RNG for the simulator: sfc32 (32-bit state words, passes PractRand to 2^60) seeded
 * through splitmix32, with normals by the Marsaglia polar method. Pure 32-bit integer arithmetic
 * and IEEE doubles only, so a run is reproducible bit for bit on any platform.
 */
export class SimRng {
  /** sfc32 state a, b, c, d (a typed array keeps every access monomorphic and unboxed). */
  private readonly st = new Int32Array(4);
  private spare = 0;
  private hasSpare = false;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`rng seed must be a finite number, got ${seed}`);
    let s = (Math.floor(seed) ^ 0x2545f491) >>> 0;
    const split = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.st[0] = split();
    this.st[1] = split();
    this.st[2] = split();
    this.st[3] = split();
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  nextU32(): number {
    const st = this.st;
    const a = st[0];
    const b = st[1];
    let c = st[2];
    const d = st[3];
    const t = (((a + b) | 0) + d) | 0;
    st[3] = (d + 1) | 0;
    st[0] = b ^ (b >>> 9);
    st[1] = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    st[2] = (c + t) | 0;
    return t >>> 0;
  }

  /**
   * Fills `out` with uniforms in [0, 1): the same sequence as calling next() out.length times,
   * generated in one tight loop (the fast path reads uniforms from such a buffer, so no double is
   * ever boxed on a call boundary).
   */
  fillUniform(out: Float64Array): void {
    const st = this.st;
    // State is written back every iteration: a loop epilogue would only ever run in on-stack-
    // replaced code without type feedback, and V8 would deoptimise there on every call.
    for (let i = 0; i < out.length; i++) {
      const a = st[0];
      const b = st[1];
      const c = st[2];
      const d = st[3];
      const t = (((a + b) | 0) + d) | 0;
      st[3] = (d + 1) | 0;
      st[0] = b ^ (b >>> 9);
      st[1] = (c + (c << 3)) | 0;
      st[2] = (((c << 21) | (c >>> 11)) + t) | 0;
      out[i] = (t >>> 0) / 4294967296;
    }
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform in (0, 1]: safe under log. */
  nextOpen(): number {
    return (this.nextU32() + 1) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Marsaglia polar; the spare is cached, so calls alternate cheap/expensive). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      u = this.next() * 2 - 1;
      v = this.next() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * m;
    this.hasSpare = true;
    return u * m;
  }

  /** Exponential with the given rate (mean 1/rate). */
  exponential(rate: number): number {
    return -Math.log(this.nextOpen()) / rate;
  }

  /** Lognormal with the given median and log-sd. */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Full state, for checkpoints and reproducibility checks. */
  state(): [number, number, number, number, number, boolean] {
    return [this.st[0], this.st[1], this.st[2], this.st[3], this.spare, this.hasSpare];
  }
}

/** Independent sub-stream seed (e.g. oracle path vs traders of the same run): the shared mixer, streams offset by one. */
export function deriveSeed(seed: number, stream: number): number {
  return deriveCoreSeed(seed, (stream + 1) | 0);
}

import { type BytesLike, Signature, SigningKey, assertArgument, dataLength, getBytes, hexlify } from "ethers";

/** The part of the `secp256k1` package's libsecp256k1 binding used here. */
interface NativeSecp256k1 {
  ecdsaSign(msg32: Uint8Array, seckey: Uint8Array): { signature: Uint8Array; recid: number };
}

/**
 * The libsecp256k1 binding, or undefined when its native addon does not load (no prebuild for the
 * platform): `secp256k1/bindings` only, never the package's pure-JS fallback, which is slower than
 * ethers' own signer.
 */
function loadNative(): NativeSecp256k1 | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("secp256k1/bindings") as NativeSecp256k1;
  } catch {
    return undefined;
  }
}

const native = loadNative();

/**
 * ethers' SigningKey with `sign` done by libsecp256k1 (≈ 0.08 ms instead of ≈ 0.5–0.7 ms, with
 * fewer multi-ms outliers from the pure-JS big-integer and HMAC-DRBG work and its garbage).
 * The signature is the same bytes: both derive the nonce by RFC 6979 (HMAC-SHA256, no extra
 * entropy) and return the low-S form, so only the speed differs (checked by a property test).
 * Except for digests ≥ the group order: the bundled libsecp256k1 seeds the nonce with the digest
 * as is where RFC 6979 (and ethers) take it mod N, so those (≈ 2⁻¹²⁸ of keccak outputs) go
 * through ethers.
 */
export class NativeSigningKey extends SigningKey {
  readonly #seckey: Uint8Array;

  constructor(privateKey: BytesLike, private readonly lib: NativeSecp256k1) {
    super(privateKey);
    this.#seckey = getBytes(this.privateKey);
  }

  override sign(digest: BytesLike): Signature {
    assertArgument(dataLength(digest) === 32, "invalid digest length", "digest", digest);
    const msg = getBytes(digest);
    if (atLeastOrder(msg)) return super.sign(msg);
    const { signature, recid } = this.lib.ecdsaSign(msg, this.#seckey);
    return Signature.from({ r: hexlify(signature.subarray(0, 32)), s: hexlify(signature.subarray(32, 64)), v: recid ? 0x1c : 0x1b });
  }
}

/** The secp256k1 group order N, big-endian. */
const ORDER = getBytes("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");

/** Whether a 32-byte big-endian number is ≥ N (decided at the first differing byte; almost always byte 0). */
function atLeastOrder(b: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) if (b[i] !== ORDER[i]) return b[i] > ORDER[i];
  return true;
}

/** The keeper's signing key: native when the addon loads, else ethers' (same signatures). */
export function keeperSigningKey(privateKey: BytesLike): SigningKey {
  return native ? new NativeSigningKey(privateKey, native) : new SigningKey(privateKey);
}

/** Whether keeperSigningKey signs natively in this process (reported by the bench and at start-up). */
export const nativeSigning = native !== undefined;

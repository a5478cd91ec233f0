// Fingerprints: SHA-256 of the original bytes (exact duplicates, Vision cache key) and a
// 64-bit difference hash (near duplicates survive re-encoding, resizing and small edits).
import { createHash } from "node:crypto";

export function sha256(buf: Buffer): string {
  return createHash("sha256").update(buf).digest("hex");
}

/**
 * dHash from a 9×8 greyscale raster (row-major, 72 bytes): bit i is set when a pixel is
 * brighter than its right neighbour. Returned as 16 hex digits.
 */
export function dHashFromGrey9x8(grey: Uint8Array): string {
  if (grey.length !== 72) throw new Error(`dHash needs 9x8 grey pixels, got ${grey.length}`);
  let hex = "";
  for (let y = 0; y < 8; y += 1) {
    let byte = 0;
    for (let x = 0; x < 8; x += 1) {
      byte = (byte << 1) | (grey[y * 9 + x] > grey[y * 9 + x + 1] ? 1 : 0);
    }
    hex += byte.toString(16).padStart(2, "0");
  }
  return hex;
}

/** Number of differing bits between two 16-hex-digit hashes. */
export function hamming(a: string, b: string): number {
  if (!/^[0-9a-f]{16}$/.test(a) || !/^[0-9a-f]{16}$/.test(b))
    throw new Error("hashes must be 16 hex digits");
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let n = 0;
  while (x > 0n) {
    n += Number(x & 1n);
    x >>= 1n;
  }
  return n;
}

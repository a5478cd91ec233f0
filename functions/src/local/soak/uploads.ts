// What the soak uploads: the generated samples, real camera photos when ../shared has
// them, and a share of bad files. Every good upload is made unique (a JPEG comment
// segment carrying its index), so no two share a hash and the Vision cache never hides
// a call the budget should count.
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { extname, join, resolve } from "node:path";
import { generateSamples } from "../samples/generate";
import { seededRandom } from "../faults";

export interface PlannedUpload {
  name: string;
  data: Buffer;
  /** What an uninterrupted run must end with: a bad file REJECTED, a sample not REJECTED. */
  expect: "REJECTED" | "ACCEPTED" | "ANY";
  kind: "sample" | "real" | "bad";
}

/** Real photos live beside the repository (never in it); absent: generated ones only. */
export const SHARED_PHOTOS = resolve(
  __dirname,
  "..",
  "..",
  "..",
  "..",
  "..",
  "shared",
  "fixtures",
  "photos",
);

/** Inserts a COM segment after SOI: same pixels, different bytes. */
export function uniqueJpeg(jpeg: Buffer, tag: string): Buffer {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) return Buffer.concat([jpeg, Buffer.from(tag)]);
  const text = Buffer.from(tag, "utf8");
  const seg = Buffer.alloc(4 + text.length);
  seg.writeUInt16BE(0xfffe, 0);
  seg.writeUInt16BE(text.length + 2, 2);
  text.copy(seg, 4);
  return Buffer.concat([jpeg.subarray(0, 2), seg, jpeg.subarray(2)]);
}

function badFile(i: number, sample: Buffer, random: () => number): Buffer {
  switch (i % 4) {
    case 0:
      return Buffer.from(`soak ${i}: a text file with a .jpg name\n`);
    case 1:
      // A JPEG cut off after its header: sniffs as JPEG, does not decode.
      return uniqueJpeg(sample, `soak-bad-${i}`).subarray(0, 600);
    case 2:
      return Buffer.alloc(0);
    default:
      return Buffer.from(Array.from({ length: 2048 }, () => Math.floor(random() * 256)));
  }
}

export async function planUploads(
  dir: string,
  count: number,
  badShare: number,
  seed: number,
): Promise<PlannedUpload[]> {
  const random = seededRandom(seed ^ 0x5eed);
  const manifest = await generateSamples(join(dir, "samples"));
  const samples = await Promise.all(
    manifest.samples.map((s) => readFile(join(dir, "samples", s.file))),
  );
  const real: Buffer[] = [];
  if (existsSync(SHARED_PHOTOS)) {
    for (const f of (await readdir(SHARED_PHOTOS)).sort()) {
      if ([".jpg", ".jpeg"].includes(extname(f).toLowerCase()) && !f.startsWith("broken"))
        real.push(await readFile(join(SHARED_PHOTOS, f)));
    }
  }
  const out: PlannedUpload[] = [];
  for (let i = 0; i < count; i++) {
    const r = random();
    if (r < badShare)
      out.push({
        name: `soak-${i}-bad.jpg`,
        data: badFile(i, samples[0], random),
        expect: "REJECTED",
        kind: "bad",
      });
    else if (real.length && r > 1 - 0.05)
      out.push({
        name: `soak-${i}-real.jpg`,
        data: uniqueJpeg(real[i % real.length], `soak-${seed}-${i}`),
        expect: "ANY",
        kind: "real",
      });
    else
      out.push({
        name: `soak-${i}.jpg`,
        data: uniqueJpeg(samples[i % samples.length], `soak-${seed}-${i}`),
        expect: "ACCEPTED",
        kind: "sample",
      });
  }
  return out;
}

// Writes the bundled sample photos (JPEG with phone-like EXIF) and a manifest of what each
// one shows, and seeds the asset they were "taken" at, so a fresh clone needs nothing else.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createIfAbsent, firestore } from "../../firestore";
import { AssetDocSchema, type AssetDoc } from "../../schema/people";
import { SampleManifestSchema, type SampleEntry, type SampleManifest } from "../../schema/samples";
import { cameraTiff, insertExif } from "./exif-writer";
import {
  blurry,
  corrodedPlate,
  crackedSlab,
  dark,
  meter,
  plain,
  SCENE_HEIGHT,
  SCENE_WIDTH,
  type Scene,
} from "./scenes";

export const SAMPLE_ASSET: AssetDoc = AssetDocSchema.parse({
  assetId: "sample-substation-1",
  name: "Sample substation 1",
  kind: "substation",
  location: { lat: 47.37694, lng: 8.54169 },
  teamId: "team-a",
  supervisors: ["supervisor-1"],
  meterIds: ["meter-sample-1"],
});

export const METER_DIGITS = "004817";

interface Spec {
  file: string;
  kind: SampleEntry["kind"];
  scene: () => Scene | Promise<Scene>;
  /** Metres east/north of the asset where the photo was taken; null for no GPS. */
  offsetM: [number, number] | null;
  minutes: number;
  expect: Omit<SampleEntry["expect"], "region">;
}

const SPECS: Spec[] = [
  {
    file: "meter-004817.jpg",
    kind: "meter",
    scene: () => meter(METER_DIGITS),
    offsetM: [4, -3],
    minutes: 0,
    expect: { meterDigits: METER_DIGITS },
  },
  {
    file: "corroded-plate.jpg",
    kind: "corrosion",
    scene: () => corrodedPlate(),
    offsetM: [12, 8],
    minutes: 3,
    expect: {},
  },
  {
    file: "cracked-slab.jpg",
    kind: "crack",
    scene: () => crackedSlab(),
    offsetM: [-9, 15],
    minutes: 6,
    expect: {},
  },
  {
    file: "blurry-cabinet.jpg",
    kind: "blurry",
    scene: () => blurry(),
    offsetM: [2, 2],
    minutes: 8,
    expect: { qualityFlags: ["BLURRY"] },
  },
  {
    file: "dark-cabinet.jpg",
    kind: "dark",
    scene: () => dark(),
    offsetM: [3, 1],
    minutes: 9,
    expect: { qualityFlags: ["UNDEREXPOSED"] },
  },
  {
    file: "no-gps-cabinet.jpg",
    kind: "no-gps",
    scene: () => plain(),
    offsetM: null,
    minutes: 11,
    expect: {},
  },
];

/** Capture times are fixed (camera-local, UTC+1) so samples are byte-identical across runs. */
const START_UTC = Date.UTC(2026, 10, 20, 9, 12, 5);
const OFFSET = "+01:00";

function localExifTime(utcMs: number): string {
  const d = new Date(utcMs + 60 * 60 * 1000);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}:${p(d.getUTCMonth() + 1)}:${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

function moveBy(
  lat: number,
  lng: number,
  eastM: number,
  northM: number,
): { lat: number; lng: number } {
  const dLat = northM / 111_320;
  const dLng = eastM / (111_320 * Math.cos((lat * Math.PI) / 180));
  return { lat: Math.round((lat + dLat) * 1e6) / 1e6, lng: Math.round((lng + dLng) * 1e6) / 1e6 };
}

export async function generateSamples(outDir: string): Promise<SampleManifest> {
  await mkdir(outDir, { recursive: true });
  const loc = SAMPLE_ASSET.location as { lat: number; lng: number };
  const samples: SampleEntry[] = [];
  for (const spec of SPECS) {
    const scene = await spec.scene();
    const jpeg = await scene.image.jpeg({ quality: 88, mozjpeg: true }).toBuffer();
    const utc = START_UTC + spec.minutes * 60_000;
    const takenAt = localExifTime(utc);
    const gps = spec.offsetM
      ? { ...moveBy(loc.lat, loc.lng, spec.offsetM[0], spec.offsetM[1]), alt: 412.3 }
      : null;
    const tiff = cameraTiff({
      make: "Google",
      model: "Pixel 7",
      software: "HDR+ 1.0.540104767zd",
      dateTimeOriginal: takenAt,
      offset: OFFSET,
      width: SCENE_WIDTH,
      height: SCENE_HEIGHT,
      exposureTime: spec.kind === "dark" ? [1, 15] : [1, 250],
      iso: spec.kind === "dark" ? 1600 : 64,
      gps: gps ? { ...gps, accuracyM: 4.2, utc: new Date(utc) } : undefined,
    });
    await writeFile(join(outDir, spec.file), insertExif(jpeg, tiff));
    samples.push({
      file: spec.file,
      kind: spec.kind,
      width: SCENE_WIDTH,
      height: SCENE_HEIGHT,
      takenAt: `${takenAt.slice(0, 10).replace(/:/g, "-")}T${takenAt.slice(11)}${OFFSET}`,
      gps,
      expect: { ...spec.expect, ...(scene.region ? { region: scene.region } : {}) },
    });
  }
  const manifest = SampleManifestSchema.parse({
    version: 1,
    assetId: SAMPLE_ASSET.assetId,
    samples,
  });
  await writeFile(join(outDir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** The manifest if the samples exist and are complete, else null. */
export async function readManifest(outDir: string): Promise<SampleManifest | null> {
  try {
    const m = SampleManifestSchema.parse(
      JSON.parse(await readFile(join(outDir, "manifest.json"), "utf8")),
    );
    for (const s of m.samples) await readFile(join(outDir, s.file));
    return m.samples.length === SPECS.length ? m : null;
  } catch {
    return null;
  }
}

export async function ensureSamples(outDir: string): Promise<SampleManifest> {
  return (await readManifest(outDir)) ?? generateSamples(outDir);
}

/** assets/sample-substation-1, written only if absent so local edits survive. */
export async function seedSampleAsset(): Promise<void> {
  await createIfAbsent(firestore().collection("assets").doc(SAMPLE_ASSET.assetId), SAMPLE_ASSET);
}

// Real camera files live in ../shared/fixtures/photos (never copied into the repo).
// Suites that use them skip cleanly, and say so, when ../shared is absent.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const SHARED_PHOTOS = resolve(
  __dirname,
  "..",
  "..",
  "..",
  "..",
  "shared",
  "fixtures",
  "photos",
);

export function sharedPhotosAvailable(): boolean {
  return existsSync(join(SHARED_PHOTOS, "truth.json"));
}

export interface TruthEntry {
  SourceFile: string;
  FileName: string;
  FileType?: string;
  ImageWidth?: number;
  ImageHeight?: number;
  Make?: string;
  Model?: string;
  GPSLatitude?: number | "";
  GPSLongitude?: number | "";
  GPSAltitude?: number;
  DateTimeOriginal?: string;
  OffsetTimeOriginal?: string;
  Orientation?: number;
}

export function loadTruth(): TruthEntry[] {
  return (
    JSON.parse(readFileSync(join(SHARED_PHOTOS, "truth.json"), "utf8")) as TruthEntry[]
  ).filter((t) => t.FileType);
}

export function sharedPhoto(relative: string): string {
  return join(SHARED_PHOTOS, relative);
}

// The `inspect` CLI's JSON view of an ingest result (buffers reduced to their sizes).
import type { IngestResult } from "./pipeline";

export function rejectedView(reason: string, mime: string | null = null): Record<string, unknown> {
  return {
    status: "REJECTED",
    reason,
    mime,
    width: null,
    height: null,
    exif: null,
    quality: null,
    display: null,
    thumbnail: null,
  };
}

export function inspectView(r: IngestResult): Record<string, unknown> {
  if (r.status === "REJECTED") return rejectedView(r.reason, r.mime);
  const size = (d: { bytes: number; width: number; height: number }) => ({
    bytes: d.bytes,
    width: d.width,
    height: d.height,
  });
  return {
    status: r.status,
    mime: r.mime,
    width: r.width,
    height: r.height,
    exif: {
      takenAt: r.exif.takenAt,
      takenAtSource: r.exif.takenAtSource,
      gps: r.exif.gps ? { lat: r.exif.gps.lat, lng: r.exif.gps.lng, alt: r.exif.gps.alt } : null,
      make: r.exif.make,
      model: r.exif.model,
      orientation: r.exif.orientation,
    },
    quality: r.quality,
    signals: r.signals,
    display: size(r.display),
    thumbnail: size(r.thumbnail),
  };
}

// EXIF extraction: generated EXIF (our own TIFF writer) spliced into generated JPEGs.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { extractExif } from "../../src/ingest/metadata";
import { ExifSummarySchema } from "../../src/schema/photo";
import { fromDms, withExif, type ExifSpec } from "../helpers/exif-writer";
import { solidJpeg } from "../helpers/images";

const UPLOAD = new Date("2026-03-04T05:06:07.000Z");
const pad = (n: number, w = 2) => String(n).padStart(w, "0");

const dateParts = fc.record({
  y: fc.integer({ min: 1990, max: 2035 }),
  mo: fc.integer({ min: 1, max: 12 }),
  d: fc.integer({ min: 1, max: 28 }),
  h: fc.integer({ min: 0, max: 23 }),
  mi: fc.integer({ min: 0, max: 59 }),
  s: fc.integer({ min: 0, max: 59 }),
});
type DateParts = { y: number; mo: number; d: number; h: number; mi: number; s: number };
const exifDate = (p: DateParts) =>
  `${pad(p.y, 4)}:${pad(p.mo)}:${pad(p.d)} ${pad(p.h)}:${pad(p.mi)}:${pad(p.s)}`;
const isoLocal = (p: DateParts) =>
  `${pad(p.y, 4)}-${pad(p.mo)}-${pad(p.d)}T${pad(p.h)}:${pad(p.mi)}:${pad(p.s)}`;

const offsetArb = fc
  .tuple(fc.constantFrom("+", "-"), fc.integer({ min: 0, max: 14 }), fc.constantFrom(0, 15, 30, 45))
  .map(([s, h, m]) => `${s}${pad(h)}:${pad(m)}`);
const dmsArb = (maxDeg: number) =>
  fc
    .tuple(
      fc.integer({ min: 0, max: maxDeg - 1 }),
      fc.integer({ min: 0, max: 59 }),
      fc.integer({ min: 0, max: 599_999 }),
    )
    .map(
      ([d, m, s]) =>
        [
          [d, 1],
          [m, 1],
          [s, 10_000],
        ] as [number, number][],
    );
// Printable ASCII device strings (what cameras write), trimmed as the summary trims them.
const textArb = fc.string({
  minLength: 1,
  maxLength: 24,
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
});

const gpsArb = fc.record({
  lat: dmsArb(90),
  latRef: fc.constantFrom("N", "S"),
  lng: dmsArb(180),
  lngRef: fc.constantFrom("E", "W"),
  alt: fc.option(fc.tuple(fc.integer({ min: 0, max: 900_000 }), fc.constantFrom(1, 10, 100)), {
    nil: undefined,
  }),
  altRef: fc.constantFrom(0 as const, 1 as const),
});

let base: Buffer;

describe("ingest: EXIF metadata", () => {
  before(async () => {
    base = await solidJpeg(16, 12);
  });

  it("extracts generated EXIF exactly (device, orientation, time with offset, signed GPS, altitude)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          make: fc.option(textArb, { nil: undefined }),
          model: fc.option(textArb, { nil: undefined }),
          software: fc.option(textArb, { nil: undefined }),
          orientation: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
          dto: dateParts,
          offset: fc.option(offsetArb, { nil: undefined }),
          gps: fc.option(gpsArb, { nil: undefined }),
        }),
        async (g) => {
          const spec: ExifSpec = {
            make: g.make,
            model: g.model,
            software: g.software,
            orientation: g.orientation,
            dateTimeOriginal: exifDate(g.dto),
            offsetTimeOriginal: g.offset,
            gps: g.gps && { ...g.gps, alt: g.gps.alt },
          };
          const exif = await extractExif(withExif(base, spec), UPLOAD);
          ExifSummarySchema.parse(exif);
          assert.equal(exif.make, g.make ?? null);
          assert.equal(exif.model, g.model ?? null);
          assert.equal(exif.software, g.software ?? null);
          assert.equal(exif.orientation, g.orientation ?? null);
          assert.equal(exif.takenAtSource, "DateTimeOriginal");
          assert.equal(exif.takenAt, isoLocal(g.dto) + (g.offset ?? ""));
          assert.equal(exif.offset, g.offset ?? null);
          if (!g.gps) {
            assert.equal(exif.gps, null);
          } else {
            assert.ok(exif.gps);
            const lat = fromDms(g.gps.lat) * (g.gps.latRef === "S" ? -1 : 1);
            const lng = fromDms(g.gps.lng) * (g.gps.lngRef === "W" ? -1 : 1);
            assert.ok(Math.abs(exif.gps.lat - lat) < 1e-9, `lat ${exif.gps.lat} vs ${lat}`);
            assert.ok(Math.abs(exif.gps.lng - lng) < 1e-9, `lng ${exif.gps.lng} vs ${lng}`);
            const alt = g.gps.alt
              ? (g.gps.alt[0] / g.gps.alt[1]) * (g.gps.altRef === 1 ? -1 : 1)
              : null;
            if (alt === null) assert.equal(exif.gps.alt, null);
            else assert.ok(Math.abs((exif.gps.alt ?? NaN) - alt) < 1e-9);
          }
          assert.deepEqual(exif.flags, []);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("follows the capture-time chain DateTimeOriginal → CreateDate → GPS date/time → upload time, each with its own sub-second and offset", async () => {
    const subsec = fc.stringMatching(/^\d{1,6}$/);
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          dto: fc.option(dateParts, { nil: undefined }),
          cd: fc.option(dateParts, { nil: undefined }),
          gpsTime: fc.option(fc.tuple(dateParts, fc.integer({ min: 0, max: 999 })), {
            nil: undefined,
          }),
          offsetOriginal: fc.option(offsetArb, { nil: undefined }),
          offsetDigitized: fc.option(offsetArb, { nil: undefined }),
          // OffsetTime belongs to ModifyDate; it stands in when the specific tag is missing.
          offsetTime: fc.option(offsetArb, { nil: undefined }),
          subOriginal: fc.option(subsec, { nil: undefined }),
          subDigitized: fc.option(subsec, { nil: undefined }),
        }),
        async ({
          dto,
          cd,
          gpsTime,
          offsetOriginal,
          offsetDigitized,
          offsetTime,
          subOriginal,
          subDigitized,
        }) => {
          const spec: ExifSpec = {
            make: "Cam",
            dateTimeOriginal: dto && exifDate(dto),
            createDate: cd && exifDate(cd),
            offsetTimeOriginal: offsetOriginal,
            offsetTimeDigitized: offsetDigitized,
            offsetTime,
            subSecTimeOriginal: subOriginal,
            subSecTimeDigitized: subDigitized,
            gps: gpsTime && {
              lat: [
                [1, 1],
                [2, 1],
                [3, 1],
              ],
              latRef: "N",
              lng: [
                [4, 1],
                [5, 1],
                [6, 1],
              ],
              lngRef: "E",
              dateStamp: `${pad(gpsTime[0].y, 4)}:${pad(gpsTime[0].mo)}:${pad(gpsTime[0].d)}`,
              timeStamp: [
                [gpsTime[0].h, 1],
                [gpsTime[0].mi, 1],
                [gpsTime[0].s * 1000 + gpsTime[1], 1000],
              ],
            },
          };
          const exif = await extractExif(withExif(base, spec), UPLOAD);
          /** The instant a local time with an offset names, to the millisecond. */
          const instant = (p: DateParts, sub: string | undefined, offset: string) => {
            const [sign, hh, mm] = [
              offset[0] === "-" ? -1 : 1,
              Number(offset.slice(1, 3)),
              Number(offset.slice(4, 6)),
            ];
            const ms = sub ? Number(sub.padEnd(3, "0").slice(0, 3)) : 0;
            return (
              Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s, ms) - sign * (hh * 60 + mm) * 60_000
            );
          };
          const expectLocal = (
            p: DateParts,
            sub: string | undefined,
            offset: string | undefined,
          ) => {
            assert.equal(exif.takenAt, `${isoLocal(p)}${sub ? `.${sub}` : ""}${offset ?? ""}`);
            assert.equal(exif.offset, offset ?? null);
            if (offset) assert.equal(Date.parse(exif.takenAt), instant(p, sub, offset));
          };
          if (dto) {
            assert.equal(exif.takenAtSource, "DateTimeOriginal");
            expectLocal(dto, subOriginal, offsetOriginal ?? offsetTime);
          } else if (cd) {
            assert.equal(exif.takenAtSource, "CreateDate");
            expectLocal(cd, subDigitized, offsetDigitized ?? offsetTime);
          } else if (gpsTime) {
            assert.equal(exif.takenAtSource, "GPSDateTime");
            const ms = gpsTime[1] > 0 ? `.${pad(gpsTime[1], 3)}` : "";
            assert.equal(exif.takenAt, `${isoLocal(gpsTime[0])}${ms}Z`);
            assert.equal(exif.offset, "+00:00");
            assert.equal(
              new Date(exif.takenAt).getTime(),
              Date.UTC(
                gpsTime[0].y,
                gpsTime[0].mo - 1,
                gpsTime[0].d,
                gpsTime[0].h,
                gpsTime[0].mi,
                gpsTime[0].s,
                gpsTime[1],
              ),
            );
          } else {
            assert.equal(exif.takenAtSource, "UploadTime");
            assert.equal(exif.takenAt, UPLOAD.toISOString());
            assert.equal(exif.offset, "+00:00");
          }
          assert.deepEqual(exif.flags, []);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("skips unusable dates (e.g. a camera with no clock) and flags them", async () => {
    const exif = await extractExif(
      withExif(base, {
        dateTimeOriginal: "0000:00:00 00:00:00",
        createDate: "2021:02:30 10:00:00",
      }),
      UPLOAD,
    );
    assert.equal(exif.takenAtSource, "UploadTime");
    assert.deepEqual(exif.flags, ["DATETIMEORIGINAL_INVALID", "CREATEDATE_INVALID"]);
    const next = await extractExif(
      withExif(base, {
        dateTimeOriginal: "    :  :     :  :  ",
        createDate: "2021:02:28 10:00:00",
      }),
      UPLOAD,
    );
    assert.equal(next.takenAtSource, "CreateDate");
    assert.equal(next.takenAt, "2021-02-28T10:00:00");
  });

  it("drops and flags GPS out of range, keeps everything else", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.integer({ min: 91, max: 255 }),
        fc.integer({ min: 181, max: 400 }),
        async (badLat, lat, lng) => {
          const spec: ExifSpec = {
            make: "Acme",
            gps: {
              lat: [
                [badLat ? lat : 45, 1],
                [0, 1],
                [0, 1],
              ],
              latRef: "N",
              lng: [
                [badLat ? 10 : lng, 1],
                [0, 1],
                [0, 1],
              ],
              lngRef: "W",
            },
          };
          const exif = await extractExif(withExif(base, spec), UPLOAD);
          assert.equal(exif.gps, null);
          assert.deepEqual(exif.flags, ["GPS_OUT_OF_RANGE"]);
          assert.equal(exif.make, "Acme");
        },
      ),
      { numRuns: 20 },
    );
  });

  it("flags malformed GPS (minutes ≥ 60, bad hemisphere) and an invalid offset", async () => {
    const exif = await extractExif(
      withExif(base, {
        dateTimeOriginal: "2020:01:02 03:04:05",
        offsetTimeOriginal: "+25:00",
        gps: {
          lat: [
            [10, 1],
            [75, 1],
            [0, 1],
          ],
          latRef: "N",
          lng: [
            [1, 1],
            [0, 1],
            [0, 1],
          ],
          lngRef: "E",
        },
      }),
      UPLOAD,
    );
    assert.equal(exif.gps, null);
    assert.equal(exif.takenAt, "2020-01-02T03:04:05");
    assert.deepEqual([...exif.flags].sort(), ["GPS_MALFORMED", "OFFSET_INVALID"]);
    const ref = await extractExif(
      withExif(base, {
        gps: {
          lat: [
            [10, 1],
            [0, 1],
            [0, 1],
          ],
          latRef: "Q",
          lng: [
            [1, 1],
            [0, 1],
            [0, 1],
          ],
          lngRef: "E",
        },
      }),
      UPLOAD,
    );
    assert.equal(ref.gps, null);
    assert.deepEqual(ref.flags, ["GPS_MALFORMED"]);
  });

  it("a file without EXIF: no GPS, no device, upload time", async () => {
    const exif = await extractExif(base, UPLOAD);
    assert.deepEqual(exif, {
      takenAt: UPLOAD.toISOString(),
      takenAtSource: "UploadTime",
      offset: "+00:00",
      gps: null,
      make: null,
      model: null,
      software: null,
      orientation: null,
      flags: [],
    });
  });
});

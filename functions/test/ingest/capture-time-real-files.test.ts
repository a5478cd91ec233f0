// Capture-time fallback on files whose XMP and IPTC were written by a real tool
// (ExifTool 12.57; how, in test/ingest/fixtures/README.md), not spliced by our own code:
// EXIF first, then XMP photoshop:DateCreated, xmp:CreateDate, IPTC DateCreated +
// TimeCreated, then GPS time, then the upload time, with the source recorded.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { extractExif } from "../../src/ingest/metadata";

const UPLOAD = new Date("2026-03-04T05:06:07.000Z");
const read = (name: string) => extractExif(readFileSync(join(__dirname, "fixtures", name)), UPLOAD);
const time = (e: { takenAt: string; takenAtSource: string; offset: string | null }) => [
  e.takenAt,
  e.takenAtSource,
  e.offset,
];

describe("ingest: capture time from files written by ExifTool", () => {
  it("reads XMP photoshop:DateCreated (with its offset) before xmp:CreateDate", async () => {
    const e = await read("xmp-photoshop-datecreated.jpg");
    assert.deepEqual(time(e), ["2019-05-04T10:11:12+02:00", "XmpDateCreated", "+02:00"]);
    assert.deepEqual(e.flags, []);
  });

  it("reads XMP xmp:CreateDate when it is the only capture time", async () => {
    const e = await read("xmp-createdate.jpg");
    assert.deepEqual(time(e), ["2020-01-02T03:04:05+00:00", "XmpCreateDate", "+00:00"]);
  });

  it("reads IPTC DateCreated + TimeCreated, with the IPTC offset", async () => {
    const e = await read("iptc-datecreated.jpg");
    assert.deepEqual(time(e), ["2021-06-07T08:15:30-05:00", "IptcDateCreated", "-05:00"]);
  });

  it("prefers XMP over GPS time, and uses GPS time when there is nothing else", async () => {
    const both = await read("xmp-and-gps.jpg");
    assert.deepEqual(time(both), ["2022-03-04T06:00:00+01:00", "XmpDateCreated", "+01:00"]);
    assert.equal(both.gps?.lat, 48.1);
    const gps = await read("gps-only.jpg");
    assert.deepEqual(time(gps), ["2022-03-04T05:06:07Z", "GPSDateTime", "+00:00"]);
  });

  it("keeps EXIF DateTimeOriginal first when XMP and IPTC are there too", async () => {
    const e = await read("exif-and-xmp.jpg");
    assert.deepEqual(time(e), ["2018-07-25T16:34:23", "DateTimeOriginal", null]);
  });

  it("does not take an IPTC day without a time of day: flagged, then the upload time", async () => {
    const e = await read("iptc-date-only.jpg");
    assert.deepEqual(time(e), [UPLOAD.toISOString(), "UploadTime", "+00:00"]);
    assert.deepEqual(e.flags, ["IPTC_DATE_INVALID"]);
  });
});

// Capture-time fallback: XMP (photoshop:DateCreated, xmp:CreateDate) and IPTC
// (DateCreated + TimeCreated) stand in when EXIF has no capture time, before GPS time
// and the upload time; the source used is recorded.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { extractExif, iptcDate, xmpDate } from "../../src/ingest/metadata";
import { withExif } from "../helpers/exif-writer";
import { solidJpeg } from "../helpers/images";

const UPLOAD = new Date("2026-03-04T05:06:07.000Z");
const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** A JPEG APP segment spliced in after SOI. */
function withSegment(jpeg: Buffer, marker: number, payload: Buffer): Buffer {
  const len = payload.length + 2;
  return Buffer.concat([
    jpeg.subarray(0, 2),
    Buffer.from([0xff, marker, len >> 8, len & 0xff]),
    payload,
    jpeg.subarray(2),
  ]);
}

function withXmp(jpeg: Buffer, attrs: Record<string, string>): Buffer {
  const a = Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${v}"`)
    .join("");
  const xml =
    `<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
    `<rdf:Description rdf:about="" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"${a}/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;
  return withSegment(
    jpeg,
    0xe1,
    Buffer.concat([Buffer.from("http://ns.adobe.com/xap/1.0/\0"), Buffer.from(xml)]),
  );
}

/** Photoshop APP13 with one IPTC-NAA resource (8BIM 0x0404) holding 2:55 and 2:60. */
function withIptc(jpeg: Buffer, date: string, time: string): Buffer {
  const ds = (tag: number, v: string) =>
    Buffer.concat([Buffer.from([0x1c, 2, tag, 0, v.length]), Buffer.from(v, "latin1")]);
  let iptc = Buffer.concat([ds(0, "\x00\x04"), ds(55, date), ds(60, time)]);
  if (iptc.length % 2) iptc = Buffer.concat([iptc, Buffer.from([0])]);
  const size = Buffer.alloc(4);
  size.writeUInt32BE(iptc.length);
  const res = Buffer.concat([Buffer.from("8BIM"), Buffer.from([0x04, 0x04, 0, 0]), size, iptc]);
  return withSegment(jpeg, 0xed, Buffer.concat([Buffer.from("Photoshop 3.0\0"), res]));
}

describe("ingest: capture time from XMP and IPTC", () => {
  let base: Buffer;
  before(async () => {
    base = await solidJpeg(16, 12);
  });

  it("uses photoshop:DateCreated, with its offset, when EXIF has no capture time", async () => {
    const exif = await extractExif(
      withXmp(base, {
        "photoshop:DateCreated": "2019-05-04T10:11:12+02:00",
        "xmp:CreateDate": "2019-05-04T11:00:00",
      }),
      UPLOAD,
    );
    assert.deepEqual(
      [exif.takenAt, exif.takenAtSource, exif.offset],
      ["2019-05-04T10:11:12+02:00", "XmpDateCreated", "+02:00"],
    );
  });

  it("falls back to xmp:CreateDate, then IPTC DateCreated + TimeCreated", async () => {
    const xmp = await extractExif(
      withXmp(base, { "xmp:CreateDate": "2020-01-02T03:04:05Z" }),
      UPLOAD,
    );
    assert.deepEqual(
      [xmp.takenAt, xmp.takenAtSource],
      ["2020-01-02T03:04:05+00:00", "XmpCreateDate"],
    );
    const iptc = await extractExif(withIptc(base, "20210607", "081530-0500"), UPLOAD);
    assert.deepEqual(
      [iptc.takenAt, iptc.takenAtSource, iptc.offset],
      ["2021-06-07T08:15:30-05:00", "IptcDateCreated", "-05:00"],
    );
  });

  it("keeps EXIF DateTimeOriginal first", async () => {
    const both = withXmp(withExif(base, { dateTimeOriginal: "2018:07:25 16:34:23" }), {
      "photoshop:DateCreated": "2019-05-04T10:11:12",
    });
    const exif = await extractExif(both, UPLOAD);
    assert.equal(exif.takenAtSource, "DateTimeOriginal");
  });

  it("flags an unreadable XMP date and goes on down the chain", async () => {
    const exif = await extractExif(withXmp(base, { "photoshop:DateCreated": "yesterday" }), UPLOAD);
    assert.equal(exif.takenAtSource, "UploadTime");
    assert.ok(exif.flags.includes("XMP_DATECREATED_INVALID"), JSON.stringify(exif.flags));
  });

  it("parses every well-formed XMP and IPTC date-time and rejects impossible ones", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1900, max: 2100 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 59 }),
        (y, mo, d, h, mi, s) => {
          const local = `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}`;
          assert.deepEqual(xmpDate(`${local}+01:00`, [], "X"), { local, offset: "+01:00" });
          assert.deepEqual(
            iptcDate(`${pad(y, 4)}${pad(mo)}${pad(d)}`, `${pad(h)}${pad(mi)}${pad(s)}+0100`, []),
            { local, offset: "+01:00" },
          );
        },
      ),
    );
    const flags: string[] = [];
    assert.equal(xmpDate("2019-02-30T10:00:00", flags, "X"), null);
    assert.equal(iptcDate("20190230", "100000", flags), null);
    assert.deepEqual(flags, ["X", "IPTC_DATE_INVALID"]);
  });
});

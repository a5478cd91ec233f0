// `npm run --silent inspect -- <file>` from the repository root: stdout is exactly one
// JSON object of the shape issue 2 fixes, produced by the trigger's own processUpload.
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { getConfig } from "../../src/config";
import { inspectView } from "../../src/ingest/inspect-view";
import { limitsFromConfig, processUpload } from "../../src/ingest/pipeline";
import { withExif } from "../helpers/exif-writer";
import { noiseJpeg } from "../helpers/images";

const ROOT = resolve(__dirname, "..", "..", "..");

function inspect(...args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((done) => {
    execFile(
      "npm",
      ["run", "--silent", "inspect", "--", ...args],
      { cwd: ROOT, maxBuffer: 1 << 20 },
      (err, stdout) => {
        done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout });
      },
    );
  });
}

const sortedKeys = (o: object) => Object.keys(o).sort();

describe("ingest: inspect CLI", function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "fl-inspect-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("prints one ACCEPTED object: upright size, EXIF with offset, quality, display and thumbnail sizes", async () => {
    const bytes = withExif(await noiseJpeg(640, 400, 5), {
      make: "Google",
      model: "Pixel 8",
      orientation: 6,
      dateTimeOriginal: "2025:06:07 08:09:10",
      offsetTimeOriginal: "+05:30",
      gps: {
        lat: [
          [12, 1],
          [30, 1],
          [0, 1],
        ],
        latRef: "S",
        lng: [
          [45, 1],
          [15, 1],
          [0, 1],
        ],
        lngRef: "W",
        alt: [1234, 10],
      },
    });
    const file = join(dir, "photo.jpg");
    writeFileSync(file, bytes);
    const { code, stdout } = await inspect(file);
    assert.equal(code, 0);
    const out = JSON.parse(stdout) as Record<string, never>;
    assert.deepEqual(sortedKeys(out), [
      "display",
      "exif",
      "height",
      "mime",
      "quality",
      "signals",
      "status",
      "thumbnail",
      "width",
    ]);
    assert.equal(out.status, "ACCEPTED");
    assert.equal(out.mime, "image/jpeg");
    assert.deepEqual([out.width, out.height], [400, 640]);
    assert.deepEqual(out.exif, {
      takenAt: "2025-06-07T08:09:10+05:30",
      takenAtSource: "DateTimeOriginal",
      gps: { lat: -12.5, lng: -45.25, alt: 123.4 },
      make: "Google",
      model: "Pixel 8",
      orientation: 6,
    });
    assert.deepEqual(sortedKeys(out.display), ["bytes", "height", "width"]);
    assert.deepEqual(sortedKeys(out.thumbnail), ["bytes", "height", "width"]);
    // Exactly what the trigger's pipeline says about the same bytes.
    const same = await processUpload(bytes, {
      uploadTime: new Date(),
      limits: limitsFromConfig(getConfig()),
    });
    assert.deepEqual(out, JSON.parse(JSON.stringify(inspectView(same))));
  });

  it("never crashes on bad input: REJECTED with a reason, exit code 0", async () => {
    const text = join(dir, "notes.jpg");
    writeFileSync(text, "not a photo, only words\n".repeat(20));
    const empty = join(dir, "empty.jpg");
    writeFileSync(empty, Buffer.alloc(0));
    for (const [file, reason] of [
      [text, /not an image/],
      [empty, /empty/],
      [join(dir, "missing.jpg"), /cannot read .*ENOENT/],
    ] as const) {
      const { code, stdout } = await inspect(file);
      assert.equal(code, 0, file);
      const out = JSON.parse(stdout) as Record<string, unknown>;
      assert.equal(out.status, "REJECTED", file);
      assert.match(String(out.reason), reason);
      // The same shape, with a reason and nulls for what an unusable file cannot have.
      assert.deepEqual(sortedKeys(out), [
        "display",
        "exif",
        "height",
        "mime",
        "quality",
        "reason",
        "status",
        "thumbnail",
        "width",
      ]);
      assert.deepEqual(
        [out.width, out.height, out.exif, out.quality, out.display, out.thumbnail],
        [null, null, null, null, null, null],
      );
    }
  });

  it("exits 2 with usage when no file is given", async () => {
    const { code, stdout } = await inspect();
    assert.equal(code, 2);
    assert.equal(stdout, "");
  });
});

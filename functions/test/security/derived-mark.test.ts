// Abuse suite, item 4: custom metadata a client sets must not switch validation off.
// An upload carrying the backend's own "derived" mark used to be ignored: no record, no
// validation, no quarantine (unvalidated file hosting, never cleaned up).
import { strict as assert } from "node:assert";
import { handleUpload } from "../../src/ingest/handle-upload";
import { photoIdFor } from "../../src/ingest/photo-id";
import { PhotoDocSchema } from "../../src/schema/photo";
import { clearFirestore, db } from "../helpers/firestore";
import { noiseJpeg } from "../helpers/images";
import {
  BUCKET,
  finalizedEvent,
  installIngestEnv,
  seedUploader,
  wrapUploadTrigger,
  type IngestEnv,
  type WrappedTrigger,
} from "../helpers/ingest-env";

const SVG = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>',
);

describe("security: the backend's metadata marks are not trusted on uploads", function () {
  let trigger: WrappedTrigger;
  let env: IngestEnv;
  before(async () => {
    trigger = wrapUploadTrigger();
    await clearFirestore();
  });
  beforeEach(() => {
    env = installIngestEnv();
  });
  afterEach(() => env.dispose());
  after(() => trigger.cleanup());

  it("an SVG marked fieldlensDerived=true under uploads/ is validated, REJECTED and quarantined", async function () {
    const name = "uploads/inspA/asset-m/evil.jpg";
    await seedUploader(name);
    await env.store.write(BUCKET, name, SVG, {
      contentType: "image/jpeg",
      metadata: { fieldlensDerived: "true", photoId: "x" },
    });
    const event = await finalizedEvent(env.store, name);
    await trigger.wrapped(event);
    const doc = PhotoDocSchema.parse(
      (
        await db()
          .doc(`photos/${photoIdFor(BUCKET, name, event.data.generation)}`)
          .get()
      ).data(),
    );
    assert.equal(doc.status, "REJECTED");
    assert.equal(doc.reason, "SVG (vector) images are not accepted: upload a camera photo");
    assert.equal(await env.store.exists(BUCKET, name), false, "nothing left under uploads/");
    const q = await env.store.stat(BUCKET, "quarantine/inspA/asset-m/evil.jpg");
    assert.equal(q?.contentType, "application/octet-stream", "quarantine stores opaque bytes");
    assert.equal(q?.metadata.originalContentType, "image/jpeg");
    assert.equal(env.queue.tasks.length, 0);
  });

  it("a real photo marked as derived is ingested like any upload", async function () {
    const name = "uploads/inspA/asset-m/marked.jpg";
    await seedUploader(name);
    await env.store.write(BUCKET, name, await noiseJpeg(80, 60, 1), {
      contentType: "image/jpeg",
      metadata: { fieldlensDerived: "true" },
    });
    const outcome = await handleUpload((await env.store.stat(BUCKET, name))!);
    assert.equal(outcome.action, "queued");
  });

  it("the backend's own output is recognised by its path, whatever its metadata says", async function () {
    for (const [name, reason] of [
      ["photos/p1/display.jpg", "derived object"],
      ["quarantine/inspA/asset-m/x.jpg", "quarantined object"],
    ] as const) {
      await env.store.write(BUCKET, name, await noiseJpeg(16, 16, 2), {
        contentType: "image/jpeg",
      });
      assert.deepEqual(await handleUpload((await env.store.stat(BUCKET, name))!), {
        action: "ignored",
        reason,
      });
    }
  });
});

// The trigger's mapping from a CloudEvent's StorageObjectData to the port's StoredObject.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { zId } from "../../src/schema/common";
import type { StorageObjectData } from "firebase-functions/v2/storage";
import { toStoredObject } from "../../src/triggers/storage";
import { photoIdFor, parseUploadPath } from "../../src/ingest/photo-id";

describe("triggers/storage: storage event mapping and identity", () => {
  it("keeps int64 generations exact whether they arrive as JSON strings or numbers", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: (1n << 63n) - 1n }),
        fc.nat(),
        fc.boolean(),
        (gen, size, asString) => {
          const data = {
            bucket: "b",
            name: "uploads/u/a/f.jpg",
            generation: asString ? gen.toString() : Number(gen),
            size: asString ? String(size) : size,
            metadata: { k: "v" },
            timeCreated: "2026-01-01T00:00:00.000Z",
          } as unknown as StorageObjectData;
          const o = toStoredObject(data);
          assert.equal(o.generation, asString ? gen.toString() : String(Number(gen)));
          assert.equal(o.size, size);
          assert.deepEqual(o.metadata, { k: "v" });
          assert.equal(o.timeCreated, "2026-01-01T00:00:00.000Z");
        },
      ),
    );
    const noMeta = toStoredObject({
      bucket: "b",
      name: "n",
      generation: 1,
      size: 0,
      timeCreated: new Date(0),
    } as unknown as StorageObjectData);
    assert.deepEqual(noMeta.metadata, {});
    assert.equal(noMeta.timeCreated, "1970-01-01T00:00:00.000Z");
  });

  it("photoId is a function of bucket, name and generation, and tells any two apart", () => {
    const part = fc.string({ minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(fc.tuple(part, part, part), fc.tuple(part, part, part), (a, b) => {
        assert.equal(photoIdFor(...a), photoIdFor(...a));
        assert.match(photoIdFor(...a), /^[0-9a-f]{32}$/);
        if (a.join("\u0001") !== b.join("\u0001"))
          assert.notEqual(photoIdFor(...a), photoIdFor(...b));
      }),
    );
  });

  it("parses only uploads/{uid}/{assetId}/{file}", () => {
    const seg = fc.stringMatching(/^[^/]{1,30}$/).filter((s) => s !== "." && s !== "..");
    const id = seg.filter((s) => zId.safeParse(s).success);
    fc.assert(
      fc.property(id, id, seg, (uid, assetId, file) => {
        assert.deepEqual(parseUploadPath(`uploads/${uid}/${assetId}/${file}`), {
          uid,
          assetId,
          file,
        });
        assert.equal(parseUploadPath(`photos/${uid}/${assetId}/${file}`), null);
        assert.equal(parseUploadPath(`uploads/${uid}/${assetId}/${file}/x`), null);
        assert.equal(parseUploadPath(`uploads/${uid}/${file}`), null);
      }),
    );
  });

  it("refuses upload paths whose uid or asset id is no valid document id (the shared id schema)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("__x__", "__name__", "..", ".", "a\u0000b", "\ud800"),
        fc.boolean(),
        (bad, inUid) => {
          const name = inUid ? `uploads/${bad}/asset-1/f.jpg` : `uploads/u1/${bad}/f.jpg`;
          assert.equal(parseUploadPath(name), null, name);
        },
      ),
    );
  });
});

// config.ts: params over defaults, and the one parse of the rest of the environment.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { DEMO_PROJECT, getConfig, parseRuntimeEnv } from "../src/config";
import { uploadBucket } from "../src/api/bucket";

describe("config", () => {
  it("takes params from the environment over the defaults and rejects bad values", () => {
    assert.equal(getConfig().MAX_PIXELS, 100_000_000);
    assert.equal(getConfig({ MAX_PIXELS: 5 }).MAX_PIXELS, 5);
    assert.throws(() => getConfig({ DISPLAY_LONG_EDGE: 3 }));
  });

  describe("parseRuntimeEnv", () => {
    it("finds the project in GCLOUD_PROJECT, GOOGLE_CLOUD_PROJECT, then FIREBASE_CONFIG", () => {
      assert.equal(
        parseRuntimeEnv({ GCLOUD_PROJECT: "a", GOOGLE_CLOUD_PROJECT: "b" }).projectId,
        "a",
      );
      assert.equal(parseRuntimeEnv({ GOOGLE_CLOUD_PROJECT: "b" }).projectId, "b");
      assert.equal(parseRuntimeEnv({ FIREBASE_CONFIG: '{"projectId":"c"}' }).projectId, "c");
      assert.equal(parseRuntimeEnv({ GCLOUD_PROJECT: "" }).projectId, undefined);
      assert.equal(parseRuntimeEnv({}).projectId, undefined);
    });

    it("takes the bucket from FIELDLENS_BUCKET, then FIREBASE_CONFIG; a path or bad JSON gives none", () => {
      assert.equal(
        parseRuntimeEnv({ FIELDLENS_BUCKET: "x", FIREBASE_CONFIG: '{"storageBucket":"y"}' }).bucket,
        "x",
      );
      assert.equal(parseRuntimeEnv({ FIREBASE_CONFIG: '{"storageBucket":"y"}' }).bucket, "y");
      assert.equal(parseRuntimeEnv({ FIREBASE_CONFIG: "/etc/firebase.json" }).bucket, undefined);
      assert.equal(parseRuntimeEnv({ FIREBASE_CONFIG: '{"storageBucket":7}' }).bucket, undefined);
    });

    it("knows it is deployed from any Cloud Functions marker, and local auth only from '1'", () => {
      for (const k of ["K_SERVICE", "FUNCTION_TARGET", "FUNCTION_NAME"])
        assert.equal(parseRuntimeEnv({ [k]: "api" }).deployed, true);
      assert.equal(parseRuntimeEnv({}).deployed, false);
      assert.equal(parseRuntimeEnv({ FIELDLENS_LOCAL_AUTH: "1" }).localAuth, true);
      assert.equal(parseRuntimeEnv({ FIELDLENS_LOCAL_AUTH: "true" }).localAuth, false);
    });

    it("reads any log level it knows and falls back to info for anything else", () => {
      fc.assert(
        fc.property(fc.string(), (level) => {
          const known = ["debug", "info", "warn", "error", "silent"].includes(level);
          assert.equal(
            parseRuntimeEnv({ FIELDLENS_LOG_LEVEL: level }).logLevel,
            known ? level : "info",
          );
        }),
      );
    });

    it("takes the API port from FIELDLENS_API_PORT when it is a port, else 8787", () => {
      assert.equal(parseRuntimeEnv({}).apiPort, 8787);
      assert.equal(parseRuntimeEnv({ FIELDLENS_API_PORT: "" }).apiPort, 8787);
      assert.equal(parseRuntimeEnv({ FIELDLENS_API_PORT: "0" }).apiPort, 0);
      fc.assert(
        fc.property(
          fc.oneof(fc.string(), fc.integer({ min: -10, max: 70_000 }).map(String)),
          (raw) => {
            const n = Number(raw);
            const valid = raw !== "" && Number.isInteger(n) && n >= 0 && n <= 65535;
            assert.equal(parseRuntimeEnv({ FIELDLENS_API_PORT: raw }).apiPort, valid ? n : 8787);
          },
        ),
      );
    });
  });

  describe("uploadBucket", () => {
    const saved = { ...process.env };
    afterEach(() => {
      for (const k of [
        "GCLOUD_PROJECT",
        "GOOGLE_CLOUD_PROJECT",
        "FIREBASE_CONFIG",
        "FIELDLENS_BUCKET",
      ]) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    });

    it("is the project's default bucket, and never a demo bucket when no project is named", () => {
      for (const k of [
        "GCLOUD_PROJECT",
        "GOOGLE_CLOUD_PROJECT",
        "FIREBASE_CONFIG",
        "FIELDLENS_BUCKET",
      ])
        delete process.env[k];
      assert.throws(() => uploadBucket(), /no project id/);
      process.env.GCLOUD_PROJECT = "prod-x";
      assert.equal(uploadBucket(), "prod-x.appspot.com");
      process.env.FIREBASE_CONFIG = JSON.stringify({
        projectId: "prod-x",
        storageBucket: "prod-x.firebasestorage.app",
      });
      assert.equal(uploadBucket(), "prod-x.firebasestorage.app");
      assert.notEqual(uploadBucket(), `${DEMO_PROJECT}.appspot.com`);
    });
  });
});

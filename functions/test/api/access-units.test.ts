// Pure parts of the access layer: local tokens (and their refusal in production),
// caller claims, snake_case conversion, and the composite indexes the list queries need.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import fc from "fast-check";
import { callerFromClaims, canReview, canSeeTeam } from "../../src/auth/caller";
import { decodeLocalToken, localAuthEnabled, mintLocalToken } from "../../src/auth/local-token";
import { ApiError } from "../../src/api/errors";
import { requiredIndexes } from "../../src/api/listing";
import { snakeCase, snakeKey } from "../../src/api/rest/snake-case";

const uid = fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/);
const team = fc.stringMatching(/^[a-z0-9-]{1,12}$/);

describe("local emulator tokens", function () {
  const saved = { ...process.env };
  afterEach(function () {
    for (const k of ["FIELDLENS_LOCAL_AUTH", "K_SERVICE", "FUNCTION_TARGET", "FUNCTION_NAME"]) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it("decode(mint(uid, claims)) returns the uid and claims for any uid and teams", function () {
    fc.assert(
      fc.property(
        uid,
        fc.constantFrom("inspector", "supervisor", "admin"),
        fc.array(team, { maxLength: 5 }),
        (u, role, teamIds) => {
          const { uid: got, claims } = decodeLocalToken(mintLocalToken(u, { role, teamIds }));
          assert.equal(got, u);
          assert.equal(claims.role, role);
          assert.deepEqual(claims.teamIds, teamIds);
        },
      ),
    );
  });

  it("rejects expired tokens, signed headers and garbage", function () {
    const now = 2_000_000_000;
    assert.throws(
      () =>
        decodeLocalToken(mintLocalToken("u", {}, { nowSeconds: now - 100, ttlSeconds: 50 }), now),
      /expired/,
    );
    const [, payload] = mintLocalToken("u", {}).split(".");
    const rs = Buffer.from(JSON.stringify({ alg: "RS256", typ: "JWT" })).toString("base64url");
    assert.throws(() => decodeLocalToken(`${rs}.${payload}.c2ln`), /unsigned/);
    fc.assert(
      fc.property(fc.string(), (s) => {
        assert.throws(() => decodeLocalToken(s));
      }),
    );
  });

  it("is off unless FIELDLENS_LOCAL_AUTH=1, and refused inside a deployed function", function () {
    delete process.env.FIELDLENS_LOCAL_AUTH;
    assert.equal(localAuthEnabled(), false);
    process.env.FIELDLENS_LOCAL_AUTH = "1";
    delete process.env.K_SERVICE;
    delete process.env.FUNCTION_TARGET;
    delete process.env.FUNCTION_NAME;
    assert.equal(localAuthEnabled(), true);
    for (const marker of ["K_SERVICE", "FUNCTION_TARGET", "FUNCTION_NAME"]) {
      process.env[marker] = "api";
      assert.throws(() => localAuthEnabled(), /refused inside a deployed function/);
      delete process.env[marker];
    }
  });
});

describe("callers", function () {
  it("need a known role; only admins see team-less data; reviewers are their team's supervisors and admins", function () {
    assert.throws(
      () => callerFromClaims(undefined, { role: "admin" }),
      (e: unknown) => e instanceof ApiError && e.status === 401,
    );
    assert.throws(
      () => callerFromClaims("u", {}),
      (e: unknown) => e instanceof ApiError && e.status === 403,
    );
    assert.throws(
      () => callerFromClaims("u", { role: "owner" }),
      (e: unknown) => e instanceof ApiError && e.status === 403,
    );
    fc.assert(
      fc.property(
        fc.constantFrom("inspector", "supervisor", "admin"),
        fc.array(team, { maxLength: 4 }),
        fc.option(team, { nil: null }),
        (role, teamIds, t) => {
          const c = callerFromClaims("u", { role, teamIds });
          const member = t !== null && teamIds.includes(t);
          assert.equal(canSeeTeam(c, t), role === "admin" || member);
          assert.equal(canReview(c, t), role === "admin" || (role === "supervisor" && member));
        },
      ),
    );
  });
});

describe("snake_case responses", function () {
  it("converts camelCase keys at every depth and leaves data-like keys alone", function () {
    assert.deepEqual(
      snakeCase({
        photoId: "p",
        statusHistory: [{ takenAtSource: 1 }],
        units: { LABEL_DETECTION: 2, "M-A": 1 },
      }),
      {
        photo_id: "p",
        status_history: [{ taken_at_source: 1 }],
        units: { LABEL_DETECTION: 2, "M-A": 1 },
      },
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,20}$/), (k) => {
        const s = snakeKey(k);
        assert.equal(s, s.toLowerCase());
        assert.equal(s.replace(/_/g, ""), k.toLowerCase());
      }),
    );
  });
});

describe("firestore.indexes.json", function () {
  const file = JSON.parse(
    readFileSync(resolve(__dirname, "..", "..", "..", "firestore.indexes.json"), "utf8"),
  ) as {
    indexes: Array<{
      collectionGroup: string;
      queryScope: string;
      fields: Array<{ fieldPath: string; order: string }>;
    }>;
    fieldOverrides: Array<{ collectionGroup: string; fieldPath: string; ttl?: boolean }>;
  };
  const key = (i: {
    collectionGroup: string;
    queryScope: string;
    fields: Array<{ fieldPath: string; order: string }>;
  }) =>
    `${i.collectionGroup}|${i.queryScope}|${i.fields.map((f) => `${f.fieldPath}:${f.order}`).join(",")}`;
  const have = new Set(file.indexes.map(key));

  it("holds every composite index the API's list queries can need", function () {
    const missing = requiredIndexes().filter((i) => !have.has(key(i)));
    assert.deepEqual(missing.map(key), []);
  });

  it("holds the backend's own query indexes and the visionCache TTL", function () {
    for (const k of [
      "photos|COLLECTION|status:ASCENDING,updatedAt:ASCENDING",
      "photos|COLLECTION|assetId:ASCENDING,createdAt:DESCENDING",
      "photos|COLLECTION|teamId:ASCENDING,status:ASCENDING,createdAt:DESCENDING",
      "anomalies|COLLECTION|photoId:ASCENDING,createdAt:DESCENDING",
      "anomalies|COLLECTION|teamId:ASCENDING,severity:ASCENDING,createdAt:DESCENDING",
      "meterReadings|COLLECTION|meterId:ASCENDING,status:ASCENDING,readAt:DESCENDING",
      "tasks|COLLECTION|parentId:ASCENDING,state:ASCENDING",
    ]) {
      assert.ok(have.has(k), `missing index ${k}`);
    }
    assert.ok(
      file.fieldOverrides.some(
        (o) => o.collectionGroup === "visionCache" && o.fieldPath === "expireAt" && o.ttl === true,
      ),
    );
    assert.equal(have.size, file.indexes.length, "no duplicate indexes");
  });
});

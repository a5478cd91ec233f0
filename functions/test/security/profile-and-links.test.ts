// Abuse suite, item 8 (part): users/{uid}.fcmTokens took maps, numbers, 500 KB strings
// and any count under 20; pagination links reflected X-Forwarded-Host/-Proto verbatim.
import { strict as assert } from "node:assert";
import {
  assertFails,
  assertSucceeds,
  type RulesTestEnvironment,
} from "@firebase/rules-unit-testing";
import { doc, getDoc, setDoc, updateDoc } from "firebase/firestore";
import { contextFor, firestoreRulesEnv } from "../rules/rules-env";
import { http, seedWorld, startApiEnv, type ApiEnv } from "../api/api-env";

describe("security: bounded device tokens (firestore.rules)", function () {
  let env: RulesTestEnvironment;
  before(async () => {
    env = await firestoreRulesEnv();
    await env.clearFirestore();
    await env.withSecurityRulesDisabled(async (ctx) => {
      await setDoc(doc(ctx.firestore(), "users/inspA"), {
        uid: "inspA",
        role: "inspector",
        teamIds: ["team-a"],
        fcmTokens: ["tok-0"],
      });
    });
  });
  after(async () => env.cleanup());

  const refused: Array<[string, unknown]> = [
    ["a map", { a: "tok" }],
    ["a list holding a number", ["tok-1", 42]],
    ["a list holding a map", [{ token: "x" }]],
    ["a 500 KB token", ["x".repeat(500_000)]],
    ["an empty token", [""]],
    ["11 tokens", Array.from({ length: 11 }, (_, i) => `tok-${i}`)],
    [
      "a token in the 10th place that is not a string",
      [...Array.from({ length: 9 }, (_, i) => `tok-${i}`), true],
    ],
  ];
  for (const [what, value] of refused) {
    it(`refuses ${what}, and the profile is unchanged`, async function () {
      const db = contextFor(env, "inspA").firestore();
      await assertFails(updateDoc(doc(db, "users/inspA"), { fcmTokens: value }));
      assert.deepEqual((await getDoc(doc(db, "users/inspA"))).get("fcmTokens"), ["tok-0"]);
    });
  }

  it("accepts up to 10 tokens of up to 4096 characters", async function () {
    const db = contextFor(env, "inspA").firestore();
    await assertSucceeds(
      updateDoc(doc(db, "users/inspA"), {
        fcmTokens: [...Array.from({ length: 9 }, (_, i) => `tok-${i}`), "t".repeat(4096)],
      }),
    );
    await assertSucceeds(updateDoc(doc(db, "users/inspA"), { fcmTokens: [] }));
  });
});

describe("security: pagination links do not reflect unchecked proxy headers", function () {
  let env: ApiEnv;
  before(async function () {
    env = await startApiEnv();
    await seedWorld();
  });
  after(async () => env.dispose());

  async function nextLink(headers: Record<string, string>): Promise<URL> {
    const r = await http(env, "GET", "photos/?page_size=5", { as: "inspA", headers });
    assert.equal(r.status, 200);
    return new URL(String(r.body.next));
  }

  it("a hostile X-Forwarded-Host or -Proto is ignored: the link names the Host the request came to", async function () {
    const own = new URL(env.api.baseUrl).host;
    const hostile: Array<Record<string, string>> = [
      { "x-forwarded-host": "evil.example/phish?x=" },
      { "x-forwarded-host": "user@evil.example" },
      { "x-forwarded-host": "evil.example#" },
      { "x-forwarded-host": "a".repeat(300) },
      { "x-forwarded-proto": "javascript" },
      { "x-forwarded-proto": "https://evil.example/" },
    ];
    for (const headers of hostile) {
      const link = await nextLink(headers);
      assert.equal(link.host, own, JSON.stringify(headers));
      assert.equal(link.protocol, "http:", JSON.stringify(headers));
      assert.equal(link.searchParams.get("page"), "2");
    }
  });

  it("well-formed proxy headers are used (the deployed function sits behind Google's front end)", async function () {
    const link = await nextLink({
      "x-forwarded-host": "api.fieldlens.example",
      "x-forwarded-proto": "https, http",
    });
    assert.equal(link.origin, "https://api.fieldlens.example");
    assert.equal(link.pathname, "/api/v1/images/photos/");
  });
});

// Abuse suite, item 8 (part): fcmTokens is bounded by firestore.rules (test/security/
// profile-and-links.test.ts), but profiles written before that may still hold maps,
// numbers and 500 KB strings, and a token can sit in two profiles (a copied device).
// Delivery sends only well-formed tokens, each once, and a refusal prunes nothing.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { resetDeps, setDeps } from "../../src/deps";
import { createNotification } from "../../src/notify/create-notification";
import { deviceTokens, sendNotification } from "../../src/notify/send-notification";
import type { Messenger, PushMessage } from "../../src/ports";
import { MAX_DEVICE_TOKEN_CHARS, MAX_DEVICE_TOKENS, UserDocSchema } from "../../src/schema/people";
import { clearFirestore, db } from "../helpers/firestore";
import { REPO_ROOT } from "../rules/rules-env";

class RecordingMessenger implements Messenger {
  sent: PushMessage[] = [];
  send(msg: PushMessage) {
    this.sent.push(msg);
    // FCM refusing the message itself (too large, a bad key) reports no dead token.
    return Promise.resolve({ sent: 0, invalidTokens: [] });
  }
}

describe("security: delivery sends only well-formed device tokens, each once", function () {
  let messenger: RecordingMessenger;
  beforeEach(async () => {
    await clearFirestore();
    messenger = new RecordingMessenger();
    setDeps({ messenger, now: () => new Date("2026-03-02T12:00:00Z") });
  });
  after(() => resetDeps());

  it("legacy profiles holding a map, numbers, a 500 KB string or a shared token: only the valid ones are sent, once; nothing is pruned", async function () {
    const huge = "x".repeat(500_000);
    const profiles: Record<string, unknown> = {
      u1: ["t1", 42, huge, "", { token: "t9" }, "shared"],
      u2: { a: "t2" },
      u3: ["shared", "t3"],
    };
    for (const [uid, fcmTokens] of Object.entries(profiles))
      await db()
        .doc(`users/${uid}`)
        .set({ uid, role: "inspector", teamIds: ["team-a"], fcmTokens });
    await createNotification({ id: "n1", uids: ["u1", "u2", "u3"], title: "T", body: "B" });
    assert.equal(await sendNotification("n1"), "SENT");
    assert.equal(messenger.sent.length, 1);
    assert.deepEqual([...messenger.sent[0].tokens].sort(), ["shared", "t1", "t3"]);
    const n = (await db().doc("notifications/n1").get()).data()!;
    assert.equal(n.status, "SENT");
    for (const [uid, fcmTokens] of Object.entries(profiles))
      assert.deepEqual((await db().doc(`users/${uid}`).get()).get("fcmTokens"), fcmTokens);
  });

  it("property: the tokens sent from any profile value are strings of 1..4096 characters, at most 10", function () {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(
            fc.oneof(
              fc.string({ maxLength: 8 }),
              fc.constant("y".repeat(MAX_DEVICE_TOKEN_CHARS + 1)),
              fc.constant("z".repeat(MAX_DEVICE_TOKEN_CHARS)),
              fc.integer(),
              fc.constant(null),
              fc.dictionary(fc.string(), fc.string()),
            ),
            { maxLength: 30 },
          ),
          fc.anything(),
        ),
        (value) => {
          const out = deviceTokens(value);
          assert.ok(out.length <= MAX_DEVICE_TOKENS);
          for (const t of out) {
            assert.equal(typeof t, "string");
            assert.ok(t.length >= 1 && t.length <= MAX_DEVICE_TOKEN_CHARS);
            assert.ok(Array.isArray(value) && value.includes(t), "only the profile's own tokens");
          }
          const valid = Array.isArray(value)
            ? value.filter(
                (t) => typeof t === "string" && t.length >= 1 && t.length <= MAX_DEVICE_TOKEN_CHARS,
              )
            : [];
          assert.deepEqual(out, valid.slice(0, MAX_DEVICE_TOKENS), "valid ones kept in order");
        },
      ),
    );
  });

  it("firestore.rules and the user schema hold the same bounds", function () {
    const rules = readFileSync(`${REPO_ROOT}/firestore.rules`, "utf8");
    const checked = [...rules.matchAll(/validToken\(list, (\d+)\)/g)].map((m) => Number(m[1]));
    assert.deepEqual(
      checked,
      Array.from({ length: MAX_DEVICE_TOKENS }, (_, i) => i),
      "every place up to the maximum is checked",
    );
    assert.match(rules, new RegExp(`list\\.size\\(\\) <= ${MAX_DEVICE_TOKENS}\\b`));
    assert.match(rules, new RegExp(`list\\[i\\]\\.size\\(\\) <= ${MAX_DEVICE_TOKEN_CHARS}\\)`));
    const profile = { uid: "u", role: "inspector", teamIds: [] };
    assert.equal(UserDocSchema.safeParse({ ...profile, fcmTokens: [""] }).success, false);
    assert.equal(
      UserDocSchema.safeParse({
        ...profile,
        fcmTokens: Array.from({ length: MAX_DEVICE_TOKENS + 1 }, (_, i) => `t${i}`),
      }).success,
      false,
    );
    assert.equal(
      UserDocSchema.safeParse({ ...profile, fcmTokens: ["t".repeat(MAX_DEVICE_TOKEN_CHARS)] })
        .success,
      true,
    );
  });
});

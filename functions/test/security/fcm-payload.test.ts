// Abuse suite, item 3 (messenger part): any push, however large or odd its text, is
// fitted under FCM's payload limit before it is sent, so FCM never refuses it, and a
// refusal is never taken for a dead device (tests in test/contract/fcm-messenger.test.ts).
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { interpretBatch } from "../../src/adapters/gcp/messenger";
import {
  FCM_MAX_PAYLOAD_BYTES,
  PAYLOAD_BUDGET_BYTES,
  fitPayload,
  payloadBytes,
} from "../../src/notify/fcm-payload";

const text = fc.string({
  unit: fc.constantFrom("a", "ü", "€", "😀", '"', "\\", "\n", "\ud800"),
  maxLength: 4000,
});

describe("security: push payloads fit FCM and refusals never prune devices", function () {
  it("property: the fitted payload is within budget, keeps what fits unchanged, and cuts only on code points", function () {
    fc.assert(
      fc.property(
        text,
        text,
        fc.dictionary(fc.stringMatching(/^[a-zA-Z.]{1,12}$/), text, { maxKeys: 6 }),
        (title, body, data) => {
          const fitted = fitPayload({ title, body, data });
          assert.ok(payloadBytes(fitted) <= PAYLOAD_BUDGET_BYTES);
          assert.ok(PAYLOAD_BUDGET_BYTES < FCM_MAX_PAYLOAD_BYTES);
          for (const s of [fitted.title, fitted.body, ...Object.values(fitted.data)])
            assert.ok(!/\p{Cs}/u.test(s), "no unpaired surrogates");
          const clean = (s: string) => s.replace(/\p{Cs}/gu, "\uFFFD");
          const prefixOf = (cut: string, whole: string) =>
            cut === whole ||
            cut === "" ||
            (cut.endsWith("…") && whole.startsWith(cut.slice(0, -1)));
          assert.ok(prefixOf(fitted.title, clean(title)) && prefixOf(fitted.body, clean(body)));
          for (const [k, v] of Object.entries(fitted.data))
            assert.ok(prefixOf(v, clean(data[k])), k);
          const small = {
            title: clean(title),
            body: clean(body),
            data: Object.fromEntries(
              Object.entries(data)
                .filter(([k]) => !/^(google|gcm)(\.|$)/i.test(k))
                .map(([k, v]) => [k, clean(v)]),
            ),
          };
          if (payloadBytes(small) <= PAYLOAD_BUDGET_BYTES) assert.deepEqual(fitted, small);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("ids survive: the free text is cut before short data values", function () {
    const fitted = fitPayload({
      title: "New message",
      body: "x".repeat(10_000),
      data: { roomId: "room-1", messageId: "m-1", text: "y".repeat(10_000) },
    });
    assert.equal(fitted.data.roomId, "room-1");
    assert.equal(fitted.data.messageId, "m-1");
    assert.equal(fitted.title, "New message");
    assert.ok(payloadBytes(fitted) <= PAYLOAD_BUDGET_BYTES);
  });

  it("only not-registered / invalid-registration-token errors mark a token dead", function () {
    const err = (code: string) => ({ success: false as const, error: { code } as never });
    const codes = [
      "messaging/registration-token-not-registered",
      "messaging/invalid-registration-token",
      "messaging/invalid-argument",
      "messaging/payload-size-limit-exceeded",
      "messaging/message-rate-exceeded",
      "messaging/internal-error",
    ];
    const r = interpretBatch(codes, { responses: codes.map(err) });
    assert.deepEqual(r.invalidTokens, [
      "messaging/registration-token-not-registered",
      "messaging/invalid-registration-token",
    ]);
  });
});

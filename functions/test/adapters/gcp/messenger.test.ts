// adapters/gcp/messenger.ts: interpreting FCM BatchResponses.
import assert from "node:assert/strict";
import { interpretBatch } from "../../../src/adapters/gcp/messenger";

describe("FCM batch interpretation (recorded BatchResponse shapes)", () => {
  it("counts successes and collects dead tokens, leaving transient ones", () => {
    const res = {
      responses: [
        { success: true, messageId: "projects/p/messages/0:1" },
        {
          success: false,
          error: {
            code: "messaging/registration-token-not-registered",
            message: "Requested entity was not found.",
          },
        },
        { success: false, error: { code: "messaging/server-unavailable", message: "unavailable" } },
        { success: false, error: { code: "messaging/invalid-registration-token", message: "bad" } },
      ],
    };
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    assert.deepEqual(interpretBatch(["a", "b", "c", "d"], res as any), {
      sent: 1,
      invalidTokens: ["b", "d"],
      transient: 1,
    });
  });
});

import assert from "node:assert/strict";
import { firestore } from "../src/firestore";

describe("Firestore emulator", () => {
  it("is the real emulator: a document round-trips and a create conflict is refused", async () => {
    assert.ok(
      process.env.FIRESTORE_EMULATOR_HOST,
      "tests must run under scripts/with-firestore-emulator.mjs",
    );
    const ref = firestore().collection("smoke").doc(`d${Date.now()}`);
    await ref.create({ n: 1 });
    await assert.rejects(ref.create({ n: 2 }), (e: { code?: number }) => e.code === 6);
    assert.equal((await ref.get()).get("n"), 1);
  });
});

// The local outbox's journal: a notification id is delivered once, across messenger
// instances (runtime restarts), and a line torn by a kill mid-write is skipped.
import { strict as assert } from "node:assert";
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { OutboxMessenger, readJournal } from "../../../src/adapters/local/outbox-messenger";

describe("adapters/local/outbox-messenger", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "fieldlens-outbox-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("delivers each notification id once, whatever the sends, restarts and duplicates", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(fc.constantFrom<string | undefined>("n1", "n2", "n3", undefined), fc.boolean()),
          { maxLength: 25 },
        ),
        async (sends) => {
          const journal = join(dir, `${Math.random().toString(36).slice(2)}.jsonl`);
          const printed: string[] = [];
          let m = new OutboxMessenger((l) => printed.push(l), undefined, journal);
          for (const [id, restart] of sends) {
            if (restart) m = new OutboxMessenger((l) => printed.push(l), undefined, journal);
            const r = await m.send({
              id,
              tokens: ["t1", "t2"],
              title: "T",
              body: "B",
              data: { k: "v" },
            });
            assert.equal(r.sent, 2, "a repeated id reports what the first delivery did");
          }
          const lines = readJournal(journal);
          const withId = sends.map(([id]) => id).filter((id): id is string => id !== undefined);
          assert.deepEqual(
            lines.filter((l) => l.id).map((l) => l.id),
            [...new Set(withId)],
          );
          assert.equal(
            lines.filter((l) => l.id === null).length,
            sends.filter(([id]) => id === undefined).length,
          );
          assert.equal(printed.length, lines.length);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("skips a torn last line and still knows the ids before it", async () => {
    const journal = join(dir, "outbox.jsonl");
    await new OutboxMessenger(() => {}, undefined, journal).send({
      id: "n1",
      tokens: ["t"],
      title: "T",
      body: "B",
      data: {},
    });
    appendFileSync(journal, '{"id":"n2","at":"20');
    const m = new OutboxMessenger(() => {}, undefined, journal);
    assert.equal(m.hasDelivered("n1"), true);
    assert.equal(m.hasDelivered("n2"), false);
    assert.deepEqual(
      readJournal(journal).map((l) => l.id),
      ["n1"],
    );
  });
});

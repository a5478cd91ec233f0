// reports/image-report.ts (and the ingest hash distance it uses): comparison helpers.
import assert from "node:assert/strict";
import fc from "fast-check";
import { compareFindings, worstSeverity } from "../../src/reports/image-report";
import { hamming as hashDistance } from "../../src/ingest/hashes";
import { SEVERITY_ORDER, SeveritySchema } from "../../src/schema/common";

describe("report helpers", () => {
  it("hash distance is a metric on 64-bit hashes", () => {
    const hex = fc
      .bigInt({ min: 0n, max: (1n << 64n) - 1n })
      .map((b) => b.toString(16).padStart(16, "0"));
    fc.assert(
      fc.property(hex, hex, hex, (a, b, c) => {
        assert.equal(hashDistance(a, a), 0);
        assert.equal(hashDistance(a, b), hashDistance(b, a));
        assert.ok(hashDistance(a, c) <= hashDistance(a, b) + hashDistance(b, c));
        assert.ok(hashDistance(a, b) <= 64);
      }),
    );
    assert.equal(hashDistance("0000000000000000", "ffffffffffffffff"), 64);
  });
  it("comparison splits types into appeared, resolved and persisted", () => {
    const r = compareFindings(
      [
        { type: "CRACK", severity: "LOW" },
        { type: "LEAK", severity: "HIGH" },
      ],
      [
        { type: "CRACK", severity: "CRITICAL" },
        { type: "CORROSION", severity: "MEDIUM" },
      ],
    );
    assert.deepEqual(r, {
      appeared: ["CORROSION"],
      resolved: ["LEAK"],
      persisted: ["CRACK"],
      worstBefore: "HIGH",
      worstAfter: "CRITICAL",
    });
    fc.assert(
      fc.property(
        fc.array(fc.record({ severity: fc.constantFrom(...SeveritySchema.options) })),
        (xs) => {
          const w = worstSeverity(xs);
          assert.equal(w === null, xs.length === 0);
          if (w === null) return;
          // The result is one of the inputs and no input is more severe than it.
          const rank = (s: string) => SEVERITY_ORDER.indexOf(s as (typeof SEVERITY_ORDER)[number]);
          assert.ok(xs.some((x) => x.severity === w));
          for (const x of xs) assert.ok(rank(x.severity) <= rank(w), `${x.severity} > ${w}`);
        },
      ),
    );
  });
});

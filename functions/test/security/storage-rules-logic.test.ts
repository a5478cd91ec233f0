// Abuse suite, item 2 (rules half) and item 4: storage.rules cannot run here (no Storage
// emulator), so this checks what can be checked without one. Structure: every rule that
// lets a client write under uploads/ calls the membership check and refuses the
// backend's metadata keys. Logic: firestore.rules holds the same mayUploadTo() (a test
// keeps the text identical up to the cross-service prefix), and on the Firestore
// emulator it allows exactly what ingest's membership rule allows.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  assertFails,
  assertSucceeds,
  type RulesTestEnvironment,
} from "@firebase/rules-unit-testing";
import { doc, getDoc, setDoc } from "firebase/firestore";
import { decideMembership } from "../../src/ingest/membership";
import { BACKEND_METADATA_KEYS } from "../../src/ingest/photo-id";
import { EVERYONE, PEOPLE, REPO_ROOT, contextFor, firestoreRulesEnv } from "../rules/rules-env";

const STORAGE = readFileSync(resolve(REPO_ROOT, "storage.rules"), "utf8");
const FIRESTORE = readFileSync(resolve(REPO_ROOT, "firestore.rules"), "utf8");

/** The text from `header` to its matching closing brace. */
function block(source: string, header: string): string {
  const start = source.indexOf(header);
  assert.ok(start >= 0, `no block "${header}"`);
  let depth = 0;
  for (let i = source.indexOf("{", start + header.length); i < source.length; i += 1) {
    if (source[i] === "{") depth += 1;
    if (source[i] === "}" && --depth === 0) return source.slice(start, i + 1);
  }
  throw new Error(`unbalanced braces after "${header}"`);
}

/** Each `allow <ops>: if <condition>;` of a block. */
function allows(body: string): Array<{ ops: string[]; condition: string }> {
  return [...body.matchAll(/allow\s+([a-z,\s]+?)\s*:\s*if\s+([\s\S]+?);/g)].map((m) => ({
    ops: m[1].split(",").map((o) => o.trim()),
    condition: m[2].replace(/\s+/g, " ").trim(),
  }));
}

const squash = (s: string) => s.replace(/\s+/g, " ").trim();

describe("security: storage.rules upload checks (structure, and their logic on the Firestore emulator)", function () {
  it("every rule that lets a client write under uploads/ checks uid, team membership and backend metadata", function () {
    const uploads = block(STORAGE, "match /uploads/{uid}/{assetId}/{fileName}");
    const rules = allows(uploads);
    const writing = rules.filter((r) =>
      r.ops.some((o) => ["write", "create", "update", "delete"].includes(o)),
    );
    assert.ok(writing.length > 0, "uploads/ has write rules");
    for (const r of writing) {
      if (r.condition === "false") continue;
      assert.match(r.condition, /request\.auth\.uid == uid/, `${r.ops.join(",")}: own uid`);
      assert.match(
        r.condition,
        /mayUploadTo\(assetId\)/,
        `${r.ops.join(",")}: membership of the asset's team`,
      );
      assert.match(
        r.condition,
        /noBackendMetadata\(\)/,
        `${r.ops.join(",")}: refuses the backend's metadata keys`,
      );
    }
    // No other match block opens writes to clients.
    for (const other of STORAGE.split(/\n(?=\s*match )/).filter(
      (b) => !b.includes("match /uploads/"),
    )) {
      for (const r of allows(other))
        if (r.ops.some((o) => ["write", "create", "update"].includes(o)))
          assert.equal(r.condition, "false", squash(other).slice(0, 80));
    }
  });

  it("the membership check reads the asset through cross-service rules and the caller's claims", function () {
    const fn = block(STORAGE, "function mayUploadTo(assetId)");
    assert.match(
      fn,
      /firestore\.exists\(\/databases\/\(default\)\/documents\/assets\/\$\(assetId\)\)/,
    );
    assert.match(
      fn,
      /firestore\.get\(\/databases\/\(default\)\/documents\/assets\/\$\(assetId\)\)\.data\.get\('teamId', null\)/,
    );
    assert.match(fn, /request\.auth\.token\.get\('teamIds', \[\]\)/);
    assert.match(
      fn,
      /request\.auth\.token\.get\('role', ''\) in \['inspector', 'supervisor', 'admin'\]/,
    );
  });

  it("firestore.rules' mayUploadTo() is storage.rules' one, word for word but for the cross-service prefix", function () {
    const storageFn = squash(block(STORAGE, "function mayUploadTo(assetId)")).replace(
      /firestore\.(exists|get)\(\/databases\/\(default\)\/documents\//g,
      "$1(/databases/$$(database)/documents/",
    );
    assert.equal(squash(block(FIRESTORE, "function mayUploadTo(assetId)")), storageFn);
  });

  it("refuses exactly the custom metadata keys the backend writes", function () {
    const fn = squash(block(STORAGE, "function noBackendMetadata()"));
    const listed = [...(/hasAny\(\s*\[([^\]]*)\]/.exec(fn)?.[1] ?? "").matchAll(/'([^']+)'/g)].map(
      (m) => m[1],
    );
    assert.deepEqual([...listed].sort(), [...BACKEND_METADATA_KEYS].sort());
  });

  describe("mayUploadTo() on the Firestore emulator agrees with ingest's decideMembership()", function () {
    let env: RulesTestEnvironment;
    const ASSETS: Record<string, Record<string, unknown> | undefined> = {
      "asset-a": { teamId: "team-a" },
      "asset-b": { teamId: "team-b" },
      "asset-noteam": { teamId: null },
      "asset-oddteam": { teamId: 42 },
      "asset-missing": undefined,
    };
    before(async () => {
      env = await firestoreRulesEnv();
      await env.clearFirestore();
      await env.withSecurityRulesDisabled(async (ctx) => {
        for (const [id, data] of Object.entries(ASSETS))
          if (data) await setDoc(doc(ctx.firestore(), `assets/${id}`), data);
      });
    });
    after(async () => env.cleanup());

    for (const who of EVERYONE) {
      for (const [assetId, asset] of Object.entries(ASSETS)) {
        const claims = who === "anon" ? undefined : (PEOPLE[who] as Record<string, unknown>);
        const expected = who !== "anon" && decideMembership(who, assetId, claims, asset).ok;
        it(`${who} → ${assetId}: ${expected ? "allowed" : "denied"}`, async function () {
          const probe = getDoc(doc(contextFor(env, who).firestore(), `uploadAccess/${assetId}`));
          await (expected ? assertSucceeds(probe) : assertFails(probe));
        });
      }
    }
  });
});

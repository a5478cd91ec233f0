// storage.rules: the upload/read matrix runs against a Storage emulator when
// FIREBASE_STORAGE_EMULATOR_HOST points at one that answers. This machine's launcher
// starts only the Firestore emulator, so otherwise the suite says loudly that the
// matrix did not run and checks only what it can without an emulator: the rules file's
// structure (paths, limits, content types, the cross-service team check).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { strict as assert } from "node:assert";
import {
  assertFails,
  assertSucceeds,
  initializeTestEnvironment,
} from "@firebase/rules-unit-testing";
import { doc, setDoc } from "firebase/firestore";
import { getBytes, ref, uploadBytes } from "firebase/storage";
import { PEOPLE, REPO_ROOT, RULES_PROJECT, hostPort, type Who } from "./rules-env";

const RULES = readFileSync(resolve(REPO_ROOT, "storage.rules"), "utf8");

async function storageEmulatorReachable(): Promise<boolean> {
  const hp = hostPort("FIREBASE_STORAGE_EMULATOR_HOST");
  if (!hp) return false;
  try {
    await fetch(`http://${hp.host}:${hp.port}/`, { signal: AbortSignal.timeout(1500) });
    return true;
  } catch {
    return false;
  }
}

/** Matches block bodies by brace counting, so the checks below look inside the right block. */
function block(source: string, header: string): string {
  const start = source.indexOf(header);
  assert.ok(start >= 0, `storage.rules has no block "${header}"`);
  let depth = 0;
  for (let i = source.indexOf("{", start + header.length); i < source.length; i += 1) {
    if (source[i] === "{") depth += 1;
    if (source[i] === "}" && --depth === 0) return source.slice(start, i + 1);
  }
  throw new Error(`unbalanced braces after "${header}"`);
}

describe("storage.rules", function () {
  it("has the intended structure: owner-only originals, limits, team-read derived, closed elsewhere", function () {
    assert.match(RULES, /^rules_version = '2';/m);
    assert.equal(
      (RULES.match(/{/g) ?? []).length,
      (RULES.match(/}/g) ?? []).length,
      "braces balance",
    );
    const uploads = block(RULES, "match /uploads/{uid}/{assetId}/{fileName}");
    assert.match(
      uploads,
      /allow create: if signedIn\(\) && request\.auth\.uid == uid\s+&& mayUploadTo\(assetId\)\s+&& noBackendMetadata\(\)/,
    );
    assert.match(uploads, /request\.resource\.size <= 30 \* 1024 \* 1024/);
    assert.match(uploads, /request\.resource\.contentType\.matches\('image\/\.\+'\)/);
    assert.match(uploads, /allow read: if signedIn\(\) && request\.auth\.uid == uid;/);
    assert.match(uploads, /allow update, delete: if false;/);
    const derived = block(RULES, "match /photos/{photoId}/{rest=**}");
    assert.match(
      derived,
      /firestore\.get\(\/databases\/\(default\)\/documents\/photos\/\$\(photoId\)\)\.data\.teamId/,
    );
    assert.match(derived, /allow write: if false;/);
    assert.match(block(RULES, "match /{allPaths=**}"), /allow read, write: if false;/);
  });

  it("enforces the upload/read matrix on a Storage emulator (or reports that none was reachable)", async function () {
    if (!(await storageEmulatorReachable())) {
      console.log(
        "\n    NOTE: storage.rules matrix NOT RUN: no Storage emulator reachable " +
          "(set FIREBASE_STORAGE_EMULATOR_HOST to run it). Only the structure was checked.\n",
      );
      assert.ok(
        !process.env.FIELDLENS_REQUIRE_STORAGE_EMULATOR,
        "FIELDLENS_REQUIRE_STORAGE_EMULATOR is set but no Storage emulator answered",
      );
      return;
    }
    const storage = hostPort("FIREBASE_STORAGE_EMULATOR_HOST")!;
    const firestore = hostPort("FIRESTORE_EMULATOR_HOST");
    const env = await initializeTestEnvironment({
      projectId: RULES_PROJECT,
      storage: { ...storage, rules: RULES },
      ...(firestore
        ? {
            firestore: {
              ...firestore,
              rules: readFileSync(resolve(REPO_ROOT, "firestore.rules"), "utf8"),
            },
          }
        : {}),
    });
    try {
      await env.withSecurityRulesDisabled(async (ctx) => {
        await setDoc(doc(ctx.firestore(), "photos/p1"), { teamId: "team-a" });
        await setDoc(doc(ctx.firestore(), "assets/asset-1"), { teamId: "team-a" });
        await setDoc(doc(ctx.firestore(), "assets/asset-noteam"), { teamId: null });
        await uploadBytes(ref(ctx.storage(), "photos/p1/display.jpg"), new Uint8Array([1, 2, 3]), {
          contentType: "image/jpeg",
        });
        await uploadBytes(
          ref(ctx.storage(), "uploads/inspA/asset-1/orig.jpg"),
          new Uint8Array([1, 2, 3]),
          { contentType: "image/jpeg" },
        );
      });
      const as = (who: Who) =>
        (who === "anon"
          ? env.unauthenticatedContext()
          : env.authenticatedContext(who, PEOPLE[who])
        ).storage();
      const img = new Uint8Array(1024);
      const rows: Array<[Who, string, boolean, () => Promise<unknown>]> = [
        [
          "inspA",
          "upload own image",
          true,
          () =>
            uploadBytes(ref(as("inspA"), "uploads/inspA/asset-1/a.jpg"), img, {
              contentType: "image/jpeg",
            }),
        ],
        [
          "admin",
          "upload own image to any team's asset",
          true,
          () =>
            uploadBytes(ref(as("admin"), "uploads/admin/asset-1/a.jpg"), img, {
              contentType: "image/jpeg",
            }),
        ],
        [
          "inspB",
          "upload into another team's asset",
          false,
          () =>
            uploadBytes(ref(as("inspB"), "uploads/inspB/asset-1/a.jpg"), img, {
              contentType: "image/jpeg",
            }),
        ],
        [
          "noRole",
          "upload without a role",
          false,
          () =>
            uploadBytes(ref(as("noRole"), "uploads/noRole/asset-1/a.jpg"), img, {
              contentType: "image/jpeg",
            }),
        ],
        [
          "inspA",
          "upload into an unknown asset",
          false,
          () =>
            uploadBytes(ref(as("inspA"), "uploads/inspA/asset-zzz/a.jpg"), img, {
              contentType: "image/jpeg",
            }),
        ],
        [
          "inspA",
          "upload into an asset of no team",
          false,
          () =>
            uploadBytes(ref(as("inspA"), "uploads/inspA/asset-noteam/a.jpg"), img, {
              contentType: "image/jpeg",
            }),
        ],
        [
          "inspA",
          "upload with the backend's derived mark",
          false,
          () =>
            uploadBytes(ref(as("inspA"), "uploads/inspA/asset-1/m.jpg"), img, {
              contentType: "image/jpeg",
              customMetadata: { fieldlensDerived: "true" },
            }),
        ],
        [
          "inspA",
          "upload with a quarantine reason",
          false,
          () =>
            uploadBytes(ref(as("inspA"), "uploads/inspA/asset-1/r.jpg"), img, {
              contentType: "image/jpeg",
              customMetadata: { reasonCode: "x" },
            }),
        ],
        [
          "inspA",
          "upload with harmless metadata",
          true,
          () =>
            uploadBytes(ref(as("inspA"), "uploads/inspA/asset-1/h.jpg"), img, {
              contentType: "image/jpeg",
              customMetadata: { app: "1.2" },
            }),
        ],
        [
          "inspA",
          "read own quarantined file",
          false,
          () => getBytes(ref(as("inspA"), "quarantine/inspA/asset-1/x.svg")),
        ],
        [
          "inspA",
          "upload into another uid",
          false,
          () =>
            uploadBytes(ref(as("inspA"), "uploads/inspB/asset-1/a.jpg"), img, {
              contentType: "image/jpeg",
            }),
        ],
        [
          "inspA",
          "upload a non-image",
          false,
          () =>
            uploadBytes(ref(as("inspA"), "uploads/inspA/asset-1/a.pdf"), img, {
              contentType: "application/pdf",
            }),
        ],
        [
          "inspA",
          "upload over 30 MB",
          false,
          () =>
            uploadBytes(
              ref(as("inspA"), "uploads/inspA/asset-1/big.jpg"),
              new Uint8Array(30 * 1024 * 1024 + 1),
              { contentType: "image/jpeg" },
            ),
        ],
        [
          "anon",
          "upload signed out",
          false,
          () =>
            uploadBytes(ref(as("anon"), "uploads/anon/asset-1/a.jpg"), img, {
              contentType: "image/jpeg",
            }),
        ],
        [
          "inspA",
          "write derived",
          false,
          () =>
            uploadBytes(ref(as("inspA"), "photos/p1/x.jpg"), img, { contentType: "image/jpeg" }),
        ],
        [
          "inspA",
          "read own original",
          true,
          () => getBytes(ref(as("inspA"), "uploads/inspA/asset-1/orig.jpg")),
        ],
        [
          "supA",
          "read another user's original",
          false,
          () => getBytes(ref(as("supA"), "uploads/inspA/asset-1/orig.jpg")),
        ],
        [
          "admin",
          "read another user's original",
          false,
          () => getBytes(ref(as("admin"), "uploads/inspA/asset-1/orig.jpg")),
        ],
        [
          "inspA",
          "read team's derived",
          true,
          () => getBytes(ref(as("inspA"), "photos/p1/display.jpg")),
        ],
        ["admin", "read derived", true, () => getBytes(ref(as("admin"), "photos/p1/display.jpg"))],
        [
          "inspB",
          "read other team's derived",
          false,
          () => getBytes(ref(as("inspB"), "photos/p1/display.jpg")),
        ],
        [
          "anon",
          "read derived signed out",
          false,
          () => getBytes(ref(as("anon"), "photos/p1/display.jpg")),
        ],
      ];
      for (const [, , allow, run] of rows)
        await (allow ? assertSucceeds(run()) : assertFails(run()));
    } finally {
      await env.cleanup();
    }
  });
});

// What the deployed function loads: every package reachable from src/index.ts must be a
// production dependency (Cloud Build installs only "dependencies"), so a local-only
// package (the OCR engine, the local runtime's tools) can never break a deploy or ship
// with it.
import { strict as assert } from "node:assert";
import { builtinModules } from "node:module";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import madge from "madge";

const root = join(__dirname, "..", "..");

/** The package a bare import names ("@scope/pkg/sub" → "@scope/pkg"); null for relative or built-in imports. */
function packageOf(spec: string): string | null {
  if (spec.startsWith(".") || spec.startsWith("/") || spec.startsWith("node:")) return null;
  const parts = spec.split("/");
  const name = spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
  return builtinModules.includes(name) ? null : name;
}

describe("deployed dependencies", () => {
  it("names the package of an import", () => {
    assert.equal(packageOf("firebase-admin/firestore"), "firebase-admin");
    assert.equal(packageOf("@google-cloud/vision/build/src"), "@google-cloud/vision");
    assert.equal(packageOf("node:fs"), null);
    assert.equal(packageOf("fs"), null);
    assert.equal(packageOf("../config"), null);
  });

  it("loads from src/index.ts only packages in package.json's dependencies", async function () {
    this.timeout(120_000);
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    const graph = await madge(join(root, "src", "index.ts"), {
      fileExtensions: ["ts"],
      tsConfig: join(root, "tsconfig.json"),
      detectiveOptions: { ts: { skipTypeImports: true }, es6: { skipTypeImports: true } },
    });
    const files = Object.keys(graph.obj());
    assert.ok(files.length > 50, `the graph reaches the whole codebase (${files.length} files)`);
    const offenders: string[] = [];
    for (const file of files) {
      const text = readFileSync(join(root, "src", file), "utf8");
      // Value imports and requires only: `import type` is erased at build time.
      const specs = [
        ...text.matchAll(/^\s*import\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?["']([^"']+)["']/gm),
        ...text.matchAll(/^\s*export\s+(?!type\s)[^'";]*?\sfrom\s+["']([^"']+)["']/gm),
        ...text.matchAll(/\b(?:require|import)\(\s*["']([^"']+)["']\s*\)/g),
      ].map((m) => m[1]);
      for (const spec of specs) {
        const name = packageOf(spec);
        if (name && !(name in pkg.dependencies)) offenders.push(`${file} imports ${spec}`);
      }
    }
    assert.deepEqual(offenders, []);
  });
});

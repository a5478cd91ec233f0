// npm run --silent tokens [-- <persona>]
// Prints emulator-style ID tokens (unsigned JWTs) for each role, as shell exports, so the
// curl examples in docs/api.md work against the local runtime's API (which accepts them
// because it runs with FIELDLENS_LOCAL_AUTH=1; a deployed function never does).
//   eval "$(npm run --silent tokens)"      → INSPECTOR_TOKEN, SUPERVISOR_TOKEN, ADMIN_TOKEN, ...
//   npm run --silent tokens -- supervisor  → just that token
import { mintLocalToken } from "../functions/src/auth/local-token";

const PERSONAS = {
  inspector: { uid: "inspector-a", role: "inspector", teamIds: ["team-a"] },
  supervisor: { uid: "supervisor-a", role: "supervisor", teamIds: ["team-a"] },
  admin: { uid: "admin", role: "admin", teamIds: [] as string[] },
  inspector_b: { uid: "inspector-b", role: "inspector", teamIds: ["team-b"] },
  supervisor_b: { uid: "supervisor-b", role: "supervisor", teamIds: ["team-b"] },
} as const;
type Persona = keyof typeof PERSONAS;

function main(): number {
  const wanted = process.argv[2]?.replace(/-/g, "_");
  if (wanted) {
    if (!(wanted in PERSONAS)) {
      process.stderr.write(`unknown persona ${wanted}; one of: ${Object.keys(PERSONAS).join(", ")}\n`);
      return 2;
    }
    const p = PERSONAS[wanted as Persona];
    process.stdout.write(`${mintLocalToken(p.uid, { role: p.role, teamIds: [...p.teamIds] })}\n`);
    return 0;
  }
  for (const [name, p] of Object.entries(PERSONAS)) {
    const token = mintLocalToken(p.uid, { role: p.role, teamIds: [...p.teamIds] });
    process.stdout.write(`# ${p.uid}: ${p.role}${p.teamIds.length ? ` of ${p.teamIds.join(", ")}` : ""}\n`);
    process.stdout.write(`export ${name.toUpperCase()}_TOKEN=${token}\n`);
  }
  return 0;
}

process.exitCode = main();

// npm run --silent tokens [-- <persona>] [-- --local]
// Prints an ID token for each persona, as shell exports, for the curl examples in
// docs/api.md. When a Firebase Auth emulator runs (FIREBASE_AUTH_EMULATOR_HOST, else the
// auth port in firebase.json), the personas become users there with their role claims
// and the tokens are the emulator's own: the Functions emulator's `api` verifies them
// with firebase-admin, and the local runtime's API accepts them too. Without one (or
// with --local) the tokens are unsigned look-alikes that only the local runtime accepts
// (it runs with FIELDLENS_LOCAL_AUTH=1; a deployed function refuses that switch).
//   eval "$(npm run --silent tokens)"      → INSPECTOR_TOKEN, SUPERVISOR_TOKEN, ADMIN_TOKEN, ...
//   npm run --silent tokens -- supervisor  → just that token
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { mintLocalToken } from "../functions/src/auth/local-token";
import {
  authEmulatorTokens,
  authEmulatorUp,
  type Persona,
} from "../functions/src/auth/emulator-tokens";
import { DEMO_PROJECT } from "../functions/src/config";
import { mintTokensUsage, parseMintTokensArgs } from "./mint-tokens-options";

const PERSONAS = {
  inspector: { uid: "inspector-a", role: "inspector", teamIds: ["team-a"] },
  supervisor: { uid: "supervisor-a", role: "supervisor", teamIds: ["team-a"] },
  admin: { uid: "admin", role: "admin", teamIds: [] as string[] },
  inspector_b: { uid: "inspector-b", role: "inspector", teamIds: ["team-b"] },
  supervisor_b: { uid: "supervisor-b", role: "supervisor", teamIds: ["team-b"] },
} as const satisfies Record<string, Persona>;
type PersonaName = keyof typeof PERSONAS;

/** Where an Auth emulator would be: the environment's, else firebase.json's port. */
function authEmulatorHost(): string {
  if (process.env.FIREBASE_AUTH_EMULATOR_HOST) return process.env.FIREBASE_AUTH_EMULATOR_HOST;
  try {
    const cfg = JSON.parse(readFileSync(join(__dirname, "..", "firebase.json"), "utf8")) as {
      emulators?: { auth?: { host?: string; port?: number } };
    };
    return `${cfg.emulators?.auth?.host ?? "127.0.0.1"}:${cfg.emulators?.auth?.port ?? 9099}`;
  } catch {
    return "127.0.0.1:9099";
  }
}

async function mint(
  personas: Persona[],
  forceLocal: boolean,
): Promise<{ tokens: Record<string, string>; source: string }> {
  const host = authEmulatorHost();
  const project = process.env.GCLOUD_PROJECT ?? DEMO_PROJECT;
  if (!forceLocal && (await authEmulatorUp(host))) {
    return {
      tokens: await authEmulatorTokens(host, project, personas),
      source: `Auth emulator at ${host} (project ${project})`,
    };
  }
  const tokens = Object.fromEntries(
    personas.map((p) => [
      p.uid,
      mintLocalToken(p.uid, { role: p.role, teamIds: [...p.teamIds] }, { projectId: project }),
    ]),
  );
  const why = forceLocal ? "--local" : `no Auth emulator at ${host}`;
  return {
    tokens,
    source: `unsigned local tokens (${why}): only the local runtime's API (FIELDLENS_LOCAL_AUTH=1) accepts them`,
  };
}

async function main(): Promise<number> {
  const names = Object.keys(PERSONAS);
  const args = parseMintTokensArgs(process.argv.slice(2), names);
  if (!args.ok) {
    process.stderr.write(`npm run tokens: ${args.error}\n${mintTokensUsage(names)}\n`);
    return 2;
  }
  const forceLocal = args.options.local;
  const wanted = args.options.persona;
  const chosen = wanted ? { [wanted]: PERSONAS[wanted as PersonaName] } : PERSONAS;
  const { tokens, source } = await mint(Object.values(chosen), forceLocal);
  if (wanted) {
    process.stderr.write(`# ${source}\n`);
    process.stdout.write(`${tokens[PERSONAS[wanted as PersonaName].uid]}\n`);
    return 0;
  }
  process.stdout.write(`# ${source}\n`);
  for (const [name, p] of Object.entries(chosen)) {
    process.stdout.write(
      `# ${p.uid}: ${p.role}${p.teamIds.length ? ` of ${p.teamIds.join(", ")}` : ""}\n`,
    );
    process.stdout.write(`export ${name.toUpperCase()}_TOKEN=${tokens[p.uid]}\n`);
  }
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`tokens: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);

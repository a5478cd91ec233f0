// Real ID tokens from the Firebase Auth emulator, for developer tools (npm run tokens):
// each persona becomes a user with its role claims (firebase-admin against the
// emulator), then signs in through the emulator's REST API as the client SDKs do. Never
// imported by the deployed functions; it refuses anything but a loopback emulator.
import { deleteApp, initializeApp } from "firebase-admin/app";
import { getAuth } from "firebase-admin/auth";
import { runtimeEnv } from "../config";

export interface Persona {
  uid: string;
  role: string;
  teamIds: readonly string[];
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]):\d+$/;

/** True when an Auth emulator answers at host:port (within a second). */
export async function authEmulatorUp(host: string): Promise<boolean> {
  if (!LOOPBACK.test(host)) return false;
  try {
    const res = await fetch(`http://${host}/`, { signal: AbortSignal.timeout(1000) });
    // The emulator answers its root with {"authEmulator": {"ready": true, ...}}.
    return (
      res.ok &&
      ((await res.json()) as { authEmulator?: { ready?: boolean } }).authEmulator?.ready === true
    );
  } catch {
    return false;
  }
}

const email = (uid: string) => `${uid.toLowerCase()}@fieldlens.test`;
const password = (uid: string) => `fieldlens-${uid}`;

/** Creates or updates each persona in the emulator and returns a fresh ID token per uid. */
export async function authEmulatorTokens(
  host: string,
  projectId: string,
  personas: readonly Persona[],
): Promise<Record<string, string>> {
  if (!LOOPBACK.test(host) || runtimeEnv().deployed)
    throw new Error(`refusing to create users outside a local Auth emulator (${host})`);
  process.env.FIREBASE_AUTH_EMULATOR_HOST = host;
  const app = initializeApp({ projectId }, `auth-emulator-tokens-${Date.now()}`);
  try {
    const auth = getAuth(app);
    const out: Record<string, string> = {};
    for (const p of personas) {
      const props = { email: email(p.uid), password: password(p.uid), emailVerified: true };
      await auth.updateUser(p.uid, props).catch(async (err: { code?: string }) => {
        if (err.code !== "auth/user-not-found") throw err;
        await auth.createUser({ uid: p.uid, ...props });
      });
      await auth.setCustomUserClaims(p.uid, { role: p.role, teamIds: [...p.teamIds] });
      const res = await fetch(
        `http://${host}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=fake-api-key`,
        {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            email: email(p.uid),
            password: password(p.uid),
            returnSecureToken: true,
          }),
        },
      );
      const body = (await res.json()) as { idToken?: string; error?: { message?: string } };
      if (!res.ok || !body.idToken)
        throw new Error(`sign-in of ${p.uid} failed: ${res.status} ${body.error?.message ?? ""}`);
      out[p.uid] = body.idToken;
    }
    return out;
  } finally {
    await deleteApp(app);
  }
}

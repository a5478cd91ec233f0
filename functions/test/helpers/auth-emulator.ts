// Real ID tokens from the Firebase Auth emulator: users created with firebase-admin
// (custom claims per role) against FIREBASE_AUTH_EMULATOR_HOST, signed in through the
// emulator's Identity Toolkit REST API exactly as the client SDKs do.
import { deleteApp, initializeApp, type App } from "firebase-admin/app";
import { getAuth, type Auth } from "firebase-admin/auth";

export interface SignedIn {
  uid: string;
  idToken: string;
  refreshToken: string;
}

export class AuthEmulator {
  private readonly app: App;
  readonly auth: Auth;

  /** firebase-admin reads FIREBASE_AUTH_EMULATOR_HOST; the caller sets it to `host`. A named app:
   * create it after the default one exists (src/firestore.ts initializes that only when none does). */
  constructor(
    readonly host: string,
    projectId: string,
  ) {
    if (process.env.FIREBASE_AUTH_EMULATOR_HOST !== host)
      throw new Error("set FIREBASE_AUTH_EMULATOR_HOST to the Auth emulator first");
    this.app = initializeApp({ projectId }, `auth-emulator-${host}-${Date.now()}`);
    this.auth = getAuth(this.app);
  }

  static email(uid: string): string {
    return `${uid.toLowerCase()}@fieldlens.test`;
  }

  /** Creates (or recreates) the user with a password and the given custom claims. */
  async createUser(uid: string, claims: Record<string, unknown>): Promise<void> {
    await this.auth.deleteUser(uid).catch(() => undefined);
    await this.auth.createUser({
      uid,
      email: AuthEmulator.email(uid),
      password: `pw-${uid}`,
      emailVerified: true,
    });
    if (Object.keys(claims).length > 0) await this.auth.setCustomUserClaims(uid, claims);
  }

  /** accounts:signInWithPassword, as the Web SDK's signInWithEmailAndPassword sends it. */
  async signIn(uid: string): Promise<SignedIn> {
    const res = await fetch(
      `http://${this.host}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=fake-api-key`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          email: AuthEmulator.email(uid),
          password: `pw-${uid}`,
          returnSecureToken: true,
        }),
      },
    );
    const body = (await res.json()) as {
      localId?: string;
      idToken?: string;
      refreshToken?: string;
      error?: { message?: string };
    };
    if (!res.ok || !body.idToken || !body.localId || !body.refreshToken)
      throw new Error(`sign-in of ${uid} failed: ${res.status} ${body.error?.message ?? ""}`);
    return { uid: body.localId, idToken: body.idToken, refreshToken: body.refreshToken };
  }

  async close(): Promise<void> {
    await deleteApp(this.app);
  }
}

/** The token's payload (the emulator's tokens are unsigned JWTs, like every JWT readable). */
export function tokenPayload(idToken: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(idToken.split(".")[1], "base64url").toString("utf8")) as Record<
    string,
    unknown
  >;
}

/** The same token with its lifetime moved into the past: what a client holds an hour later. */
export function expiredCopy(idToken: string, nowSeconds = Math.floor(Date.now() / 1000)): string {
  const [header, , signature] = idToken.split(".");
  const payload = {
    ...tokenPayload(idToken),
    iat: nowSeconds - 7200,
    auth_time: nowSeconds - 7200,
    exp: nowSeconds - 3600,
  };
  return `${header}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.${signature ?? ""}`;
}

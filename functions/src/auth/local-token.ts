// Emulator-style ID tokens: unsigned JWTs (alg "none") shaped like the Auth emulator's.
// They are accepted only when FIELDLENS_LOCAL_AUTH=1 on a developer machine, and refused
// outright inside a deployed function, so they cannot open production.
import { z } from "zod";
import { DEMO_PROJECT, runtimeEnv } from "../config";

export function localAuthEnabled(): boolean {
  const env = runtimeEnv();
  if (!env.localAuth) return false;
  if (env.deployed) {
    throw new Error("FIELDLENS_LOCAL_AUTH=1 is refused inside a deployed function");
  }
  return true;
}

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");

export interface LocalTokenClaims {
  role?: string;
  teamIds?: string[];
  [k: string]: unknown;
}

/** An unsigned token for `uid`, valid for `ttlSeconds` (default one day). */
export function mintLocalToken(
  uid: string,
  claims: LocalTokenClaims,
  opts: { projectId?: string; nowSeconds?: number; ttlSeconds?: number } = {},
): string {
  const projectId = opts.projectId ?? runtimeEnv().projectId ?? DEMO_PROJECT;
  const iat = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
  const payload = {
    iss: `https://securetoken.google.com/${projectId}`,
    aud: projectId,
    auth_time: iat,
    user_id: uid,
    sub: uid,
    iat,
    exp: iat + (opts.ttlSeconds ?? 24 * 3600),
    firebase: { identities: {}, sign_in_provider: "custom" },
    ...claims,
  };
  return `${b64({ alg: "none", typ: "JWT" })}.${b64(payload)}.`;
}

const PayloadSchema = z.looseObject({
  sub: z.string().min(1).max(128),
  exp: z.number(),
});

/** Decodes a local token; throws with a reason when it is malformed or expired. */
export function decodeLocalToken(
  token: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): { uid: string; claims: Record<string, unknown> } {
  const parts = token.split(".");
  if (parts.length !== 3) throw new Error("malformed token");
  let header: unknown;
  let payload: unknown;
  try {
    header = JSON.parse(Buffer.from(parts[0], "base64url").toString("utf8"));
    payload = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
  } catch {
    throw new Error("malformed token");
  }
  if ((header as { alg?: unknown })?.alg !== "none")
    throw new Error("local auth accepts only unsigned emulator tokens");
  const parsed = PayloadSchema.safeParse(payload);
  if (!parsed.success) throw new Error("token payload lacks sub/exp");
  if (parsed.data.exp <= nowSeconds) throw new Error("token expired");
  return { uid: parsed.data.sub, claims: parsed.data };
}

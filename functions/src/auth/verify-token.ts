// Bearer token → Caller. In production firebase-admin verifies the ID token's signature
// (and, under FIREBASE_AUTH_EMULATOR_HOST, accepts the Auth emulator's tokens itself);
// on a developer machine with FIELDLENS_LOCAL_AUTH=1 unsigned emulator-style tokens work.
import { getApps, initializeApp } from "firebase-admin/app";
import { getAuth } from "firebase-admin/auth";
import { ApiError } from "../api/errors";
import { callerFromClaims, type Caller } from "./caller";
import { decodeLocalToken, localAuthEnabled } from "./local-token";

export async function verifyIdToken(
  token: string,
): Promise<{ uid: string; claims: Record<string, unknown> }> {
  if (localAuthEnabled()) {
    try {
      return decodeLocalToken(token);
    } catch (err) {
      throw new ApiError(401, `invalid token: ${(err as Error).message}`);
    }
  }
  if (getApps().length === 0) initializeApp();
  try {
    // checkRevoked: a token whose user was disabled or signed out everywhere (refresh
    // tokens revoked, e.g. after a role change) stops working at once, not within the hour.
    const decoded = await getAuth().verifyIdToken(token, true);
    return { uid: decoded.uid, claims: decoded as unknown as Record<string, unknown> };
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "auth/id-token-revoked")
      throw new ApiError(401, "ID token revoked: sign in again");
    if (code === "auth/user-disabled") throw new ApiError(401, "this account is disabled");
    throw new ApiError(401, "invalid or expired ID token");
  }
}

/** Reads `Authorization: Bearer <token>`; 401 when absent or invalid. */
export async function callerFromAuthorization(header: string | undefined): Promise<Caller> {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  if (!m) throw new ApiError(401, "Authorization: Bearer <Firebase ID token> required");
  const { uid, claims } = await verifyIdToken(m[1]);
  return callerFromClaims(uid, claims);
}

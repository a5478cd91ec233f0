// Who is calling: uid plus the role and teams from their custom claims. Every API entry
// point turns a verified token into a Caller; every visibility decision goes through here
// so the API and firestore.rules agree.
import { z } from "zod";
import { RoleSchema, type Role } from "../schema/common";
import { ApiError } from "../api/errors";

export interface Caller {
  uid: string;
  role: Role;
  teamIds: string[];
}

const ClaimsSchema = z.object({
  role: RoleSchema,
  teamIds: z.array(z.string()).max(30).default([]),
});

/** A signed-in user without a role claim has no access to anything. */
export function callerFromClaims(
  uid: string | undefined,
  claims: Record<string, unknown> | undefined,
): Caller {
  if (!uid) throw new ApiError(401, "authentication required");
  const parsed = ClaimsSchema.safeParse(claims ?? {});
  if (!parsed.success) throw new ApiError(403, "no fieldlens role assigned to this account");
  return { uid, role: parsed.data.role, teamIds: parsed.data.teamIds };
}

export function canSeeTeam(caller: Caller, teamId: string | null | undefined): boolean {
  if (caller.role === "admin") return true;
  return typeof teamId === "string" && caller.teamIds.includes(teamId);
}

/** Supervisors review findings of their own teams; admins review everything. */
export function canReview(caller: Caller, teamId: string | null | undefined): boolean {
  return caller.role === "admin" || (caller.role === "supervisor" && canSeeTeam(caller, teamId));
}

export function requireRole(caller: Caller, roles: readonly Role[], what: string): void {
  if (!roles.includes(caller.role))
    throw new ApiError(403, `${what} requires role ${roles.join(" or ")}`);
}

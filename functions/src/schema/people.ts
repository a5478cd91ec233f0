import { z } from "zod";
import { RoleSchema, zDate, zId } from "./common";

export const AssetDocSchema = z.object({
  assetId: zId,
  name: z.string(),
  kind: z.string(),
  location: z
    .object({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) })
    .nullable(),
  teamId: z.string().nullable(),
  supervisors: z.array(z.string()),
  meterIds: z.array(z.string()),
  /** Set by analyze_critical_anomaly when a CRITICAL anomaly is confirmed on this asset. */
  critical: z.boolean().optional(),
  criticalAnomalyIds: z.array(z.string()).optional(),
  lastCriticalAt: zDate.nullable().optional(),
});
export type AssetDoc = z.infer<typeof AssetDocSchema>;

/** Device tokens per profile and characters per token; firestore.rules holds the same bounds. */
export const MAX_DEVICE_TOKENS = 10;
export const MAX_DEVICE_TOKEN_CHARS = 4096;
export const DeviceTokenSchema = z.string().min(1).max(MAX_DEVICE_TOKEN_CHARS);

export const UserDocSchema = z.object({
  uid: zId,
  role: RoleSchema,
  teamIds: z.array(z.string()),
  displayName: z.string().nullable().optional(),
  fcmTokens: z.array(DeviceTokenSchema).max(MAX_DEVICE_TOKENS),
});
export type UserDoc = z.infer<typeof UserDocSchema>;

export const NotificationDocSchema = z.object({
  id: zId,
  target: z.object({ uids: z.array(z.string()), topic: z.string().nullable() }),
  payload: z.object({
    title: z.string(),
    body: z.string(),
    data: z.record(z.string(), z.string()),
  }),
  status: z.enum(["PENDING", "SENT", "FAILED"]),
  attempts: z.number().int().nonnegative(),
  error: z.string().nullable(),
  createdAt: zDate,
});
export type NotificationDoc = z.infer<typeof NotificationDocSchema>;

export const AuditLogDocSchema = z.object({
  actorUid: z.string(),
  action: z.string(),
  target: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
  at: zDate,
});
export type AuditLogDoc = z.infer<typeof AuditLogDocSchema>;

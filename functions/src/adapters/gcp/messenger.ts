// Production Messenger: FCM through firebase-admin messaging (HTTP v1 API).
import { getApps, initializeApp, type App } from "firebase-admin/app";
import { getMessaging, type BatchResponse } from "firebase-admin/messaging";
import type { Messenger, PushMessage } from "../../ports";
import { TransientError } from "../../errors";
import { fitPayload } from "../../notify/fcm-payload";

/**
 * FCM error codes meaning the token will never work again and should be pruned. Not
 * messaging/invalid-argument: that is FCM refusing the message (too large, a bad key),
 * and treating it as a dead token once erased every recipient's devices.
 */
const DEAD_TOKEN_CODES = new Set([
  "messaging/registration-token-not-registered",
  "messaging/invalid-registration-token",
]);
/** Codes worth retrying the whole send for. */
const TRANSIENT_CODES = new Set([
  "messaging/server-unavailable",
  "messaging/internal-error",
  "messaging/quota-exceeded",
  "messaging/unavailable",
]);
const FCM_MAX_TOKENS = 500;

/** Pure: what a batch response means for the caller. */
export function interpretBatch(
  tokens: string[],
  res: Pick<BatchResponse, "responses">,
): { sent: number; invalidTokens: string[]; transient: number } {
  let sent = 0;
  let transient = 0;
  const invalidTokens: string[] = [];
  res.responses.forEach((r, i) => {
    if (r.success) sent += 1;
    else if (r.error && DEAD_TOKEN_CODES.has(r.error.code)) invalidTokens.push(tokens[i]);
    else if (r.error && TRANSIENT_CODES.has(r.error.code)) transient += 1;
  });
  return { sent, invalidTokens, transient };
}

export class FcmMessenger implements Messenger {
  /** `app` lets contract tests point a dedicated app (own credential and agent) at a local endpoint. */
  constructor(private readonly app?: App) {}

  async send(msg: PushMessage): Promise<{ sent: number; invalidTokens: string[] }> {
    if (!this.app && getApps().length === 0) initializeApp();
    const messaging = getMessaging(this.app);
    const payload = fitPayload(msg);
    let sent = 0;
    let transient = 0;
    const invalidTokens: string[] = [];
    for (let i = 0; i < msg.tokens.length; i += FCM_MAX_TOKENS) {
      const tokens = msg.tokens.slice(i, i + FCM_MAX_TOKENS);
      const res = await messaging.sendEachForMulticast({
        tokens,
        notification: { title: payload.title, body: payload.body },
        data: payload.data,
        android: { priority: "high" },
        apns: { payload: { aps: { sound: "default" } } },
      });
      const r = interpretBatch(tokens, res);
      sent += r.sent;
      transient += r.transient;
      invalidTokens.push(...r.invalidTokens);
    }
    if (sent === 0 && transient > 0)
      throw new TransientError(`FCM unavailable for ${transient} device(s)`);
    return { sent, invalidTokens };
  }
}

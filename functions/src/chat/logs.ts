// Every line chat logs, in one place: what an operator searches Cloud Logging for (or
// builds a log-based alert on) and what a reader checks when a case is missing.
import { log } from "../log";

export const chatLogs = {
  messageRejected: (roomId: string, messageId: string, reason: string | undefined) =>
    log.warn("chat message rejected", { roomId, messageId, reason }),
  roomMalformed: (roomId: string, error: string | undefined) =>
    log.warn("chat room document is malformed; left unchanged", { roomId, error }),
};

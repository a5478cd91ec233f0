// HTTPS entry points: the REST API (the old /api/v1/images/ endpoints) and the app's
// callables. Logic lives in src/api; these are wrappers with runtime options only.
import { onCall, onRequest } from "firebase-functions/v2/https";
import { callables } from "../api/callables";
import { handleApiRequest } from "../api/rest/handler";
import { chatCallables } from "../chat/callables";
import { presenceCallables } from "../presence/callables";

const CALLABLE = { region: "us-central1", memory: "512MiB" } as const;

export const apiFn = onRequest(
  { region: "us-central1", memory: "1GiB", timeoutSeconds: 120, cors: true },
  handleApiRequest,
);
export const reprocessPhotoFn = onCall(CALLABLE, callables.reprocessPhoto);
export const analyzeBatchFn = onCall(CALLABLE, callables.analyzeBatch);
export const confirmAnomalyFn = onCall(CALLABLE, callables.confirmAnomaly);
export const validateMeterReadingFn = onCall(CALLABLE, callables.validateMeterReading);
export const resolveDamageReportFn = onCall(CALLABLE, callables.resolveDamageReport);
export const getStatisticsFn = onCall(CALLABLE, callables.statistics);
export const getTaskStatusFn = onCall(CALLABLE, callables.taskStatus);
export const getImageUrlFn = onCall(CALLABLE, callables.imageUrl);
export const getOpsStatusFn = onCall(CALLABLE, callables.opsStatus);
export const ensureAssetRoomFn = onCall(CALLABLE, chatCallables.ensureAssetRoom);
export const openThreadFn = onCall(CALLABLE, chatCallables.openThread);
export const markChatReadFn = onCall(CALLABLE, chatCallables.markRead);
export const muteChatRoomFn = onCall(CALLABLE, chatCallables.muteRoom);
export const addThreadMemberFn = onCall(CALLABLE, chatCallables.addThreadMember);
export const removeThreadMemberFn = onCall(CALLABLE, chatCallables.removeThreadMember);
export const heartbeatFn = onCall(CALLABLE, presenceCallables.heartbeat);

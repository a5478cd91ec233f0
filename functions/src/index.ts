// Cloud Functions exports. Each is a one-line wrap of a handler in triggers/.
import "./adapters/gcp/register";
import { onPhotoUploaded as onPhotoUploadedFn } from "./triggers/storage";
import {
  onAssetWrittenFn,
  onChatMessageCreatedFn,
  onNotificationCreatedFn,
  onPhotoStatusChangedFn,
  onUserTeamsChangedFn,
} from "./triggers/firestore";
import {
  queueBatchFn,
  queueHighPriorityFn,
  queueMlTrainingFn,
  queueNormalFn,
} from "./triggers/tasks";
import {
  archiveFn,
  budgetCheckFn,
  cleanupFn,
  dailyAnalyticsFn,
  presenceSweepFn,
  reconcileFn,
  retrainFn,
} from "./triggers/scheduler";
import { onPresenceStatusWrittenFn } from "./triggers/database";
import {
  addThreadMemberFn,
  ensureAssetRoomFn,
  heartbeatFn,
  markChatReadFn,
  muteChatRoomFn,
  openThreadFn,
  removeThreadMemberFn,
} from "./triggers/https";
import {
  analyzeBatchFn,
  apiFn,
  confirmAnomalyFn,
  getImageUrlFn,
  getOpsStatusFn,
  getStatisticsFn,
  getTaskStatusFn,
  reprocessPhotoFn,
  resolveDamageReportFn,
  validateMeterReadingFn,
} from "./triggers/https";

export const onNotificationCreated = onNotificationCreatedFn;
export const onPhotoStatusChanged = onPhotoStatusChangedFn;
export const onChatMessageCreated = onChatMessageCreatedFn;
export const onAssetWritten = onAssetWrittenFn;
export const onUserTeamsChanged = onUserTeamsChangedFn;
export const scheduledBudgetCheck = budgetCheckFn;
export const scheduledDailyAnalytics = dailyAnalyticsFn;
export const scheduledCleanup = cleanupFn;
export const scheduledArchive = archiveFn;
export const scheduledReconcile = reconcileFn;
export const scheduledRetrain = retrainFn;
export const scheduledPresenceSweep = presenceSweepFn;
export const onPresenceStatusWritten = onPresenceStatusWrittenFn;
export const onPhotoUploaded = onPhotoUploadedFn;
export const queueHighPriority = queueHighPriorityFn;
export const queueNormal = queueNormalFn;
export const queueBatch = queueBatchFn;
export const queueMlTraining = queueMlTrainingFn;
export const api = apiFn;
export const reprocessPhoto = reprocessPhotoFn;
export const analyzeBatch = analyzeBatchFn;
export const confirmAnomaly = confirmAnomalyFn;
export const validateMeterReading = validateMeterReadingFn;
export const resolveDamageReport = resolveDamageReportFn;
export const getStatistics = getStatisticsFn;
export const getTaskStatus = getTaskStatusFn;
export const getImageUrl = getImageUrlFn;
export const getOpsStatus = getOpsStatusFn;
export const ensureAssetRoom = ensureAssetRoomFn;
export const openThread = openThreadFn;
export const markChatRead = markChatReadFn;
export const muteChatRoom = muteChatRoomFn;
export const addThreadMember = addThreadMemberFn;
export const removeThreadMember = removeThreadMemberFn;
export const heartbeat = heartbeatFn;

// The task registry: task type → handler (with its zod args schema). The default queue
// of every type is in task-types.ts. Adding a type = one handler file under handlers/
// and one entry here.
import type { TaskType } from "../schema/task";
import type { TaskDefinition } from "./task-definition";
import { processInspectionPhotoTask } from "./handlers/process-inspection-photo";
import { analyzeCriticalAnomalyTask } from "./handlers/analyze-critical-anomaly";
import {
  analyzeAnomaliesTask,
  classifyDamageTask,
  extractTextOcrTask,
} from "./handlers/rerun-stage";
import { batchProcessImagesTask } from "./handlers/batch-process-images";
import {
  archiveOldMessagesTask,
  checkBudgetUsageTask,
  cleanupOldImagesTask,
  evaluateModelPerformanceTask,
  generateComparisonReportTask,
  generateDailyAnalyticsTask,
  generateImageReportTask,
  retrainAnomalyModelTask,
  retrainDamageModelTask,
} from "./handlers/maintenance";

export const TASKS: Record<TaskType, TaskDefinition> = {
  process_inspection_photo: processInspectionPhotoTask,
  analyze_critical_anomaly: analyzeCriticalAnomalyTask,
  analyze_anomalies: analyzeAnomaliesTask,
  extract_text_ocr: extractTextOcrTask,
  classify_damage: classifyDamageTask,
  batch_process_images: batchProcessImagesTask,
  generate_image_report: generateImageReportTask,
  generate_comparison_report: generateComparisonReportTask,
  archive_old_messages: archiveOldMessagesTask,
  cleanup_old_images: cleanupOldImagesTask,
  generate_daily_analytics: generateDailyAnalyticsTask,
  check_budget_usage: checkBudgetUsageTask,
  retrain_anomaly_model: retrainAnomalyModelTask,
  retrain_damage_model: retrainDamageModelTask,
  evaluate_model_performance: evaluateModelPerformanceTask,
};

export function lookupTask(type: string): TaskDefinition | undefined {
  return Object.prototype.hasOwnProperty.call(TASKS, type) ? TASKS[type as TaskType] : undefined;
}

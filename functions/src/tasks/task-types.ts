// Which queue each task type runs on by default (ARCHITECTURE §4). Exhaustive over
// TaskType so a new type cannot be added without choosing its queue. A caller may still
// send a type to another queue (deferred photos go to batch); every queue function
// routes any registered type.
import type { QueueName, TaskType } from "../schema/task";

export const TASK_QUEUE: Record<TaskType, QueueName> = {
  process_inspection_photo: "high_priority",
  analyze_critical_anomaly: "high_priority",
  analyze_anomalies: "normal",
  extract_text_ocr: "normal",
  classify_damage: "normal",
  generate_image_report: "normal",
  batch_process_images: "batch",
  generate_comparison_report: "batch",
  archive_old_messages: "batch",
  cleanup_old_images: "batch",
  generate_daily_analytics: "batch",
  check_budget_usage: "batch",
  retrain_anomaly_model: "ml_training",
  retrain_damage_model: "ml_training",
  evaluate_model_performance: "ml_training",
};

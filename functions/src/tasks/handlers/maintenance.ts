// The scheduled and on-demand maintenance task types (batch and ml_training queues).
import { z } from "zod";
import { zId } from "../../schema/common";
import { defineTask } from "../task-definition";
import { PhotoTaskArgsSchema } from "../../schema/task";
import { checkBudgetUsage } from "../../budget/check-usage";
import { generateDailyAnalytics, yesterday } from "../../reports/daily-analytics";
import { cleanupOldImages } from "../../maintenance/cleanup-images";
import { archiveOldMessages } from "../../maintenance/archive-messages";
import { generateComparisonReport, generateImageReport } from "../../reports/image-report";
import { evaluateModels, retrainModel } from "../../models/model-store";
import { deps } from "../../deps";

const none = z.object({}).strict();

export const checkBudgetUsageTask = defineTask({ args: none, run: () => checkBudgetUsage() });
export const generateDailyAnalyticsTask = defineTask({
  args: z
    .object({
      date: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/)
        .optional(),
    })
    .strict(),
  run: (a) => generateDailyAnalytics(a.date ?? yesterday(deps().now())),
});
export const cleanupOldImagesTask = defineTask({ args: none, run: () => cleanupOldImages() });
export const archiveOldMessagesTask = defineTask({ args: none, run: () => archiveOldMessages() });
export const generateImageReportTask = defineTask({
  args: PhotoTaskArgsSchema,
  run: (a) => generateImageReport(a.photoId),
});
export const generateComparisonReportTask = defineTask({
  args: z
    .object({ photoIdA: zId, photoIdB: zId })
    .refine((a) => a.photoIdA !== a.photoIdB, "compare two different photos"),
  run: (a) => generateComparisonReport(a.photoIdA, a.photoIdB),
});
export const retrainAnomalyModelTask = defineTask({
  args: none,
  run: () => retrainModel("anomaly"),
});
export const retrainDamageModelTask = defineTask({ args: none, run: () => retrainModel("damage") });
export const evaluateModelPerformanceTask = defineTask({ args: none, run: () => evaluateModels() });

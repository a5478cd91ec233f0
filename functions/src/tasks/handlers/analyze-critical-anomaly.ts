import { z } from "zod";
import { zId } from "../../schema/common";
import { escalateCriticalAnomaly } from "../../analysis/critical";
import { defineTask } from "../task-definition";

export const analyzeCriticalAnomalyTask = defineTask({
  args: z.object({ anomalyId: zId }),
  run: (args) => escalateCriticalAnomaly(args.anomalyId),
});

import { z } from "zod";
import { zId } from "../../schema/common";
import { failPhoto, processPhoto } from "../../analysis/process-photo";
import { defineTask } from "../task-definition";

export const processInspectionPhotoTask = defineTask({
  args: z.object({ photoId: zId }),
  run: (args, ctx) => processPhoto(args.photoId, ctx),
  onFailure: (args, error) => failPhoto(args.photoId, error),
});

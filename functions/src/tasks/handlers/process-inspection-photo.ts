import { PhotoTaskArgsSchema } from "../../schema/task";
import { failPhoto, processPhoto } from "../../analysis/process-photo";
import { defineTask } from "../task-definition";

export const processInspectionPhotoTask = defineTask({
  args: PhotoTaskArgsSchema,
  run: (args, ctx) => processPhoto(args.photoId, ctx),
  onFailure: (args, error) => failPhoto(args.photoId, error),
});

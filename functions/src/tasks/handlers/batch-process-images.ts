// batch_process_images: fan-out. Queues each photo again and enqueues one
// process_inspection_photo child per photo on the batch queue with parentId; the parent
// stays STARTED and its last child to finish records it SUCCESS (no child failed) or
// FAILURE, with the counts (fan-out.ts).
import { z } from "zod";
import { zId } from "../../schema/common";
import { MAX_BATCH_PHOTOS } from "../../schema/task";
import { firestore } from "../../firestore";
import { transitionPhoto } from "../../photos/status";
import { enqueueTask } from "../enqueue";
import { prepareChildren } from "../fan-out";
import { taskIdFor } from "../task-ids";
import { awaitChildren, defineTask } from "../task-definition";

export const batchProcessImagesTask = defineTask({
  args: z.object({ photoIds: z.array(zId).min(1).max(MAX_BATCH_PHOTOS) }),
  async run({ photoIds }, ctx) {
    const ids = [...new Set(photoIds)];
    await prepareChildren(ctx.taskId, ids.length);
    for (const photoId of ids) {
      const childId = taskIdFor("process_inspection_photo", `${ctx.taskId}/${photoId}`);
      // Finished photos start again from QUEUED; queued ones just get another task. A
      // missing or rejected photo still gets its child, which fails and is counted.
      // A retried parent must not re-queue a photo whose child already ran.
      const childSeen = (await firestore().collection("tasks").doc(childId).get()).exists;
      const snap = await firestore().collection("photos").doc(photoId).get();
      if (
        !childSeen &&
        snap.exists &&
        (snap.get("status") === "COMPLETED" || snap.get("status") === "FAILED")
      ) {
        await transitionPhoto(photoId, "QUEUED", {
          note: `batch ${ctx.taskId}`,
          fields: { taskId: childId, reason: null },
        });
      }
      await enqueueTask({
        type: "process_inspection_photo",
        queue: "batch",
        taskId: childId,
        args: { photoId },
        parentId: ctx.taskId,
      });
    }
    return awaitChildren(ids.length);
  },
});

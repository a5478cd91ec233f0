// analyze_anomalies, extract_text_ocr, classify_damage: re-run one stage for a photo
// that already has analyses/{photoId}, with the current rules and no Vision call.
import { PhotoTaskArgsSchema } from "../../schema/task";
import {
  loadAnalysis,
  loadPhoto,
  runAnomalyStage,
  runDamageStage,
  runMeterStage,
} from "../../analysis/stages";
import { defineTask } from "../task-definition";

export const analyzeAnomaliesTask = defineTask({
  args: PhotoTaskArgsSchema,
  async run({ photoId }) {
    const photo = await loadPhoto(photoId);
    const anomalies = await runAnomalyStage(photo, await loadAnalysis(photoId));
    // The damage report lists anomaly ids, so it is refreshed with them.
    const damage = await runDamageStage(photo);
    return {
      photoId,
      anomalies: anomalies.length,
      damage: damage ? `${damage.category}/${damage.severity}` : null,
    };
  },
});

export const extractTextOcrTask = defineTask({
  args: PhotoTaskArgsSchema,
  async run({ photoId }) {
    const photo = await loadPhoto(photoId);
    return { photoId, ...(await runMeterStage(photo, await loadAnalysis(photoId))) };
  },
});

export const classifyDamageTask = defineTask({
  args: PhotoTaskArgsSchema,
  async run({ photoId }) {
    const damage = await runDamageStage(await loadPhoto(photoId));
    return { photoId, damage: damage ? `${damage.category}/${damage.severity}` : null };
  },
});

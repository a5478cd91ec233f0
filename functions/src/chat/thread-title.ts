// A thread's title, from the finding it is about (bounded like every room title).
import type { DocumentSnapshot } from "firebase-admin/firestore";
import type { ThreadTargetKind } from "../schema/chat";
import { boundedTitle } from "./room-ids";

const words = (s: unknown) =>
  String(s ?? "")
    .toLowerCase()
    .replace(/_/g, " ");

export function threadTitle(
  kind: ThreadTargetKind,
  finding: DocumentSnapshot,
  assetName: string,
): string {
  const f = (k: string) => finding.get(k) as unknown;
  const raw = {
    anomaly: () => `${words(f("type"))} (${words(f("severity"))}) on ${assetName}`,
    damageReport: () => `Damage: ${words(f("category"))} (${words(f("severity"))}) on ${assetName}`,
    meterReading: () =>
      `Meter ${String(f("meterId") ?? "")} reading ${String(f("value") ?? "?")} ${String(f("unit") ?? "")} on ${assetName}`,
    photo: () => `Photo ${String(f("fileName") ?? finding.id)} of ${assetName}`,
  }[kind]();
  const t = boundedTitle(raw, `Thread on ${assetName}`);
  return t.charAt(0).toUpperCase() + t.slice(1);
}

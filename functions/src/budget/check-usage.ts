// check_budget_usage (every 6 h): recompute the month's state from the ledger and tell
// the admins once per month and state when spending crosses a threshold.
import { firestore } from "../firestore";
import { deps } from "../deps";
import { createNotification } from "../notify/create-notification";
import { readBudgetState } from "./ledger";
import type { BudgetState } from "../schema/budget";

const ALERT_STATES: readonly BudgetState[] = ["WARN", "THROTTLED", "EXHAUSTED"];

export async function checkBudgetUsage(): Promise<{ month: string; state: BudgetState; estimatedUsd: number; notified: boolean }> {
  const b = await readBudgetState();
  const db = firestore();
  const ref = db.collection("budget").doc(b.month);
  const snap = await ref.get();
  if (snap.exists && snap.get("state") !== b.state) await ref.update({ state: b.state, limitUsd: b.limitUsd, updatedAt: deps().now() });
  let notified = false;
  if (ALERT_STATES.includes(b.state)) {
    const admins = await db.collection("users").where("role", "==", "admin").get();
    const pct = Math.round((100 * b.estimatedUsd) / b.limitUsd);
    notified = await createNotification({
      id: `budget-${b.month}-${b.state.toLowerCase()}`,
      uids: admins.docs.map((d) => d.id),
      title: `Vision budget ${b.state}`,
      body: `${b.month}: ${b.estimatedUsd.toFixed(2)} of ${b.limitUsd} USD used (${pct} %)`,
      data: { month: b.month, state: b.state },
    });
  }
  return { ...b, notified };
}

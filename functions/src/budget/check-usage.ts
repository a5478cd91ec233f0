// check_budget_usage (every 6 h): refresh the month's summary from the ledger's shards and
// tell the admins once per month and state when spending crosses a threshold.
import { firestore } from "../firestore";
import { createNotification } from "../notify/create-notification";
import { refreshBudgetSummary } from "./ledger";
import type { BudgetState } from "../schema/budget";

const ALERT_STATES: readonly BudgetState[] = ["WARN", "THROTTLED", "EXHAUSTED"];

export async function checkBudgetUsage(): Promise<{
  month: string;
  state: BudgetState;
  estimatedUsd: number;
  notified: boolean;
}> {
  const { month, state, estimatedUsd, limitUsd } = await refreshBudgetSummary();
  const b = { month, state, estimatedUsd, limitUsd };
  const db = firestore();
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

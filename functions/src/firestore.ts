// firebase-admin Firestore, initialized lazily so importing modules costs nothing.
import { getApps, initializeApp } from "firebase-admin/app";
import {
  getFirestore,
  type DocumentData,
  type DocumentReference,
  type Firestore,
  type WithFieldValue,
} from "firebase-admin/firestore";

let db: Firestore | undefined;

export function firestore(): Firestore {
  if (!db) {
    if (getApps().length === 0) initializeApp();
    db = getFirestore();
    db.settings({ ignoreUndefinedProperties: true });
  }
  return db;
}

/** gRPC status Firestore returns when create() finds the document already there. */
const ALREADY_EXISTS = 6;

/**
 * Creates the document only if it is absent: true when this call created it, false when
 * it already existed (a duplicate delivery, a deterministic id seen before).
 */
export async function createIfAbsent(
  ref: DocumentReference,
  data: WithFieldValue<DocumentData>,
): Promise<boolean> {
  try {
    await ref.create(data);
    return true;
  } catch (err) {
    if ((err as { code?: number }).code === ALREADY_EXISTS) return false;
    throw err;
  }
}

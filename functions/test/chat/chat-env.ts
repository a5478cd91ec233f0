// Chat suites' world on top of the API suites' one: the users' profiles (the team
// membership source) and the asset rooms as the asset trigger makes them.
import { reconcileAssetRooms } from "../../src/chat/rooms";
import { firestore } from "../../src/firestore";
import { USERS, seedWorld, type User } from "../api/api-env";

export async function seedChatWorld(): Promise<void> {
  await seedWorld();
  const db = firestore();
  for (const uid of Object.keys(USERS) as User[]) {
    const u = USERS[uid] as { role?: string; teamIds?: string[] };
    if (!u.role) continue;
    await db
      .doc(`users/${uid}`)
      .set({ uid, role: u.role, teamIds: u.teamIds ?? [], fcmTokens: [`tok-${uid}`] });
  }
  await reconcileAssetRooms("asset-a");
  await reconcileAssetRooms("asset-b");
}

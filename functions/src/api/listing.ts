// Listing with filters and page-number pagination (the old DRF PageNumberPagination:
// {count, next, previous, results}). Each list's filterable fields are declared here, and
// requiredIndexes() derives the composite indexes those queries need; a test checks that
// firestore.indexes.json holds every one of them.
import { z } from "zod";
import type { Query } from "firebase-admin/firestore";
import type { Caller } from "../auth/caller";
import { firestore } from "../firestore";
import { PhotoStatusSchema } from "../schema/photo";
import { MeterReadingStatusSchema } from "../schema/analysis";
import { SeveritySchema, zId, zQueryDate } from "../schema/common";
import { docToPlain, type Plain, type TeamScopedCollection } from "./documents";

interface FilterSpec {
  /** Query parameter name (snake_case, as the old API). */
  param: string;
  field: string;
  schema: z.ZodType<string>;
}

export interface ListSpec {
  collection: TeamScopedCollection;
  /** Results are newest first by this field; date_from/date_to bound it. */
  orderField: string;
  filters: readonly FilterSpec[];
}

const id = zId;

export const LIST_SPECS: Record<TeamScopedCollection, ListSpec> = {
  photos: {
    collection: "photos",
    orderField: "createdAt",
    filters: [
      { param: "asset_id", field: "assetId", schema: id },
      { param: "status", field: "status", schema: PhotoStatusSchema },
    ],
  },
  analyses: {
    collection: "analyses",
    orderField: "createdAt",
    filters: [{ param: "asset_id", field: "assetId", schema: id }],
  },
  anomalies: {
    collection: "anomalies",
    orderField: "createdAt",
    filters: [
      { param: "photo_id", field: "photoId", schema: id },
      { param: "asset_id", field: "assetId", schema: id },
      { param: "severity", field: "severity", schema: SeveritySchema },
      { param: "status", field: "status", schema: z.enum(["OPEN", "CONFIRMED", "REJECTED"]) },
    ],
  },
  meterReadings: {
    collection: "meterReadings",
    orderField: "readAt",
    filters: [
      { param: "meter_id", field: "meterId", schema: id },
      { param: "asset_id", field: "assetId", schema: id },
      { param: "status", field: "status", schema: MeterReadingStatusSchema },
    ],
  },
  damageReports: {
    collection: "damageReports",
    orderField: "createdAt",
    filters: [
      { param: "asset_id", field: "assetId", schema: id },
      { param: "status", field: "status", schema: z.enum(["OPEN", "RESOLVED"]) },
      { param: "severity", field: "severity", schema: SeveritySchema },
    ],
  },
};

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

const dateParam = zQueryDate;

const PagingSchema = z.object({
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  page_size: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  date_from: dateParam.optional(),
  date_to: dateParam.optional(),
});

export interface ListRequest {
  spec: ListSpec;
  params: Record<string, string>;
}

export interface ListPage {
  count: number;
  page: number;
  pageSize: number;
  hasNext: boolean;
  results: Plain[];
}

/** Builds the (unordered) filtered query; null when the caller can see nothing at all. */
export function filteredQuery(
  spec: ListSpec,
  caller: Caller,
  params: Record<string, string>,
): Query | null {
  const parsedFilters = z
    .object(Object.fromEntries(spec.filters.map((f) => [f.param, f.schema.optional()])))
    .safeParse(params);
  if (!parsedFilters.success) throw parsedFilters.error;
  const paging = PagingSchema.parse(pick(params, ["page", "page_size", "date_from", "date_to"]));
  if (caller.role !== "admin" && caller.teamIds.length === 0) return null;
  let q: Query = firestore().collection(spec.collection);
  if (caller.role !== "admin") q = q.where("teamId", "in", caller.teamIds);
  for (const f of spec.filters) {
    const v = parsedFilters.data[f.param];
    if (v !== undefined) q = q.where(f.field, "==", v);
  }
  if (paging.date_from) q = q.where(spec.orderField, ">=", paging.date_from);
  if (paging.date_to) q = q.where(spec.orderField, "<=", paging.date_to);
  return q;
}

export async function listPage(caller: Caller, req: ListRequest): Promise<ListPage> {
  const { page, page_size } = PagingSchema.parse(
    pick(req.params, ["page", "page_size", "date_from", "date_to"]),
  );
  const q = filteredQuery(req.spec, caller, req.params);
  if (!q) return { count: 0, page, pageSize: page_size, hasNext: false, results: [] };
  const [count, snap] = await Promise.all([
    q.count().get(),
    q
      .orderBy(req.spec.orderField, "desc")
      .offset((page - 1) * page_size)
      .limit(page_size)
      .get(),
  ]);
  const total = count.data().count;
  return {
    count: total,
    page,
    pageSize: page_size,
    hasNext: page * page_size < total,
    results: snap.docs.map(docToPlain),
  };
}

function pick(params: Record<string, string>, keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.filter((k) => params[k] !== undefined).map((k) => [k, params[k]]));
}

export interface IndexSpec {
  collectionGroup: string;
  queryScope: "COLLECTION";
  fields: Array<{ fieldPath: string; order: "ASCENDING" | "DESCENDING" }>;
}

/** Every composite index the list queries can need: each non-empty set of equality filters + the order field. */
export function requiredIndexes(): IndexSpec[] {
  const out: IndexSpec[] = [];
  for (const spec of Object.values(LIST_SPECS)) {
    const eq = ["teamId", ...spec.filters.map((f) => f.field)];
    for (let mask = 1; mask < 1 << eq.length; mask += 1) {
      const chosen = eq.filter((_, i) => mask & (1 << i));
      out.push({
        collectionGroup: spec.collection,
        queryScope: "COLLECTION",
        fields: [
          ...chosen.map((f) => ({ fieldPath: f, order: "ASCENDING" as const })),
          { fieldPath: spec.orderField, order: "DESCENDING" },
        ],
      });
    }
  }
  return out;
}

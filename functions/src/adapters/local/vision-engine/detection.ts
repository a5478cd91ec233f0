// What a classical detector reports: a named region with a score, box normalized to 0..1.
import type { Component } from "./morphology";

export interface NormalizedBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface Detection {
  /** Plain English, as Vision names objects ("Corrosion", "Crack"); the analysis taxonomy maps by keyword. */
  name: string;
  /** The label Vision would attach to the whole image for this finding ("Rust", "Crack"). */
  label: string;
  score: number;
  box: NormalizedBox;
}

export function clamp01(v: number): number {
  return Math.min(1, Math.max(0, v));
}

/** The component's pixel bounds as a normalized box (pixel edges, not centres). */
export function boxOf(
  c: Pick<Component, "x0" | "y0" | "x1" | "y1">,
  width: number,
  height: number,
): NormalizedBox {
  const r = (v: number) => Math.round(v * 10_000) / 10_000;
  return {
    x0: r(clamp01(c.x0 / width)),
    y0: r(clamp01(c.y0 / height)),
    x1: r(clamp01((c.x1 + 1) / width)),
    y1: r(clamp01((c.y1 + 1) / height)),
  };
}

export function boxArea(b: NormalizedBox): number {
  return Math.max(0, b.x1 - b.x0) * Math.max(0, b.y1 - b.y0);
}

export function intersection(a: NormalizedBox, b: NormalizedBox): number {
  return boxArea({
    x0: Math.max(a.x0, b.x0),
    y0: Math.max(a.y0, b.y0),
    x1: Math.min(a.x1, b.x1),
    y1: Math.min(a.y1, b.y1),
  });
}

export function iou(a: NormalizedBox, b: NormalizedBox): number {
  const i = intersection(a, b);
  const u = boxArea(a) + boxArea(b) - i;
  return u > 0 ? i / u : 0;
}

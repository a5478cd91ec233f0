// Synthetic inspection scenes painted from pixels and SVG: a concrete wall, a steel plate
// with a rust patch, a cracked slab, an electricity meter. Deterministic (seeded), and the
// regions that matter (rust patch, crack, digits) are returned so tests know the truth.
import sharp, { type Sharp } from "sharp";
import { strokeText, strokeTextWidth } from "./glyphs";

export const SCENE_WIDTH = 1600;
export const SCENE_HEIGHT = 1200;

export interface PixelBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface Scene {
  image: Sharp;
  /** Where the thing of interest was painted, in pixels. */
  region?: PixelBox;
}

/** mulberry32: a tiny seeded PRNG so samples are identical on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const W = SCENE_WIDTH;
const H = SCENE_HEIGHT;

/** A flat surface of `base` colour with slow shading and grain. */
function surface(base: [number, number, number], grain: number, seed: number): Buffer {
  const rand = rng(seed);
  const buf = Buffer.alloc(W * H * 3);
  const p1 = rand() * 6,
    p2 = rand() * 6;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const shade = 10 * Math.sin(x / 310 + p1) + 8 * Math.cos(y / 270 + p2) - (y / H) * 12;
      const n = (rand() + rand() + rand() - 1.5) * grain;
      const i = (y * W + x) * 3;
      for (let c = 0; c < 3; c++) buf[i + c] = clampByte(base[c] + shade + n);
    }
  }
  return buf;
}

function clampByte(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

function raw(buf: Buffer): Sharp {
  return sharp(buf, { raw: { width: W, height: H, channels: 3 } });
}

function svg(body: string): Buffer {
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">${body}</svg>`,
  );
}

/** Flattens raw pixels plus SVG overlays into one image (sharp applies composite last). */
async function compose(base: Buffer, overlay: string): Promise<Buffer> {
  const { data } = await raw(base)
    .composite([{ input: svg(overlay), top: 0, left: 0 }])
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return data;
}

/** A steel plate with an irregular rust patch painted into its pixels. */
export function corrodedPlate(seed = 11): Scene {
  const buf = surface([118, 124, 130], 9, seed);
  const rand = rng(seed + 1);
  const cx = W * 0.55,
    cy = H * 0.45,
    r0 = H * 0.2;
  const ph = [rand() * 6, rand() * 6, rand() * 6];
  // Real rust is red-brown (hue about 6–17°, eval/rust), not the yellower sienna of wood.
  const palette: [number, number, number][] = [
    [139, 58, 30],
    [150, 64, 36],
    [120, 50, 28],
    [165, 75, 40],
    [110, 48, 30],
  ];
  const box = { x0: W, y0: H, x1: 0, y1: 0 };
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const dx = x - cx,
        dy = y - cy;
      const th = Math.atan2(dy, dx);
      const r =
        r0 *
        (1 +
          0.22 * Math.sin(3 * th + ph[0]) +
          0.12 * Math.sin(7 * th + ph[1]) +
          0.06 * Math.sin(13 * th + ph[2]));
      const d = Math.hypot(dx, dy);
      // A ragged rim: some pixels just outside the outline are rusty too.
      if (d > r * (1 + 0.08 * rand())) continue;
      const c = palette[Math.floor(rand() * palette.length)];
      const n = (rand() - 0.5) * 30;
      const i = (y * W + x) * 3;
      buf[i] = clampByte(c[0] + n);
      buf[i + 1] = clampByte(c[1] + n * 0.6);
      buf[i + 2] = clampByte(c[2] + n * 0.4);
      box.x0 = Math.min(box.x0, x);
      box.y0 = Math.min(box.y0, y);
      box.x1 = Math.max(box.x1, x);
      box.y1 = Math.max(box.y1, y);
    }
  }
  // Pits and flakes: rust is rough, and a smooth patch would read as out of focus.
  for (let k = 0; k < 900; k++) {
    const px = box.x0 + rand() * (box.x1 - box.x0),
      py = box.y0 + rand() * (box.y1 - box.y0);
    const i0 = (Math.round(py) * W + Math.round(px)) * 3;
    if (!(buf[i0] > buf[i0 + 2] + 40)) continue; // only on rust, not on bare plate
    const rad = 2 + rand() * 6;
    const dark = rand() < 0.6;
    for (let y = Math.floor(py - rad); y <= py + rad; y++) {
      for (let x = Math.floor(px - rad); x <= px + rad; x++) {
        if (x < 0 || y < 0 || x >= W || y >= H || Math.hypot(x - px, y - py) > rad) continue;
        const i = (y * W + x) * 3;
        if (dark) {
          buf[i] = 78;
          buf[i + 1] = 38;
          buf[i + 2] = 18;
        } else {
          buf[i] = 196;
          buf[i + 1] = 112;
          buf[i + 2] = 52;
        }
      }
    }
  }
  // Bolt heads on the plate, so the scene is not just a patch on a blank.
  const bolts = [
    [0.1, 0.1],
    [0.9, 0.1],
    [0.1, 0.9],
    [0.9, 0.9],
  ]
    .map(
      ([bx, by]) =>
        `<circle cx="${bx * W}" cy="${by * H}" r="26" fill="#8d9399" stroke="#5b6166" stroke-width="6"/>`,
    )
    .join("");
  return { image: raw(buf).composite([{ input: svg(bolts), top: 0, left: 0 }]), region: box };
}

/** A concrete slab with a meandering, branching crack. */
export function crackedSlab(seed = 23): Scene {
  const buf = surface([158, 156, 150], 10, seed);
  const rand = rng(seed + 1);
  const pts: [number, number][] = [];
  let x = W * 0.14,
    y = H * 0.18;
  const tx = W * 0.84,
    ty = H * 0.86;
  const steps = 38;
  for (let i = 0; i <= steps; i++) {
    pts.push([x, y]);
    const k = 1 / (steps - i + 1);
    x += (tx - x) * k + (rand() - 0.5) * 38;
    y += (ty - y) * k + (rand() - 0.5) * 38;
  }
  const branchStart = pts[18];
  const branch: [number, number][] = [branchStart];
  let bx = branchStart[0],
    by = branchStart[1];
  for (let i = 0; i < 12; i++) {
    bx += 18 + rand() * 14;
    by -= 10 + rand() * 12;
    branch.push([bx, by]);
  }
  const path = (p: [number, number][]) =>
    `M${p.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(" L")}`;
  const all = [...pts, ...branch];
  const region = {
    x0: Math.min(...all.map((p) => p[0])) - 4,
    y0: Math.min(...all.map((p) => p[1])) - 4,
    x1: Math.max(...all.map((p) => p[0])) + 4,
    y1: Math.max(...all.map((p) => p[1])) + 4,
  };
  const overlay =
    `<path d="${path(pts)}" fill="none" stroke="#2b2a28" stroke-width="7" stroke-linejoin="round" stroke-linecap="round"/>` +
    `<path d="${path(branch)}" fill="none" stroke="#34332f" stroke-width="4" stroke-linejoin="round" stroke-linecap="round"/>`;
  return { image: raw(buf).composite([{ input: svg(overlay), top: 0, left: 0 }]), region };
}

/**
 * An electricity meter in a cabinet, its display showing `digits` then "kWh". Stroke
 * widths and spacing were tuned so tesseract reads both words with confidence.
 */
export function meter(digits: string, seed = 31): Scene {
  const buf = surface([92, 98, 104], 10, seed);
  const h = 150;
  const textW = strokeTextWidth(digits, h);
  const unitH = 120;
  const unitW = strokeTextWidth("kWh", unitH);
  const winX = (W - textW - unitW - 150) / 2,
    winY = 430;
  const winW = textW + unitW + 150,
    winH = h + 100;
  const region = { x0: winX + 30, y0: winY + 50, x1: winX + 30 + textW, y1: winY + 50 + h };
  const overlay =
    `<rect x="${winX - 120}" y="${winY - 230}" width="${winW + 240}" height="${winH + 520}" rx="40" fill="#e4e2dc" stroke="#777" stroke-width="6"/>` +
    `<rect x="${winX - 20}" y="${winY - 20}" width="${winW + 40}" height="${winH + 40}" rx="14" fill="#3a3f3a"/>` +
    `<rect x="${winX}" y="${winY}" width="${winW}" height="${winH}" fill="#c9d8bd"/>` +
    strokeText(digits, winX + 30, winY + 50, h, "#1a1c1a", 14) +
    strokeText("kWh", winX + 90 + textW, winY + 50 + h - unitH, unitH, "#1a1c1a", 10) +
    `<circle cx="${W / 2}" cy="${winY + winH + 160}" r="40" fill="#b0362f"/>`;
  return { image: raw(buf).composite([{ input: svg(overlay), top: 0, left: 0 }]), region };
}

/** A plain equipment scene: cabinet and conduit against a concrete wall. */
export async function cabinetScene(seed = 41): Promise<Buffer> {
  const buf = surface([150, 148, 142], 12, seed);
  const overlay =
    `<rect x="${W * 0.3}" y="${H * 0.15}" width="${W * 0.4}" height="${H * 0.7}" rx="16" fill="#6f7f74" stroke="#3d463f" stroke-width="8"/>` +
    `<line x1="${W * 0.5}" y1="${H * 0.17}" x2="${W * 0.5}" y2="${H * 0.83}" stroke="#3d463f" stroke-width="4"/>` +
    `<rect x="${W * 0.46}" y="${H * 0.45}" width="${W * 0.03}" height="${H * 0.08}" fill="#c8c8c0"/>` +
    `<rect x="${W * 0.12}" y="0" width="${W * 0.05}" height="${H}" fill="#8c8c88"/>` +
    `<rect x="${W * 0.34}" y="${H * 0.2}" width="${W * 0.1}" height="${H * 0.06}" fill="#f2d024"/>`;
  return compose(buf, overlay);
}

/** The cabinet scene out of focus. */
export async function blurry(seed = 43): Promise<Scene> {
  const px = await cabinetScene(seed);
  return { image: raw(px).blur(18) };
}

/** The cabinet scene shot at dusk without flash. */
export async function dark(seed = 47): Promise<Scene> {
  const px = await cabinetScene(seed);
  return { image: raw(px).linear(0.07, 3) };
}

export async function plain(seed = 53): Promise<Scene> {
  return { image: raw(await cabinetScene(seed)) };
}

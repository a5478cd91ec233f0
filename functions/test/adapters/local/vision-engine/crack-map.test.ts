// The crack model's map to findings: a long, sure line is a crack boxed where it lies; a
// short mark, a doubtful line or an empty map is none.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  CRACK_MAP,
  cracksFromMap,
  peakIn,
  withCrackMap,
} from "../../../../src/adapters/local/vision-engine/crack-map";
import {
  intersection,
  type Detection,
} from "../../../../src/adapters/local/vision-engine/detection";

const W = 200;
const H = 120;

function map(fill = 0): Float32Array {
  return new Float32Array(W * H).fill(fill);
}

/**
 * A line from (x0, y0) to (x1, y1), two pixels thick, at probability p, wandering across
 * its course by up to `wobble` pixels as cracks do (0: ruler-straight).
 */
function draw(
  data: Float32Array,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  p: number,
  wobble = 4,
) {
  const n = Math.ceil(Math.hypot(x1 - x0, y1 - y0));
  const [nx, ny] = [-(y1 - y0) / n, (x1 - x0) / n];
  for (let i = 0; i <= n; i++) {
    const off = wobble * Math.sin(i / 9);
    const x = Math.round(x0 + ((x1 - x0) * i) / n + nx * off);
    const y = Math.round(y0 + ((y1 - y0) * i) / n + ny * off);
    for (const [dx, dy] of [
      [0, 0],
      [1, 0],
      [0, 1],
    ])
      if (x + dx >= 0 && x + dx < W && y + dy >= 0 && y + dy < H) data[(y + dy) * W + x + dx] = p;
  }
}

// Lines 0.3 of the long edge: long enough to be cracks alone, too short to dominate a mesh.
function mesh(n: number, data = map()): Float32Array {
  for (let k = 0; k < n; k++) draw(data, 20, 10 + 25 * k, 80, 14 + 25 * k, 0.95);
  return data;
}

describe("cracksFromMap", () => {
  it("finds nothing in an empty or a uniformly doubtful map", () => {
    assert.deepEqual(cracksFromMap({ width: W, height: H, data: map() }), []);
    assert.deepEqual(cracksFromMap({ width: W, height: H, data: map(0.3) }), []);
  });

  it("boxes a long, sure line where it lies", () => {
    const data = map(0.05);
    draw(data, 20, 30, 150, 90, 0.95);
    const [crack, ...rest] = cracksFromMap({ width: W, height: H, data });
    assert.equal(rest.length, 0);
    assert.equal(crack.name, "Crack");
    // The line's ends: its wander leaves the last point a pixel above (150, 90).
    assert.ok(crack.box.x0 <= 20 / W && crack.box.x1 >= 151 / W);
    assert.ok(crack.box.y0 <= 30 / H && crack.box.y1 >= 90 / H);
    // Found by the model alone: MEDIUM at most by its score (below HIGH_CONFIDENCE 0.85).
    assert.ok(crack.score >= 0.7 && crack.score <= 0.8, `score ${crack.score}`);
  });

  it("leaves out a line shorter than the shortest crack, and one the model doubts", () => {
    const short = map();
    const len = Math.floor(CRACK_MAP.minLengthFraction * W) - 4;
    draw(short, 50, 60, 50 + len, 60, 0.95);
    assert.deepEqual(cracksFromMap({ width: W, height: H, data: short }), []);
    const doubted = map();
    draw(doubted, 20, 60, 180, 60, (CRACK_MAP.pixel + CRACK_MAP.minMean) / 2);
    assert.deepEqual(cracksFromMap({ width: W, height: H, data: doubted }), []);
  });

  it("does not take a ruler-straight line (a saw cut, a joint, a cable) for a crack", () => {
    const data = map();
    draw(data, 20, 60, 180, 60, 0.95, 0);
    assert.deepEqual(cracksFromMap({ width: W, height: H, data }), []);
    draw(data, 20, 60, 180, 60, 0.95);
    assert.equal(cracksFromMap({ width: W, height: H, data }).length, 1);
  });

  it("takes many long lines for a mesh (mortar joints, hair), and finds no crack of its own there", () => {
    const found = (n: number) => cracksFromMap({ width: W, height: H, data: mesh(n) });
    assert.equal(found(CRACK_MAP.patternCount - 1).length, CRACK_MAP.patternCount - 1);
    assert.deepEqual(found(CRACK_MAP.patternCount), []);
  });

  it("in a mesh, still finds one crack that dominates it (a stepped crack through brick), as doubtful", () => {
    const data = mesh(CRACK_MAP.patternCount);
    draw(data, 110, 10, 190, 110, 0.95);
    const found = cracksFromMap({ width: W, height: H, data });
    assert.equal(found.length, 1);
    assert.ok(found[0].box.x0 >= 105 / W, JSON.stringify(found[0].box));
    // LOW by its score (below LOW_CONFIDENCE 0.6), so never HIGH however large.
    assert.equal(found[0].score, CRACK_MAP.meshScore);
    // As long but less sure along its length than a dominant crack must be: none.
    const doubted = mesh(CRACK_MAP.patternCount);
    draw(doubted, 110, 10, 190, 110, (CRACK_MAP.minMean + CRACK_MAP.dominantMean) / 2);
    assert.deepEqual(cracksFromMap({ width: W, height: H, data: doubted }), []);
  });

  it("in a mesh, also keeps a sure crack that continues a dominant one, and no other", () => {
    const found = (x0: number, y0: number, x1: number, y1: number) => {
      const data = mesh(CRACK_MAP.patternCount);
      draw(data, 100, 5, 150, 75, 0.95);
      draw(data, x0, y0, x1, y1, 0.95);
      return cracksFromMap({ width: W, height: H, data });
    };
    // A few pixels past the dominant crack's end, where a stepped crack turns at a joint.
    const continued = found(156, 78, 196, 118);
    assert.equal(continued.length, 2);
    assert.ok(continued.every((d) => d.score === CRACK_MAP.meshScore));
    // As long and sure, but a quarter of the frame away from it: one of the mesh.
    assert.equal(found(100, 118, 150, 100).length, 1);
  });

  it("for any map, gives at most six boxes inside the frame, surest first", () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ min: 0, max: 1, noNaN: true }), { minLength: 64, maxLength: 64 }),
        (cells) => {
          // An 8×8 grid of cells blown up to the map, so maps have structure, not only noise.
          const data = map();
          for (let y = 0; y < H; y++)
            for (let x = 0; x < W; x++)
              data[y * W + x] = cells[Math.floor((y * 8) / H) * 8 + Math.floor((x * 8) / W)];
          const found = cracksFromMap({ width: W, height: H, data });
          assert.ok(found.length <= 6);
          for (const d of found) {
            assert.ok(d.box.x0 >= 0 && d.box.x1 <= 1 && d.box.y0 >= 0 && d.box.y1 <= 1);
            assert.ok(d.box.x0 < d.box.x1 && d.box.y0 < d.box.y1);
            assert.ok(d.score >= 0 && d.score <= 1);
          }
          for (let i = 1; i < found.length; i++) assert.ok(found[i - 1].score >= found[i].score);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("withCrackMap", () => {
  const line = (x0: number, x1: number): Detection => ({
    name: "Crack",
    label: "Crack",
    score: 0.7,
    box: { x0, y0: 0.4, x1, y1: 0.6 },
  });

  it("keeps a shape-detector line only where the model sees some crack in its box", () => {
    const data = map(0.02);
    data[Math.round(0.5 * H) * W + Math.round(0.2 * W)] = CRACK_MAP.confirm + 0.1;
    const kept = withCrackMap([line(0.1, 0.3), line(0.6, 0.9)], { width: W, height: H, data });
    assert.deepEqual(kept, [line(0.1, 0.3)]);
  });

  it("adds the model's own crack once, not again where a kept line already boxes it", () => {
    const data = map(0.02);
    drawCrack(data);
    const own = cracksFromMap({ width: W, height: H, data });
    assert.equal(own.length, 1);
    assert.deepEqual(withCrackMap([], { width: W, height: H, data }), own);
    const covering = { ...line(0, 1), box: { x0: 0, y0: 0, x1: 1, y1: 1 } };
    assert.deepEqual(withCrackMap([covering], { width: W, height: H, data }), [covering]);
  });

  it("keeps a sure line's score only where the model finds a crack of its own there", () => {
    const sure = { ...line(0.05, 0.95), score: 0.93 };
    const glimpsed = map(0.02);
    glimpsed[Math.round(0.5 * H) * W + Math.round(0.5 * W)] = 0.9;
    const [alone] = withCrackMap([sure], { width: W, height: H, data: glimpsed });
    assert.equal(alone.score, CRACK_MAP.ownScoreBase + CRACK_MAP.ownScoreSpan);
    assert.deepEqual(alone.box, sure.box);
    const seen = map(0.02);
    drawCrack(seen);
    assert.deepEqual(withCrackMap([sure], { width: W, height: H, data: seen }), [sure]);
  });

  it("lends a sure line no weight from a crack found in a mesh", () => {
    const sure = { ...line(0.5, 0.99), box: { x0: 0.5, y0: 0, x1: 0.99, y1: 1 }, score: 0.93 };
    const data = mesh(CRACK_MAP.patternCount, map(0.02));
    draw(data, 110, 10, 190, 110, 0.95);
    const kept = withCrackMap([sure], { width: W, height: H, data });
    assert.deepEqual(
      kept.map((d) => d.score),
      [CRACK_MAP.ownScoreBase + CRACK_MAP.ownScoreSpan],
    );
  });

  it("for any lines and map, never raises a score, and keeps a line sure only beside an own crack", () => {
    const box = fc
      .tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 9 }))
      .map(([a, b]) => [Math.min(a, b) / 10, (Math.max(a, b) + 1) / 10] as const);
    fc.assert(
      fc.property(
        fc.array(fc.record({ x: box, y: box, score: fc.float({ min: 0, max: 1, noNaN: true }) }), {
          maxLength: 4,
        }),
        fc.boolean(),
        fc.integer({ min: 0, max: W * H - 1 }),
        (specs, withCrack, speck) => {
          const data = map(0.02);
          data[speck] = 0.9;
          if (withCrack) drawCrack(data);
          const m = { width: W, height: H, data };
          const lines: Detection[] = specs.map((s) => ({
            name: "Crack",
            label: "Crack",
            score: s.score,
            box: { x0: s.x[0], x1: s.x[1], y0: s.y[0], y1: s.y[1] },
          }));
          const own = cracksFromMap(m);
          const cap = CRACK_MAP.ownScoreBase + CRACK_MAP.ownScoreSpan;
          for (const d of withCrackMap(lines, m)) {
            // A kept line keeps its box object; the model's own cracks have boxes of their own.
            const from = lines.find((l) => l.box === d.box);
            if (!from) continue;
            assert.ok(d.score <= from.score);
            const beside = own.some((c) => intersection(c.box, d.box) > 0);
            if (!beside) assert.ok(d.score <= cap);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("reads the peak inside a box, clipped to the map", () => {
    const data = map(0.1);
    data[10 * W + 10] = 0.9;
    assert.equal(
      peakIn({ width: W, height: H, data }, { x0: 0, y0: 0, x1: 0.2, y1: 0.2 }),
      data[10 * W + 10],
    );
    assert.equal(
      peakIn({ width: W, height: H, data }, { x0: 0.5, y0: 0.5, x1: 1.2, y1: 1.2 }),
      data[W * H - 1],
    );
  });

  function drawCrack(data: Float32Array) {
    draw(data, 20, 60, 180, 70, 0.95);
  }
});

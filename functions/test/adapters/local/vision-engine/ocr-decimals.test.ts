import assert from "node:assert/strict";
import fc from "fast-check";
import {
  isDrumRed,
  redDecimalsFrom,
  redShare,
  redness,
  withDecimalPoint,
  withoutLeadingRedPrint,
} from "../../../../src/adapters/local/vision-engine/ocr-decimals";

/** A line image `n` characters of 10 px wide, 20 px tall: character i red when `red[i]`. */
function line(red: boolean[]) {
  const width = red.length * 10,
    height = 20;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 4;
      // Strokes: the middle third of each character's columns, red or black, on white.
      const stroke = x % 10 >= 3 && x % 10 < 6;
      const [r, g, b] = !stroke
        ? [245, 245, 245]
        : red[Math.floor(x / 10)]
          ? [200, 30, 30]
          : [20, 20, 20];
      data.set([r, g, b, 255], p);
    }
  return { data, width, height };
}
/** A line of 10 px characters, each one flat colour whose redness is `excess[i]` over grey 150. */
function flat(excess: number[]) {
  const width = excess.length * 10,
    height = 8;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      data.set(
        [150 + Math.round(excess[Math.floor(x / 10)] * 255), 150, 150, 255],
        (y * width + x) * 4,
      );
  return { data, width, height };
}
const centres = (n: number) => Array.from({ length: n }, (_, i) => i * 10 + 5);

describe("red decimal drums", () => {
  it("takes saturated red to orange for drum red, and never a grey", () => {
    assert.ok(isDrumRed(200, 30, 30));
    assert.ok(isDrumRed(230, 90, 20));
    assert.ok(!isDrumRed(120, 90, 60), "wood");
    assert.ok(!isDrumRed(60, 10, 10), "too dark");
    fc.assert(fc.property(fc.integer({ min: 0, max: 255 }), (v) => !isDrumRed(v, v, v)));
  });

  it("measures the red share of a band of columns", () => {
    const img = line([false, true]);
    assert.equal(redShare(img, 0, 10), 0);
    assert.ok(Math.abs(redShare(img, 10, 20) - 0.3) < 1e-9);
    assert.equal(redShare(img, 30, 40), 0, "outside the image");
  });

  it("measures redness as the excess of red over green and blue, nothing for any grey", () => {
    assert.ok(Math.abs(redness(flat([0, 0.2]), 10, 20) - 51 / 255) < 1e-9);
    assert.ok(Math.abs(redness(line([false, true]), 10, 20) - (0.3 * 170) / 255) < 1e-9);
    assert.equal(redness(flat([0.2]), 30, 40), 0, "outside the image");
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), (v) => {
        const img = { data: new Uint8Array(4 * 4 * 4).fill(v), width: 4, height: 4 };
        return redness(img, 0, 4) === 0;
      }),
    );
  });

  it("takes the largest step in redness when a glow reddens the digit beside the red drums", () => {
    // Redness as measured on a real water meter (eval/meters tune, cwm-id_689, "00439160":
    // the "9" beside the red drums is lit by them).
    const img = flat([0.17, 0.17, 0.18, 0.18, 0.21, 0.28, 0.27, 0.29]);
    assert.equal(redDecimalsFrom("00439160", centres(8), img), 5);
  });

  it("puts no point where the digits differ in redness by less than a clear step", () => {
    // A serial number on the same kind of face (cwm-id_27, "30730051"), and a cast alone.
    assert.equal(
      redDecimalsFrom(
        "30730051",
        centres(8),
        flat([0.12, 0.12, 0.12, 0.11, 0.11, 0.12, 0.12, 0.13]),
      ),
      null,
    );
    fc.assert(
      fc.property(fc.double({ min: 0, max: 0.4, noNaN: true }), (cast) => {
        assert.equal(redDecimalsFrom("00414676", centres(8), flat(Array(8).fill(cast))), null);
      }),
    );
  });

  it("finds a run of red digits at the end, after plain ones, whatever the split", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 4 }), (plain, red) => {
        const text = "1234567890".slice(0, plain + red);
        const img = line([...Array(plain).fill(false), ...Array(red).fill(true)]);
        assert.equal(redDecimalsFrom(text, centres(text.length), img), plain);
      }),
    );
    assert.equal(
      redDecimalsFrom("00206922", centres(8), line([0, 0, 0, 0, 0, 1, 1, 1].map(Boolean))),
      5,
    );
  });

  it("tells red decimals from black drums under a warm cast that tints every digit", () => {
    // Shares as measured on a real water meter under warm light (eval/meters tune,
    // awo-beregun-WA0014, "00669117"): black drums 0.09–0.20, red ones 0.40–0.44.
    const tinted = { data: new Uint8Array(80 * 20 * 4), width: 80, height: 20 };
    const share = [0.09, 0.1, 0.15, 0.15, 0.2, 0.44, 0.4, 0.42];
    for (let i = 0; i < 8; i++)
      for (let y = 0; y < 20; y++)
        for (let x = 0; x < 10; x++) {
          const red = (y * 10 + x) / 200 < share[i];
          tinted.data.set(
            red ? [200, 30, 30, 255] : [240, 235, 225, 255],
            (y * 80 + i * 10 + x) * 4,
          );
        }
    assert.equal(redDecimalsFrom("00669117", centres(8), tinted), 5);
  });

  it("finds the red decimals of a register read with its unit in the same box", () => {
    // A red tenths drum read as "079446kWh" (eval/meters tune, akt-20201015_153436).
    const red = [0, 0, 0, 0, 0, 1, 0, 0, 0].map(Boolean);
    assert.equal(redDecimalsFrom("079446kWh", centres(9), line(red)), 5);
    assert.equal(redDecimalsFrom("079446 m³", centres(9), line(red)), 5);
    // Anything but a unit after the number leaves it alone: a code, or a second number.
    assert.equal(redDecimalsFrom("079446k2h", centres(9), line(red)), null);
    assert.equal(redDecimalsFrom("079446-12", centres(9), line(red)), null);
  });

  it("says 0 when every digit is red, and nothing for plain digits, red in the middle, or words", () => {
    assert.equal(redDecimalsFrom("734", centres(3), line([true, true, true])), 0);
    assert.equal(redDecimalsFrom("0530", centres(4), line([false, false, false, false])), null);
    assert.equal(redDecimalsFrom("0530", centres(4), line([false, true, false, false])), null);
    assert.equal(redDecimalsFrom("m3", centres(2), line([false, true])), null);
    assert.equal(redDecimalsFrom("7", centres(1), line([true])), null);
  });

  it("puts the point before the decimals, in place of a space", () => {
    assert.equal(withDecimalPoint("00206922", 5), "00206.922");
    assert.equal(withDecimalPoint("06376 341", 6), "06376.341");
  });
});

describe("red print left of a register", () => {
  it("drops a red first digit before plain drums: the m³ beside a register, read 3", () => {
    // mtr-00003_535 (eval/meters tune): red "м³" left of the drums, read "300003".
    const got = withoutLeadingRedPrint(
      "300003",
      centres(6),
      line([true, false, false, false, false, false]),
    );
    assert.deepEqual(got, { text: "00003", centres: centres(6).slice(1) });
    // A space after it goes with it.
    assert.equal(
      withoutLeadingRedPrint(
        "3 00137",
        centres(7),
        line([true, false, false, false, false, false, false]),
      ).text,
      "00137",
    );
  });

  it("keeps a read whose first digit is not red, or whose next digits are red too, or is short", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9]{4,8}$/),
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        (text, red) => {
          const reds = red.slice(0, text.length);
          const got = withoutLeadingRedPrint(text, centres(text.length), line(reds));
          const drop = reds[0] && !reds.slice(1, 4).some(Boolean);
          assert.equal(got.text, drop ? text.slice(1) : text);
        },
      ),
    );
    assert.equal(withoutLeadingRedPrint("300", centres(3), line([true, false, false])).text, "300");
    assert.equal(
      withoutLeadingRedPrint("3A003", centres(5), line([true, false, false, false, false])).text,
      "3A003",
    );
  });
});

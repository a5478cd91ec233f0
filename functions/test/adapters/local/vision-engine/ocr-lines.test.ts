import assert from "node:assert/strict";
import fc from "fast-check";
import {
  groupIntoLines,
  type TextBox,
} from "../../../../src/adapters/local/vision-engine/ocr-lines";

const box = (text: string, x: number, y: number, w = 40, h = 20, mean = 0.9): TextBox => ({
  text,
  mean,
  box: [
    [x, y],
    [x + w, y],
    [x + w, y + h],
    [x, y + h],
  ],
});

describe("OCR lines", () => {
  it("joins boxes on one line left to right and orders lines top to bottom", () => {
    const lines = groupIntoLines([
      box("LITRES", 200, 102),
      box("139.57", 10, 100),
      box("PUMP", 10, 10),
      box("3", 60, 12),
    ]);
    assert.deepEqual(
      lines.map((l) => l.text),
      ["PUMP 3", "139.57 LITRES"],
    );
    // The line's box runs from its first box's left corners to its last box's right ones.
    assert.deepEqual(lines[1].box, [
      [10, 100],
      [240, 102],
      [240, 122],
      [10, 120],
    ]);
  });

  it("keeps a doubtful read by its recognition confidence and carries the least doubt factor", () => {
    // A register read at 0.69 whose layout is doubtful (x0.8) is still kept: flagged later.
    const doubtful = { ...box("01096", 10, 100, 80, 20, 0.69), doubt: 0.8 };
    const [line] = groupIntoLines([doubtful, box("m3", 100, 100)]);
    assert.equal(line.text, "01096 m3");
    assert.equal(line.doubt, 0.8);
    assert.equal(groupIntoLines([box("01096", 10, 100)])[0].doubt, undefined);
  });

  it("doubts a line that an unsure digit box stands on: its number is missing a digit", () => {
    const [line] = groupIntoLines([
      box("0", 277, 1067, 66, 54),
      box("6", 357, 1076, 72, 46),
      box("6", 477, 1084, 1, 38, 0.243),
      box("3", 556, 1100, 25, 38, 0.297),
      box("CM JBEIL", 300, 1195, 480, 96),
    ]);
    assert.equal(line.text, "0 6");
    assert.equal(line.doubt, 0.8);
    // An unsure digit on another line says nothing of this one.
    const [other] = groupIntoLines([
      box("0683", 277, 1067, 300, 54),
      box("3", 556, 1400, 25, 38, 0.2),
    ]);
    assert.equal(other.doubt, undefined);
  });

  it("joins red decimal drums read as a box of their own to the register with a point", () => {
    const lines = groupIntoLines([
      box("06376", 10, 100, 100),
      { ...box("341", 130, 100, 60), allRed: true },
    ]);
    assert.deepEqual(
      lines.map((l) => l.text),
      ["06376.341"],
    );
    // Red text after a word is no decimal part.
    const words = groupIntoLines([box("STOP", 10, 10), { ...box("12", 60, 10), allRed: true }]);
    assert.deepEqual(
      words.map((l) => l.text),
      ["STOP 12"],
    );
  });

  it("puts a lone small digit beside a register on a line of its own: a superscript, not a drum", () => {
    // eval/meters tune (mtr-IMG_0021): the "³" of a black "M³", boxed turned and alone,
    // left of the drums 00137 with their red decimals.
    const register: TextBox = {
      text: "00137.019",
      mean: 0.86,
      box: [
        [264, 569],
        [983, 545],
        [987, 682],
        [269, 707],
      ],
    };
    const superscript: TextBox = {
      text: "3",
      mean: 0.99,
      box: [
        [210, 608],
        [260, 633],
        [226, 697],
        [177, 671],
      ],
    };
    assert.deepEqual(
      groupIntoLines([register, superscript]).map((l) => l.text),
      ["00137.019", "3"],
    );
    // A lone digit as tall as the drums is one of them (a first drum boxed apart)...
    assert.deepEqual(
      groupIntoLines([box("0530", 40, 0, 80, 30), box("1", 0, 0, 18, 30)]).map((l) => l.text),
      ["1 0530"],
    );
    // ...and small print beside words, not a register, stays on their line.
    assert.deepEqual(
      groupIntoLines([box("Qn", 0, 0, 40, 30), box("3", 45, 5, 8, 12)]).map((l) => l.text),
      ["Qn 3"],
    );
  });

  it("drops boxes read with a mean probability under one half, before measuring heights", () => {
    const lines = groupIntoLines([box("0530", 0, 0, 80, 30), box("x", 100, 3, 10, 300, 0.49)]);
    assert.deepEqual(
      lines.map((l) => [l.text, l.mean]),
      [["0530", 0.9]],
    );
    assert.deepEqual(groupIntoLines([box("x", 0, 0, 10, 10, 0.2)]), []);
  });

  it("keeps every sure box exactly once, whatever the layout", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            x: fc.integer({ min: 0, max: 500 }),
            y: fc.integer({ min: 0, max: 500 }),
            h: fc.integer({ min: 1, max: 60 }),
            mean: fc.double({ min: 0, max: 1, noNaN: true }),
          }),
          { maxLength: 12 },
        ),
        (specs) => {
          // Words, lone digits and registers: every kind of box a line may set apart.
          const text = (i: number) => [`w${i}`, `${i % 10}`, `${1000 + i}`][i % 3];
          const boxes = specs.map((s, i) => box(text(i), s.x, s.y, 30, s.h, s.mean));
          const lines = groupIntoLines(boxes);
          const words = lines.flatMap((l) => l.text.split(" ")).sort();
          const sure = boxes
            .filter((b) => b.mean >= 0.5)
            .map((b) => b.text)
            .sort();
          assert.deepEqual(words, sure);
          for (let i = 1; i < lines.length; i++)
            assert.ok(lines[i - 1].box[0][1] <= lines[i].box[0][1], "lines run top to bottom");
        },
      ),
    );
  });
});

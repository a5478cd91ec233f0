import assert from "node:assert/strict";
import fc from "fast-check";
import {
  DRUM_MIN_PROBABILITY,
  drumRegister,
  drumsMayRead,
  MAX_DRUMS,
  MIN_DRUMS,
  WHOLE_DRUMS,
} from "../../../../src/adapters/local/vision-engine/drum-choice";

const sure = (text: string) => ({ text, mean: 0.99, probabilities: [...text].map(() => 0.98) });
/** The drum reader's read with each digit's probability. */
const read = (text: string, probabilities: number[]) => ({ text, mean: 0.9, probabilities });

describe("drum reader's read standing in for PP-OCR's", () => {
  it("takes the drums' zero-padded register where PP-OCR read its leading zeros as other marks", () => {
    // PP-OCR's reads and the drum reader's of the same lines (eval/meters-dev, Chongqing meters).
    assert.equal(drumRegister("60453", sure("00453")), "00453");
    assert.equal(drumRegister("V5040m", sure("00404")), "00404");
    assert.equal(drumRegister("v60625", sure("00625")), "00625");
  });

  it("keeps PP-OCR's decimal point after as many digits", () => {
    // Toloka 587 and 501: red decimal drums read apart by ./ocr-decimals, the first drums
    // as 86 and 19 (their probabilities as the drum reader gave them).
    assert.equal(
      drumRegister("86001.74", read("0000172", [1, 0.84, 1, 1, 0.99, 0.97, 0.76])),
      "00001.72",
    );
    assert.equal(
      drumRegister("19938.516", read("00038010", [0.99, 1, 1, 1, 1, 0.65, 1, 0.9])),
      "00038.010",
    );
    // One digit more than PP-OCR read: where the point goes is not known, so none is kept.
    assert.equal(drumRegister("6001.74", sure("0000174")), "0000174");
  });

  it("leaves PP-OCR's read where it already starts with a zero", () => {
    // The drum reader misreads a rolling last drum: "H00018" stands for 00019 better than "00010".
    assert.equal(drumRegister("H00018", sure("00010")), null);
    assert.equal(drumRegister("00746", sure("00743")), null);
  });

  it("leaves PP-OCR's read when the drum reader is unsure of a whole drum, not of a decimal", () => {
    assert.equal(drumRegister("60453", read("00453", [1, 1, 1, 1, 0.6])), null);
    // Toloka 857: "00067.376" for 00064.376, its first drum unsure.
    assert.equal(
      drumRegister("10964.379", read("00067376", [0.69, 1, 1, 0.99, 0.84, 0.98, 1, 0.41])),
      null,
    );
    // No point marked: the first five drums are the whole ones.
    assert.equal(
      drumRegister("10795149", read("00795149", [1, 1, 1, 1, 1, 0.3, 0.3, 0.3])),
      "00795149",
    );
  });

  it("does not turn labels, codes or serials into registers", () => {
    assert.equal(drumRegister("x0,0001", sure("0000")), null); // no digit but zeros, too short
    assert.equal(drumRegister("Q3/Q1=100", sure("0300")), null); // too short
    assert.equal(drumRegister("10081160", sure("0081160")), null); // a digit fewer: a serial's 1 lost
    assert.equal(drumRegister("2019-09-1310:53:53", sure("02010001310535")), null); // too long
    assert.equal(drumRegister("60453", sure("60453")), null); // not zero-padded
    // Not a register's shape, though the drum reader is sure (eval/meters-dev, Chongqing).
    assert.equal(drumRegister("Q3/Q1=100", sure("03000")), null);
    assert.equal(drumRegister("CB-15y-110", sure("08150")), null);
    assert.equal(drumRegister("RPT95261", sure("000526")), null);
  });

  it("never stands in unless every rule holds, for any reads", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 12 }),
        fc.stringMatching(/^\d{0,10}$/),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 10, maxLength: 10 }),
        (ocr, drums, p) => {
          const probabilities = p.slice(0, drums.length);
          const out = drumRegister(ocr, { text: drums, mean: 0.5, probabilities });
          if (out === null) return;
          const ocrDigits = ocr.replace(/\D/g, "");
          const whole = out.includes(".") ? out.indexOf(".") : WHOLE_DRUMS;
          assert.ok(Math.min(...probabilities.slice(0, whole)) >= DRUM_MIN_PROBABILITY);
          assert.ok(drumsMayRead(ocr) && /^[1-9]/.test(ocrDigits));
          assert.equal(out.replace(".", ""), drums);
          assert.ok(drums.startsWith("0") && /[1-9]/.test(drums));
          assert.ok(drums.length >= MIN_DRUMS && drums.length <= MAX_DRUMS);
          assert.ok(drums.length - ocrDigits.length === 0 || drums.length - ocrDigits.length === 1);
        },
      ),
    );
  });

  it("reads again only lines that could be a register with misread zeros", () => {
    assert.equal(drumsMayRead("v5062m"), true);
    assert.equal(drumsMayRead("60453"), true);
    assert.equal(drumsMayRead("00453"), false);
    assert.equal(drumsMayRead("MC渝制00000668号"), false);
    assert.equal(drumsMayRead("123"), false);
    assert.equal(drumsMayRead("123456789"), false);
    assert.equal(drumsMayRead("19938.516 m³"), true);
    assert.equal(drumsMayRead("Z190421570"), false);
  });
});

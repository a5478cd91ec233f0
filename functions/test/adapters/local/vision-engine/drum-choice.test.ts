import assert from "node:assert/strict";
import fc from "fast-check";
import {
  DRUM_MIN_PROBABILITY,
  drumRegister,
  drumsConfirm,
  drumsMayConfirm,
  drumsMayRead,
  MAX_DRUMS,
  MIN_DRUMS,
  PADDED_MAX_MEAN,
  WHOLE_DRUMS,
} from "../../../../src/adapters/local/vision-engine/drum-choice";

const sure = (text: string) => ({ text, mean: 0.99, probabilities: [...text].map(() => 0.98) });
/** The drum reader's read with each digit's probability. */
const read = (text: string, probabilities: number[]) => ({ text, mean: 0.9, probabilities });
/** PP-OCR's mean probability for a line it was sure of, and for one it was not. */
const SURE = 0.95;
const UNSURE = 0.6;

describe("drum reader's read standing in for PP-OCR's", () => {
  it("takes the drums' zero-padded register where PP-OCR read its leading zeros as other marks", () => {
    // PP-OCR's reads and the drum reader's of the same lines (eval/meters-dev, Chongqing meters).
    assert.equal(drumRegister("60453", SURE, sure("00453")), "00453");
    assert.equal(drumRegister("V5040m", SURE, sure("00404")), "00404");
    assert.equal(drumRegister("v60625", SURE, sure("00625")), "00625");
  });

  it("keeps PP-OCR's decimal point after as many digits", () => {
    // Toloka 587 and 501: red decimal drums read apart by ./ocr-decimals, the first drums
    // as 86 and 19 (their probabilities as the drum reader gave them).
    assert.equal(
      drumRegister("86001.74", SURE, read("0000172", [1, 0.84, 1, 1, 0.99, 0.97, 0.76])),
      "00001.72",
    );
    assert.equal(
      drumRegister("19938.516", SURE, read("00038010", [0.99, 1, 1, 1, 1, 0.65, 1, 0.9])),
      "00038.010",
    );
    // One digit more than PP-OCR read: where the point goes is not known, so none is kept.
    assert.equal(drumRegister("6001.74", SURE, sure("0000174")), "0000174");
  });

  it("takes the drums' read of a padded register only where PP-OCR was unsure of it", () => {
    // eval/meters and meters-dev: PP-OCR's reads with its mean, the drum reader's with its
    // probabilities.
    assert.equal(drumRegister("H00012", 0.58, sure("00017")), "00017");
    assert.equal(drumRegister("06008", 0.6, read("00008", [1, 1, 1, 1, 0.99])), "00008");
    assert.equal(
      drumRegister("00029.639", 0.74, read("00129615", [0.99, 1, 0.98, 0.99, 1, 0.93, 0.54, 0.56])),
      "00129.615",
    );
    // PP-OCR sure: its read stands, right ("00819m") or wrong ("00746" for 00742).
    assert.equal(drumRegister("00819m", 0.93, read("00891", [0.98, 0.91, 1, 0.99, 0.94])), null);
    assert.equal(drumRegister("00746", 0.94, sure("00743")), null);
    // The drum reader unsure of a rolling drum: "H00018" stands for 00019 better than "00010".
    assert.equal(drumRegister("H00018", 0.64, read("00010", [1, 1, 1, 0.73, 0.99])), null);
    // A drum label, however unsure: one digit before its point is no register.
    assert.equal(drumRegister("0.0001", 0.55, sure("00007")), null);
  });

  it("adds the last drum PP-OCR dropped from a padded register, only where every drum is sure", () => {
    // eval/meters-dev, Chongqing: four of five drums read, however surely.
    assert.equal(drumRegister("v0032m²", 0.82, sure("00326")), "00326");
    assert.equal(drumRegister("0051", 0.97, read("00515", [1, 1, 1, 1, 0.89])), "00515");
    // The added drum unsure (iaq 572: 01414, its last drum read 5 at 0.79): PP-OCR's stands.
    assert.equal(drumRegister("0141", 0.96, read("01415", [1, 1, 1, 1, 0.79])), null);
    // The drums must begin with PP-OCR's four, and add one only.
    assert.equal(drumRegister("0051", 0.97, sure("00615")), null);
    assert.equal(drumRegister("v0017m²", 0.63, sure("001773")), null);
    // Four padded digits with a decimal mark are a register read whole ("0530.07").
    assert.equal(drumsMayRead("0530.07", SURE), false);
    fc.assert(
      fc.property(fc.stringMatching(/^0\d{3}$/), fc.integer({ min: 0, max: 9 }), (four, last) => {
        fc.pre(/[1-9]/.test(four + last));
        assert.equal(drumRegister(four, SURE, sure(`${four}${last}`)), `${four}${last}`);
        assert.equal(drumRegister(four, SURE, sure(four)), null);
      }),
    );
  });

  it("leaves PP-OCR's read when the drum reader is unsure of a whole drum, not of a decimal", () => {
    assert.equal(drumRegister("60453", SURE, read("00453", [1, 1, 1, 1, 0.6])), null);
    // Toloka 857: "00067.376" for 00064.376, its first drum unsure.
    assert.equal(
      drumRegister("10964.379", SURE, read("00067376", [0.69, 1, 1, 0.99, 0.84, 0.98, 1, 0.41])),
      null,
    );
    // No point marked: the first five drums are the whole ones.
    assert.equal(
      drumRegister("10795149", SURE, read("00795149", [1, 1, 1, 1, 1, 0.3, 0.3, 0.3])),
      "00795149",
    );
  });

  it("does not turn labels, codes or serials into registers", () => {
    assert.equal(drumRegister("x0,0001", SURE, sure("0000")), null); // no digit but zeros, too short
    assert.equal(drumRegister("Q3/Q1=100", SURE, sure("0300")), null); // too short
    assert.equal(drumRegister("10081160", SURE, sure("0081160")), null); // a digit fewer: a serial's 1 lost
    assert.equal(drumRegister("2019-09-1310:53:53", SURE, sure("02010001310535")), null); // too long
    assert.equal(drumRegister("60453", SURE, sure("60453")), null); // not zero-padded
    // Not a register's shape, though the drum reader is sure (eval/meters-dev, Chongqing).
    assert.equal(drumRegister("Q3/Q1=100", SURE, sure("03000")), null);
    assert.equal(drumRegister("CB-15y-110", SURE, sure("08150")), null);
    assert.equal(drumRegister("RPT95261", SURE, sure("000526")), null);
  });

  it("never stands in unless every rule holds, for any reads", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 12 }),
        fc.stringMatching(/^\d{0,10}$/),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 10, maxLength: 10 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (ocr, drums, p, ocrMean) => {
          const probabilities = p.slice(0, drums.length);
          const out = drumRegister(ocr, ocrMean, { text: drums, mean: 0.5, probabilities });
          if (out === null) return;
          const ocrDigits = ocr.replace(/\D/g, "");
          const whole = out.includes(".") ? out.indexOf(".") : WHOLE_DRUMS;
          assert.ok(Math.min(...probabilities.slice(0, whole)) >= DRUM_MIN_PROBABILITY);
          assert.ok(drumsMayRead(ocr, ocrMean));
          // PP-OCR sure of a padded read: only a dropped last drum is added, every drum sure.
          if (!/^[1-9]/.test(ocrDigits) && ocrMean >= PADDED_MAX_MEAN) {
            assert.ok(/^0\d{3}$/.test(ocrDigits) && !/\d[.,]\d/.test(ocr));
            assert.ok(drums.startsWith(ocrDigits) && drums.length === ocrDigits.length + 1);
            assert.ok(Math.min(...probabilities) >= DRUM_MIN_PROBABILITY);
          }
          assert.ok(ocrDigits.length >= MIN_DRUMS - 1);
          assert.equal(out.replace(".", ""), drums);
          assert.ok(drums.startsWith("0") && /[1-9]/.test(drums));
          assert.ok(drums.length >= MIN_DRUMS && drums.length <= MAX_DRUMS);
          assert.ok(drums.length - ocrDigits.length === 0 || drums.length - ocrDigits.length === 1);
        },
      ),
    );
  });

  it("reads again only lines that could be a register with misread zeros", () => {
    assert.equal(drumsMayRead("v5062m", SURE), true);
    assert.equal(drumsMayRead("60453", SURE), true);
    assert.equal(drumsMayRead("00453", SURE), false);
    assert.equal(drumsMayRead("00453", UNSURE), true);
    assert.equal(drumsMayRead("MC渝制00000668号", UNSURE), false);
    assert.equal(drumsMayRead("123", SURE), false);
    assert.equal(drumsMayRead("123456789", SURE), false);
    assert.equal(drumsMayRead("19938.516 m³", SURE), true);
    assert.equal(drumsMayRead("Z190421570", SURE), false);
    assert.equal(drumsMayRead("0,0001", UNSURE), false);
    assert.equal(drumsMayRead("139.52", SURE), false);
  });

  it("confirms a register PP-OCR was too unsure of only where the drums read the same whole digits", () => {
    // Toloka 1027 (eval/meters-dev): PP-OCR read "00654752" at 0.49, the drum reader "0065470".
    const toloka = read("0065470", [1, 1, 0.99, 1, 1, 0.97, 0.4]);
    assert.equal(drumsConfirm("00654752", toloka), true);
    assert.equal(drumsConfirm("00654.752", toloka), true);
    assert.equal(drumsConfirm("00659752", toloka), false); // a whole drum differs
    assert.equal(drumsConfirm("00654752", read("0065470", [1, 1, 0.99, 0.6, 1, 1, 1])), false);
    assert.equal(drumsConfirm("10654752", sure("10654752")), false); // not zero-padded
    assert.equal(drumsConfirm("0.0001", sure("00001")), false); // a drum label
    assert.equal(drumsConfirm("0031", sure("00031029")), false); // too short to be a register
    assert.equal(drumsMayConfirm("00654752"), true);
    assert.equal(drumsMayConfirm("MC渝制00000668号"), false);
  });

  it("confirms only whole drums both readers read alike, surely, for any reads", () => {
    // Registers PP-OCR might read, and drum reads that share their digits or not.
    const pair = fc
      .stringMatching(/^[Vx]?0{1,3}[1-9]\d{0,6}(?:[.,]\d{1,3})?(?: m3)?$/)
      .chain((ocr) =>
        fc.tuple(
          fc.constant(ocr),
          fc.oneof(
            fc.stringMatching(/^\d{0,3}$/).map((tail) => ocr.replace(/\D/g, "") + tail),
            fc.stringMatching(/^\d{0,10}$/),
          ),
        ),
      );
    let confirmed = 0;
    fc.assert(
      fc.property(
        pair,
        fc.array(
          fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0.8, max: 1 })),
          { minLength: 14, maxLength: 14 },
        ),
        ([ocr, drums], p) => {
          const probabilities = p.slice(0, drums.length);
          if (!drumsConfirm(ocr, { text: drums, mean: 0.5, probabilities })) return;
          confirmed++;
          const ocrDigits = ocr.replace(/\D/g, "");
          assert.ok(drumsMayConfirm(ocr));
          assert.ok(ocrDigits.length >= MIN_DRUMS && ocrDigits.length <= MAX_DRUMS);
          const point = /[.,]/.exec(ocr);
          const whole = point
            ? ocr.slice(0, point.index).replace(/\D/g, "")
            : ocrDigits.slice(0, WHOLE_DRUMS);
          assert.ok(whole.length >= MIN_DRUMS - 1);
          assert.ok(drums.startsWith(whole));
          assert.ok(Math.min(...probabilities.slice(0, whole.length)) >= DRUM_MIN_PROBABILITY);
        },
      ),
      { numRuns: 1000 },
    );
    assert.ok(confirmed > 0, "some generated reads are confirmed");
  });
});

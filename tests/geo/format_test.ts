/**
 * The GEO number formats against their C definitions: "%f" / "%.17Lf" with exact decimal expansion
 * and ties to even (glibc printf), fixedpoint_d2string's llrint-based 4 decimals (Redis 7.4+, which
 * differs from 7.0's "%.4f" only when d × 10^4 lands on a tie), and geohash scores/decoding against
 * an independent BigInt model of geohashEncode / deinterleave64.
 */
import assert from "node:assert/strict";
import { formatDistance, formatFixed, formatHuman } from "../../src/commands/geo_format.ts";
import { decodeScore, GEO_LAT_MAX, GEO_LAT_MIN, scoreOf } from "../../src/types/geohash.ts";
import { prng } from "../bitmap/helpers.ts";

Deno.test("geo format: %f with exact expansion and ties to even", () => {
  assert.equal(formatFixed(200, 6), "200.000000");
  assert.equal(formatFixed(200.0078125, 6), "200.007812"); // exact tie → even
  assert.equal(formatFixed(200.0078135, 6), "200.007813");
  assert.equal(formatFixed(0.5, 0), "0");
  assert.equal(formatFixed(1.5, 0), "2");
  assert.equal(formatFixed(-0.0000001, 6), "-0.000000");
  assert.equal(formatFixed(1e22, 2), "10000000000000000000000.00");
  assert.equal(formatFixed(0.1, 20), "0.10000000000000000555");
  assert.equal(formatFixed(5e-324, 6), "0.000000");
});

Deno.test("geo format: human long double (%.17Lf trimmed)", () => {
  assert.equal(formatHuman(13.361389338970184), "13.36138933897018433");
  assert.equal(formatHuman(-0), "0");
  assert.equal(formatHuman(-1e-30), "0");
  assert.equal(formatHuman(180), "180");
  assert.equal(formatHuman(0.5), "0.5");
  assert.equal(formatHuman(-85.05112877980659), "-85.05112877980658936");
});

Deno.test("geo format: distances with llrint rounding", () => {
  assert.equal(formatDistance(0), "0.0000");
  assert.equal(formatDistance(-0), "0.0000");
  assert.equal(formatDistance(0.00004), "0.0000");
  assert.equal(formatDistance(0.00005), "0.0000"); // 0.5 → even
  assert.equal(formatDistance(0.00015), "0.0001"); // the double product is 1.4999999999999998
  assert.equal(formatDistance(166274.1516), "166274.1516");
  assert.equal(formatDistance(56.4413), "56.4413");
  assert.equal(formatDistance(1.23456), "1.2346");
  assert.equal(formatDistance(-1.5), "-1.5000");
  assert.equal(formatDistance(12345678.9), "12345678.9000");
});

/** Independent model: geohashEncode at step 26 with BigInt bit twiddling. */
function modelScore(lon: number, lat: number): bigint {
  const latOff = Math.trunc(((lat - GEO_LAT_MIN) / (GEO_LAT_MAX - GEO_LAT_MIN)) * 2 ** 26);
  const lonOff = Math.trunc(((lon + 180) / 360) * 2 ** 26);
  let bits = 0n;
  for (let i = 0; i < 32; i++) {
    bits |= BigInt((latOff >>> i) & 1) << BigInt(2 * i);
    bits |= BigInt((lonOff >>> i) & 1) << BigInt(2 * i + 1);
  }
  return bits;
}

Deno.test("geo hash: scores and decoding against a bit-by-bit model", () => {
  const rnd = prng(3);
  const xy = [0, 0];
  for (let i = 0; i < 20000; i++) {
    const lon = (rnd() - 0.5) * 360;
    const lat = (rnd() - 0.5) * 2 * GEO_LAT_MAX;
    const score = scoreOf(lon, lat)!;
    assert.equal(BigInt(score), modelScore(lon, lat));
    decodeScore(score, xy);
    // The decoded point is the center of the cell holding the original point.
    assert.ok(Math.abs(xy[0] - lon) <= 360 / 2 ** 26, `lon ${lon} → ${xy[0]}`);
    assert.ok(Math.abs(xy[1] - lat) <= (2 * GEO_LAT_MAX) / 2 ** 26, `lat ${lat} → ${xy[1]}`);
    assert.equal(scoreOf(xy[0], xy[1]), score);
  }
  assert.equal(scoreOf(180.1, 0), null);
  assert.equal(scoreOf(0, 85.06), null);
});

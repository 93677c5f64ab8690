/**
 * Geohash arithmetic as Redis does it (geohash.c, geohash_helper.c): 26-step interleaved hashes
 * stored as 52-bit sorted-set scores (latitude bits in the even positions), decoding a score to the
 * center of its cell, neighbor cells, the nine areas covering a search shape, and the Haversine
 * distance with Redis's earth radius (6372797.560856 m). Every floating-point step follows the C
 * code's order of operations so scores and coordinates match Redis's bit for bit (trigonometry from
 * geo_math.ts). No RESP, no I/O.
 */
import { asin, cos, sin } from "./geo_math.ts";

export const GEO_STEP_MAX = 26;
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;

const D_R = Math.PI / 180.0;
export const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;

/** A geohash of `step` bits per coordinate (2 × step bits), held exactly in a BigInt. */
export interface GeoHashBits {
  bits: bigint;
  step: number;
}

/** A cell: longitude and latitude ranges. */
export interface GeoHashArea {
  lonMin: number;
  lonMax: number;
  latMin: number;
  latMax: number;
}

/** A coordinate range. */
export interface GeoRange {
  min: number;
  max: number;
}

export const LONG_RANGE: GeoRange = { min: GEO_LONG_MIN, max: GEO_LONG_MAX };
export const LAT_RANGE: GeoRange = { min: GEO_LAT_MIN, max: GEO_LAT_MAX };

// ---- interleaving ---------------------------------------------------------------------------------------

/** Spreads the low 16 bits of `v` to the even bit positions of a 32-bit value. */
function spread16(v: number): number {
  v &= 0xffff;
  v = (v | (v << 8)) & 0x00ff00ff;
  v = (v | (v << 4)) & 0x0f0f0f0f;
  v = (v | (v << 2)) & 0x33333333;
  v = (v | (v << 1)) & 0x55555555;
  return v >>> 0;
}

/** Gathers the even bits of a 32-bit value into 16 bits. */
function squash16(v: number): number {
  v &= 0x55555555;
  v = (v | (v >>> 1)) & 0x33333333;
  v = (v | (v >>> 2)) & 0x0f0f0f0f;
  v = (v | (v >>> 4)) & 0x00ff00ff;
  v = (v | (v >>> 8)) & 0x0000ffff;
  return v;
}

/** Redis's interleave64: x (latitude) bits in even positions, y (longitude) in odd; 32-bit inputs. */
export function interleave64(x: number, y: number): bigint {
  const lo = (spread16(x) | (spread16(y) << 1)) >>> 0;
  const hi = (spread16(x >>> 16) | (spread16(y >>> 16) << 1)) >>> 0;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Redis's deinterleave64 of a 64-bit value: [x (even bits), y (odd bits)] as 32-bit numbers. */
export function deinterleave64(v: bigint): [number, number] {
  const lo = Number(v & 0xffffffffn);
  const hi = Number((v >> 32n) & 0xffffffffn);
  const x = (squash16(lo) | (squash16(hi) << 16)) >>> 0;
  const y = (squash16(lo >>> 1) | (squash16(hi >>> 1) << 16)) >>> 0;
  return [x, y];
}

// ---- encoding and decoding -------------------------------------------------------------------------------

/**
 * Redis's geohashEncode: the `step`-step hash of (longitude, latitude) within the given ranges, or
 * null when the point is outside them.
 */
export function geohashEncode(
  lonRange: GeoRange,
  latRange: GeoRange,
  longitude: number,
  latitude: number,
  step: number,
): GeoHashBits | null {
  if (step > 32 || step === 0) return null;
  if (longitude > GEO_LONG_MAX || longitude < GEO_LONG_MIN || latitude > GEO_LAT_MAX || latitude < GEO_LAT_MIN) {
    return null;
  }
  if (latitude < latRange.min || latitude > latRange.max || longitude < lonRange.min || longitude > lonRange.max) {
    return null;
  }
  let latOffset = (latitude - latRange.min) / (latRange.max - latRange.min);
  let lonOffset = (longitude - lonRange.min) / (lonRange.max - lonRange.min);
  latOffset *= 2 ** step;
  lonOffset *= 2 ** step;
  // C converts the doubles to uint32_t by truncation.
  return { bits: interleave64(Math.trunc(latOffset) >>> 0, Math.trunc(lonOffset) >>> 0), step };
}

/** geohashEncodeWGS84 with Redis's coordinate limits. */
export function geohashEncodeWGS84(longitude: number, latitude: number, step: number): GeoHashBits | null {
  return geohashEncode(LONG_RANGE, LAT_RANGE, longitude, latitude, step);
}

/** geohashAlign52Bits: the hash shifted to a 52-bit score. */
export function align52(h: GeoHashBits): number {
  return Number(h.bits << BigInt(52 - h.step * 2));
}

/** The 52-bit score of a point (GEOADD). */
export function scoreOf(longitude: number, latitude: number): number | null {
  const h = geohashEncodeWGS84(longitude, latitude, GEO_STEP_MAX);
  return h === null ? null : align52(h);
}

/** Redis's geohashDecode: the cell of `h` (null for a zeroed hash). */
export function geohashDecode(lonRange: GeoRange, latRange: GeoRange, h: GeoHashBits): GeoHashArea | null {
  if (h.bits === 0n && h.step === 0) return null;
  const [ilato, ilono] = deinterleave64(h.bits);
  return cellOf(lonRange, latRange, ilato, ilono, h.step);
}

function cellOf(lonRange: GeoRange, latRange: GeoRange, ilato: number, ilono: number, step: number): GeoHashArea {
  const latScale = latRange.max - latRange.min;
  const lonScale = lonRange.max - lonRange.min;
  const div = 2 ** step;
  return {
    latMin: latRange.min + (ilato * 1.0 / div) * latScale,
    latMax: latRange.min + ((ilato + 1) * 1.0 / div) * latScale,
    lonMin: lonRange.min + (ilono * 1.0 / div) * lonScale,
    lonMax: lonRange.min + ((ilono + 1) * 1.0 / div) * lonScale,
  };
}

/** geohashDecodeAreaToLongLat: the cell's center, clamped to the limits. */
function centerOf(a: GeoHashArea, out: number[]): void {
  let x = (a.lonMin + a.lonMax) / 2;
  if (x > GEO_LONG_MAX) x = GEO_LONG_MAX;
  if (x < GEO_LONG_MIN) x = GEO_LONG_MIN;
  let y = (a.latMin + a.latMax) / 2;
  if (y > GEO_LAT_MAX) y = GEO_LAT_MAX;
  if (y < GEO_LAT_MIN) y = GEO_LAT_MIN;
  out[0] = x;
  out[1] = y;
}

/** C's (uint64_t) conversion of a double as x86-64 compilers emit it. */
function toUint64(d: number): bigint {
  if (d !== d) return 0n;
  if (d < 9223372036854775808) {
    if (d <= -9223372036854775808) return 0x8000000000000000n; // INT64_MIN, or cvttsd2si overflow
    return BigInt.asUintN(64, BigInt(Math.trunc(d)));
  }
  const t = d - 9223372036854775808;
  if (t >= 9223372036854775808) return 0n; // cvttsd2si overflow (0x8000…) xor the sign bit
  return BigInt.asUintN(64, BigInt(Math.trunc(t)) ^ -0x8000000000000000n);
}

/**
 * Redis's decodeGeohash: the [longitude, latitude] a sorted-set score stands for (the center of its
 * 26-step cell), written into `out`. Scores that are not 52-bit integers decode as C would.
 */
export function decodeScore(score: number, out: number[]): void {
  let ilato: number;
  let ilono: number;
  if (score >= 0 && score < 4503599627370496) {
    // Fast path: a 52-bit integer (truncated), deinterleaved on 32-bit halves.
    const s = Math.trunc(score);
    const lo = s % 4294967296;
    const hi = (s - lo) / 4294967296;
    ilato = (squash16(lo) | (squash16(hi) << 16)) >>> 0;
    ilono = (squash16(lo >>> 1) | (squash16(hi >>> 1) << 16)) >>> 0;
  } else {
    [ilato, ilono] = deinterleave64(toUint64(score));
  }
  centerOf(cellOf(LONG_RANGE, LAT_RANGE, ilato, ilono, GEO_STEP_MAX), out);
}

/** C's (long long) conversion of a double (WITHHASH): truncation, out of range → INT64_MIN. */
export function scoreToInt64(score: number): bigint | number {
  if (score !== score || score >= 9223372036854775808 || score < -9223372036854775808) {
    return -9223372036854775808n;
  }
  const t = Math.trunc(score);
  return Number.isSafeInteger(t) ? t : BigInt(t);
}

// ---- neighbors ----------------------------------------------------------------------------------------------

const EVEN = 0x5555555555555555n;
const ODD = 0xaaaaaaaaaaaaaaaan;
const U64 = (v: bigint) => BigInt.asUintN(64, v);

function moveX(h: GeoHashBits, d: number): GeoHashBits {
  if (d === 0) return h;
  let x = h.bits & ODD;
  const y = h.bits & EVEN;
  const zz = EVEN >> BigInt(64 - h.step * 2);
  if (d > 0) x = U64(x + (zz + 1n));
  else {
    x = x | zz;
    x = U64(x - (zz + 1n));
  }
  x &= ODD >> BigInt(64 - h.step * 2);
  return { bits: x | y, step: h.step };
}

function moveY(h: GeoHashBits, d: number): GeoHashBits {
  if (d === 0) return h;
  const x = h.bits & ODD;
  let y = h.bits & EVEN;
  const zz = ODD >> BigInt(64 - h.step * 2);
  if (d > 0) y = U64(y + (zz + 1n));
  else {
    y = y | zz;
    y = U64(y - (zz + 1n));
  }
  y &= EVEN >> BigInt(64 - h.step * 2);
  return { bits: x | y, step: h.step };
}

/** The eight neighbors of a cell. */
export interface GeoHashNeighbors {
  north: GeoHashBits;
  east: GeoHashBits;
  west: GeoHashBits;
  south: GeoHashBits;
  northEast: GeoHashBits;
  southEast: GeoHashBits;
  northWest: GeoHashBits;
  southWest: GeoHashBits;
}

/** Redis's geohashNeighbors. */
export function geohashNeighbors(h: GeoHashBits): GeoHashNeighbors {
  return {
    east: moveX(h, 1),
    west: moveX(h, -1),
    south: moveY(h, -1),
    north: moveY(h, 1),
    northWest: moveY(moveX(h, -1), 1),
    northEast: moveY(moveX(h, 1), 1),
    southEast: moveY(moveX(h, 1), -1),
    southWest: moveY(moveX(h, -1), -1),
  };
}

// ---- distances and search areas ----------------------------------------------------------------------------

const degRad = (ang: number) => ang * D_R;
const radDeg = (ang: number) => ang / D_R;

/** Distance along a meridian between two latitudes (m). */
export function latDistance(lat1d: number, lat2d: number): number {
  return EARTH_RADIUS_IN_METERS * Math.abs(degRad(lat2d) - degRad(lat1d));
}

/** Redis's geohashGetDistance: the Haversine great-circle distance (m). */
export function geoDistance(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lon1r = degRad(lon1d);
  const lon2r = degRad(lon2d);
  const v = sin((lon2r - lon1r) / 2);
  // When the longitudes are practically the same, the distance is along the meridian.
  if (v === 0.0) return latDistance(lat1d, lat2d);
  const lat1r = degRad(lat1d);
  const lat2r = degRad(lat2d);
  const u = sin((lat2r - lat1r) / 2);
  const a = u * u + cos(lat1r) * cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * asin(Math.sqrt(a));
}

/** A search shape: center, conversion to meters, and a radius or a width × height box (in units). */
export interface GeoShape {
  circular: boolean;
  lon: number;
  lat: number;
  conversion: number;
  radius: number;
  width: number;
  height: number;
}

/**
 * Redis's geoWithinShape after decoding: the distance (m) from the shape's center to (lon, lat) when
 * the point is inside the shape, or -1.
 */
export function distanceIfWithin(shape: GeoShape, lon: number, lat: number): number {
  if (shape.circular) {
    const d = geoDistance(shape.lon, shape.lat, lon, lat);
    return d > shape.radius * shape.conversion ? -1 : d;
  }
  const widthM = shape.width * shape.conversion;
  const heightM = shape.height * shape.conversion;
  if (latDistance(lat, shape.lat) > heightM / 2) return -1;
  if (geoDistance(lon, lat, shape.lon, lat) > widthM / 2) return -1;
  return geoDistance(shape.lon, shape.lat, lon, lat);
}

/** Redis's geohashEstimateStepsByRadius. */
function estimateSteps(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

/** Redis's geohashBoundingBox: [minLon, minLat, maxLon, maxLat]. */
function boundingBox(shape: GeoShape): [number, number, number, number] {
  const longitude = shape.lon;
  const latitude = shape.lat;
  const height = shape.conversion * (shape.circular ? shape.radius : shape.height / 2);
  const width = shape.conversion * (shape.circular ? shape.radius : shape.width / 2);
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const longDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / cos(degRad(latitude + latDelta)));
  const longDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / cos(degRad(latitude - latDelta)));
  const southern = latitude < 0;
  return [
    southern ? longitude - longDeltaBottom : longitude - longDeltaTop,
    latitude - latDelta,
    southern ? longitude + longDeltaBottom : longitude + longDeltaTop,
    latitude + latDelta,
  ];
}

const ZERO_HASH: GeoHashBits = { bits: 0n, step: 0 };

/**
 * Redis's geohashCalculateAreasByShapeWGS84: the cells to scan, in Redis's order — the center cell,
 * then north, south, east, west, north-east, north-west, south-east, south-west — with the useless
 * ones zeroed ({bits: 0, step: 0}).
 */
export function searchAreas(shape: GeoShape): GeoHashBits[] {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(shape);
  const radiusMeters =
    (shape.circular
      ? shape.radius
      : Math.sqrt((shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2))) *
    shape.conversion;
  let steps = estimateSteps(radiusMeters, shape.lat);
  let hash = geohashEncode(LONG_RANGE, LAT_RANGE, shape.lon, shape.lat, steps)!;
  let n = geohashNeighbors(hash);
  let area = geohashDecode(LONG_RANGE, LAT_RANGE, hash)!;
  const north = geohashDecode(LONG_RANGE, LAT_RANGE, n.north)!;
  const south = geohashDecode(LONG_RANGE, LAT_RANGE, n.south)!;
  const east = geohashDecode(LONG_RANGE, LAT_RANGE, n.east)!;
  const west = geohashDecode(LONG_RANGE, LAT_RANGE, n.west)!;
  const decrease = north.latMax < maxLat || south.latMin > minLat || east.lonMax < maxLon || west.lonMin > minLon;
  if (steps > 1 && decrease) {
    steps--;
    hash = geohashEncode(LONG_RANGE, LAT_RANGE, shape.lon, shape.lat, steps)!;
    n = geohashNeighbors(hash);
    area = geohashDecode(LONG_RANGE, LAT_RANGE, hash)!;
  }
  if (steps >= 2) {
    if (area.latMin < minLat) n.south = n.southWest = n.southEast = ZERO_HASH;
    if (area.latMax > maxLat) n.north = n.northEast = n.northWest = ZERO_HASH;
    if (area.lonMin < minLon) n.west = n.southWest = n.northWest = ZERO_HASH;
    if (area.lonMax > maxLon) n.east = n.southEast = n.northEast = ZERO_HASH;
  }
  return [hash, n.north, n.south, n.east, n.west, n.northEast, n.northWest, n.southEast, n.southWest];
}

/** The score range [min, max) of the points inside cell `h` (scoresOfGeoHashBox). */
export function scoresOfBox(h: GeoHashBits): [number, number] {
  return [align52(h), align52({ bits: h.bits + 1n, step: h.step })];
}

// ---- GEOHASH strings -----------------------------------------------------------------------------------------

const ALPHABET = "0123456789bcdefghjkmnpqrstuvwxyz";

/**
 * The 11-character standard geohash of a point (GEOHASH): re-encoded with the standard latitude
 * range -90..90, the last character standing for the two missing bits as zero.
 */
export function geohashString(lon: number, lat: number): string {
  const h = geohashEncode({ min: -180, max: 180 }, { min: -90, max: 90 }, lon, lat, 26);
  const bits = h === null ? 0n : h.bits;
  let s = "";
  for (let i = 0; i < 11; i++) {
    const idx = i === 10 ? 0 : Number((bits >> BigInt(52 - (i + 1) * 5)) & 0x1fn);
    s += ALPHABET[idx];
  }
  return s;
}

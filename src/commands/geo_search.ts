/**
 * GEO searches (geo.c's georadiusGeneric): GEORADIUS, GEORADIUSBYMEMBER and their _RO forms,
 * GEOSEARCH and GEOSEARCHSTORE — FROMMEMBER/FROMLONLAT, BYRADIUS/BYBOX, ASC/DESC, COUNT [ANY],
 * WITHCOORD/WITHDIST/WITHHASH, STORE/STOREDIST. Candidates are gathered from the nine geohash cells
 * around the center in Redis's order, filtered by the exact shape test, sorted like Redis (a stable
 * sort, or Redis's partial quicksort when COUNT cuts the result), and replied or stored.
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import {
  GEO_ANY_NEEDS_COUNT,
  GEO_BAD_MEMBER,
  GEO_COUNT_POSITIVE,
  GEO_NEED_HEIGHT,
  GEO_NEED_RADIUS,
  GEO_NEED_WIDTH,
  GEO_NEGATIVE_BOX,
  GEO_NEGATIVE_RADIUS,
  geoNeedBy,
  geoNeedFrom,
  geoStoreIncompatible,
  NOT_INTEGER,
  SYNTAX,
  WRONGTYPE,
} from "../server/errors.ts";
import { parseInt64 } from "../util/numbers.ts";
import { ZSet } from "../types/zset.ts";
import { rangeBounds, scoreTest } from "../types/zset_range.ts";
import {
  decodeScore,
  distanceIfWithin,
  type GeoHashBits,
  type GeoShape,
  scoresOfBox,
  scoreToInt64,
  searchAreas,
} from "../types/geohash.ts";
import { pqsort } from "../types/geo_sort.ts";
import { zsetLimits } from "./set_args.ts";
import { addCoord, doubleArg, formatDistance, lonLatArg, unitArg } from "./geo_format.ts";

const RADIUS_COORDS = 1;
const RADIUS_MEMBER = 2;
const RADIUS_NOSTORE = 4;
const GEOSEARCH = 8;
const GEOSEARCHSTORE = 16;

const SORT_NONE = 0;
const SORT_ASC = 1;
const SORT_DESC = 2;

/** A point found by a search. */
interface GeoPoint {
  lon: number;
  lat: number;
  dist: number;
  score: number;
  member: string;
}

/** A member's position decoded into `shape`; false when the member is missing. */
function centerFromMember(z: ZSet, member: string, shape: GeoShape): boolean {
  const score = z.score(member);
  if (score === undefined) return false;
  const xy = [0, 0];
  decodeScore(score, xy);
  shape.lon = xy[0];
  shape.lat = xy[1];
  return true;
}

/** extractDistanceOrReply: radius and unit into `shape`; false after replying an error. */
function radiusArgs(c: Client, argv: string[], at: number, shape: GeoShape): boolean {
  const r = doubleArg(c, argv[at], GEO_NEED_RADIUS);
  if (r === null) return false;
  if (r < 0) {
    c.addError(GEO_NEGATIVE_RADIUS);
    return false;
  }
  shape.radius = r;
  const conv = unitArg(c, argv[at + 1]);
  if (conv < 0) return false;
  shape.conversion = conv;
  return true;
}

/** extractBoxOrReply: width, height and unit into `shape`; false after replying an error. */
function boxArgs(c: Client, argv: string[], at: number, shape: GeoShape): boolean {
  const w = doubleArg(c, argv[at], GEO_NEED_WIDTH);
  if (w === null) return false;
  const h = doubleArg(c, argv[at + 1], GEO_NEED_HEIGHT);
  if (h === null) return false;
  if (h < 0 || w < 0) {
    c.addError(GEO_NEGATIVE_BOX);
    return false;
  }
  shape.width = w;
  shape.height = h;
  const conv = unitArg(c, argv[at + 2]);
  if (conv < 0) return false;
  shape.conversion = conv;
  return true;
}

/**
 * membersOfAllNeighbors: the points of the nine cells inside the shape, in Redis's order (cell by
 * cell, each in score order), stopping once `limit` points are found (0 = no limit).
 */
function collect(z: ZSet, shape: GeoShape, limit: number): GeoPoint[] {
  const cells = searchAreas(shape);
  const out: GeoPoint[] = [];
  const xy = [0, 0];
  let last = 0;
  for (let i = 0; i < cells.length; i++) {
    const cell: GeoHashBits = cells[i];
    if (cell.bits === 0n && cell.step === 0) continue;
    // Huge radii can make neighbors coincide: skip a cell equal to the last one processed.
    if (last !== 0 && cell.bits === cells[last].bits && cell.step === cells[last].step) continue;
    if (out.length !== 0 && limit !== 0 && out.length >= limit) break;
    const [min, max] = scoresOfBox(cell);
    const bounds = rangeBounds(z, scoreTest({ min, max, minex: false, maxex: true }));
    if (bounds !== null) {
      for (const cur = z.cursor(bounds[0]); cur.valid; cur.next()) {
        const score = cur.score;
        if (score >= max) break;
        decodeScore(score, xy);
        const dist = distanceIfWithin(shape, xy[0], xy[1]);
        if (dist >= 0) out.push({ lon: xy[0], lat: xy[1], dist, score, member: cur.member });
        if (out.length !== 0 && limit !== 0 && out.length >= limit) break;
      }
    }
    last = i;
  }
  return out;
}

const asc = (a: GeoPoint, b: GeoPoint) => (a.dist > b.dist ? 1 : a.dist === b.dist ? 0 : -1);
const desc = (a: GeoPoint, b: GeoPoint) => -asc(a, b);

function georadiusGeneric(c: Client, argv: string[], srcKeyIndex: number, flags: number): void {
  const db = c.db;
  let storekey: string | null = null;
  let storedist = false;
  const found = db.lookupRead(argv[srcKeyIndex]);
  if (found !== undefined && !(found instanceof ZSet)) return c.addError(WRONGTYPE);
  const z = found;
  const shape: GeoShape = { circular: true, lon: 0, lat: 0, conversion: 1, radius: 0, width: 0, height: 0 };
  let baseArgs: number;
  if (flags & RADIUS_COORDS) {
    baseArgs = 6;
    const ll = lonLatArg(c, argv[2], argv[3]);
    if (ll === null) return;
    [shape.lon, shape.lat] = ll;
    if (!radiusArgs(c, argv, baseArgs - 2, shape)) return;
  } else if (flags & RADIUS_MEMBER && z === undefined) {
    // No source key: keep parsing to know which reply (STORE or not) to give.
    baseArgs = 5;
  } else if (flags & RADIUS_MEMBER) {
    baseArgs = 5;
    if (!centerFromMember(z!, argv[2], shape)) return c.addError(GEO_BAD_MEMBER);
    if (!radiusArgs(c, argv, baseArgs - 2, shape)) return;
  } else {
    baseArgs = 2;
    if (flags & GEOSEARCHSTORE) {
      baseArgs = 3;
      storekey = argv[1];
    }
  }

  let withdist = false;
  let withhash = false;
  let withcoords = false;
  let frommember = false;
  let fromloc = false;
  let byradius = false;
  let bybox = false;
  let sort = SORT_NONE;
  let any = false;
  let count = 0;
  const remaining = argv.length - baseArgs;
  for (let i = 0; i < remaining; i++) {
    const at = baseArgs + i;
    const arg = argv[at].toLowerCase();
    if (arg === "withdist") withdist = true;
    else if (arg === "withhash") withhash = true;
    else if (arg === "withcoord") withcoords = true;
    else if (arg === "any") any = true;
    else if (arg === "asc") sort = SORT_ASC;
    else if (arg === "desc") sort = SORT_DESC;
    else if (arg === "count" && i + 1 < remaining) {
      const v = parseInt64(argv[at + 1]);
      if (v === null) return c.addError(NOT_INTEGER);
      if (v <= 0) return c.addError(GEO_COUNT_POSITIVE);
      count = Number(v);
      i++;
    } else if (
      (arg === "store" || arg === "storedist") && i + 1 < remaining && !(flags & RADIUS_NOSTORE) &&
      !(flags & GEOSEARCH)
    ) {
      storekey = argv[at + 1];
      storedist = arg === "storedist";
      i++;
    } else if (arg === "storedist" && flags & GEOSEARCH && flags & GEOSEARCHSTORE) {
      storedist = true;
    } else if (arg === "frommember" && i + 1 < remaining && flags & GEOSEARCH && !fromloc) {
      // Without a source key, parsing goes on and the (empty) reply comes after.
      if (z !== undefined && !centerFromMember(z, argv[at + 1], shape)) return c.addError(GEO_BAD_MEMBER);
      frommember = true;
      i++;
    } else if (arg === "fromlonlat" && i + 2 < remaining && flags & GEOSEARCH && !frommember) {
      const ll = lonLatArg(c, argv[at + 1], argv[at + 2]);
      if (ll === null) return;
      [shape.lon, shape.lat] = ll;
      fromloc = true;
      i += 2;
    } else if (arg === "byradius" && i + 2 < remaining && flags & GEOSEARCH && !bybox) {
      if (!radiusArgs(c, argv, at + 1, shape)) return;
      shape.circular = true;
      byradius = true;
      i += 2;
    } else if (arg === "bybox" && i + 3 < remaining && flags & GEOSEARCH && !byradius) {
      if (!boxArgs(c, argv, at + 1, shape)) return;
      shape.circular = false;
      bybox = true;
      i += 3;
    } else return c.addError(SYNTAX);
  }

  if (storekey !== null && (withdist || withhash || withcoords)) {
    return c.addError(geoStoreIncompatible((flags & GEOSEARCHSTORE) !== 0));
  }
  if (flags & GEOSEARCH && !(frommember || fromloc)) return c.addError(geoNeedFrom(argv[0]));
  if (flags & GEOSEARCH && !(byradius || bybox)) return c.addError(geoNeedBy(argv[0]));
  if (any && count === 0) return c.addError(GEO_ANY_NEEDS_COUNT);

  const srv = c.server;
  if (z === undefined) {
    if (storekey !== null) {
      if (db.delete(storekey)) {
        srv.notify("g", "del", storekey, db.id);
        srv.dirty++;
      }
      return c.addInt(0);
    }
    return c.addArrayLen(0);
  }

  // COUNT without an order means the nearest ones: sort ascending (not with ANY).
  if (count !== 0 && sort === SORT_NONE && !any) sort = SORT_ASC;
  const ga = collect(z, shape, any ? count : 0);
  if (ga.length === 0 && storekey === null) return c.addArrayLen(0);
  const returned = count === 0 || ga.length < count ? ga.length : count;
  if (sort !== SORT_NONE) {
    const cmp = sort === SORT_ASC ? asc : desc;
    if (returned === ga.length) ga.sort(cmp); // glibc's qsort is a stable merge sort
    else pqsort(ga, cmp, 0, returned - 1);
  }

  if (storekey === null) {
    const options = (withdist ? 1 : 0) + (withcoords ? 1 : 0) + (withhash ? 1 : 0);
    c.addArrayLen(returned);
    for (let i = 0; i < returned; i++) {
      const gp = ga[i];
      if (options) c.addArrayLen(options + 1);
      c.addBulk(gp.member);
      if (withdist) c.addBulk(formatDistance(gp.dist / shape.conversion));
      if (withhash) c.addInt(scoreToInt64(gp.score));
      if (withcoords) {
        c.addArrayLen(2);
        addCoord(c, gp.lon);
        addCoord(c, gp.lat);
      }
    }
    return;
  }

  if (returned > 0) {
    const entries: [string, number][] = [];
    for (let i = 0; i < returned; i++) {
      const gp = ga[i];
      entries.push([gp.member, storedist ? gp.dist / shape.conversion : gp.score]);
    }
    entries.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const zs = ZSet.fromSorted(entries.map((e) => e[0]), entries.map((e) => e[1]), zsetLimits(c));
    db.set(storekey, zs);
    srv.notify("z", flags & GEOSEARCH ? "geosearchstore" : "georadiusstore", storekey, db.id);
    srv.dirty += returned;
  } else if (db.delete(storekey)) {
    srv.notify("g", "del", storekey, db.id);
    srv.dirty++;
  }
  c.addInt(returned);
}

export const commands: CommandDef[] = [
  { name: "georadius", handler: (c, argv) => georadiusGeneric(c, argv, 1, RADIUS_COORDS) },
  { name: "georadiusbymember", handler: (c, argv) => georadiusGeneric(c, argv, 1, RADIUS_MEMBER) },
  { name: "georadius_ro", handler: (c, argv) => georadiusGeneric(c, argv, 1, RADIUS_COORDS | RADIUS_NOSTORE) },
  {
    name: "georadiusbymember_ro",
    handler: (c, argv) => georadiusGeneric(c, argv, 1, RADIUS_MEMBER | RADIUS_NOSTORE),
  },
  { name: "geosearch", handler: (c, argv) => georadiusGeneric(c, argv, 1, GEOSEARCH) },
  { name: "geosearchstore", handler: (c, argv) => georadiusGeneric(c, argv, 2, GEOSEARCH | GEOSEARCHSTORE) },
];

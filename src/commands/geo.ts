/**
 * GEO commands on sorted sets (geo.c): GEOADD (NX XX CH, run as the ZADD it stands for, so replies
 * and "zadd" events are ZADD's), GEOPOS, GEODIST (m km ft mi) and GEOHASH. A GEO key is a plain
 * sorted set whose scores are 52-bit geohashes (types/geohash.ts). Also joins the searches
 * (geo_search.ts: GEORADIUS*, GEOSEARCH, GEOSEARCHSTORE) into the family's `commands`.
 */
import type { CommandDef, Handler } from "./table.ts";
import type { Client } from "../server/client.ts";
import { SYNTAX } from "../server/errors.ts";
import { commands as zsetCommands } from "./zset.ts";
import { readZset } from "./zset_args.ts";
import { decodeScore, geoDistance, geohashString, scoreOf } from "../types/geohash.ts";
import { addCoord, formatDistance, lonLatArg, unitArg } from "./geo_format.ts";
import { commands as searchCommands } from "./geo_search.ts";

/** The ZADD handler GEOADD delegates to. */
const zadd: Handler = zsetCommands.find((d) => d.name === "zadd")!.handler;

function geoadd(c: Client, argv: string[]): void {
  let xx = false;
  let nx = false;
  let longidx = 2;
  for (; longidx < argv.length; longidx++) {
    const opt = argv[longidx].toLowerCase();
    if (opt === "nx") nx = true;
    else if (opt === "xx") xx = true;
    else if (opt !== "ch") break;
  }
  if ((argv.length - longidx) % 3 !== 0 || (xx && nx)) return c.addError(SYNTAX);
  const elements = (argv.length - longidx) / 3;
  const zargv = argv.slice(0, longidx);
  zargv[0] = "zadd";
  for (let i = 0; i < elements; i++) {
    const at = longidx + i * 3;
    const xy = lonLatArg(c, argv[at], argv[at + 1]);
    if (xy === null) return;
    zargv.push(String(scoreOf(xy[0], xy[1])), argv[at + 2]);
  }
  // Redis rewrites the command into ZADD (replication and AOF see the ZADD).
  c.argv = zargv;
  zadd(c, zargv);
}

const xy = [0, 0];

function geopos(c: Client, argv: string[]): void {
  const z = readZset(c, argv[1]);
  if (z === false) return;
  c.addArrayLen(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const score = z === null ? undefined : z.score(argv[j]);
    if (score === undefined) {
      c.addNullArray();
      continue;
    }
    decodeScore(score, xy);
    c.addArrayLen(2);
    addCoord(c, xy[0]);
    addCoord(c, xy[1]);
  }
}

function geodist(c: Client, argv: string[]): void {
  let toMeter = 1;
  if (argv.length === 5) {
    toMeter = unitArg(c, argv[4]);
    if (toMeter < 0) return;
  } else if (argv.length > 5) return c.addError(SYNTAX);
  const z = readZset(c, argv[1]);
  if (z === false) return;
  if (z === null) return c.addNull();
  const s1 = z.score(argv[2]);
  const s2 = z.score(argv[3]);
  if (s1 === undefined || s2 === undefined) return c.addNull();
  decodeScore(s1, xy);
  const lon1 = xy[0];
  const lat1 = xy[1];
  decodeScore(s2, xy);
  c.addBulk(formatDistance(geoDistance(lon1, lat1, xy[0], xy[1]) / toMeter));
}

function geohash(c: Client, argv: string[]): void {
  const z = readZset(c, argv[1]);
  if (z === false) return;
  c.addArrayLen(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const score = z === null ? undefined : z.score(argv[j]);
    if (score === undefined) {
      c.addNull();
      continue;
    }
    decodeScore(score, xy);
    c.addBulk(geohashString(xy[0], xy[1]));
  }
}

export const commands: CommandDef[] = [
  { name: "geoadd", handler: geoadd },
  { name: "geopos", handler: geopos },
  { name: "geodist", handler: geodist },
  { name: "geohash", handler: geohash },
  ...searchCommands,
];

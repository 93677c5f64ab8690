/**
 * DEBUG DIGEST / DIGEST-VALUE: Redis's order-independent dataset fingerprint (debug.c). Each key's
 * digest starts from SHA1-mixing the key name, then the type (big-endian u32) and the contents:
 * strings and list elements are mixed in order; set members are xored in as their own SHA1;
 * hash (field, value) and zset (member, score text) pairs are xored in as separately mixed digests;
 * stream entries are mixed in order ("ms.seq", then each field and value; groups are not included);
 * a TTL xors in "!!expire!!". Key digests are xored into the database total, after mixing the db id.
 *
 * mix(d, data): d ^= data (cycling over 20 bytes), then d = SHA1(d).
 */
import { createHash } from "node:crypto";
import type { Server } from "../server/server.ts";
import type { Db } from "../db/db.ts";
import type { Value } from "../types/value.ts";
import { ListValue } from "../types/list.ts";
import { RSet } from "../types/set.ts";
import { ZSet } from "../types/zset.ts";
import { Hash } from "../types/hash.ts";
import { Stream } from "../types/stream.ts";
import { idMs, idSeq } from "../types/stream_id.ts";
import { strToBytes } from "../resp/bytes.ts";
import { formatDouble } from "../util/numbers.ts";

const TYPE_CODES: Record<string, number> = { string: 0, list: 1, set: 2, zset: 3, hash: 4, stream: 6 };

function sha1(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash("sha1").update(data).digest());
}

/** xorDigest: d ^= SHA1(data). */
function xorInto(d: Uint8Array, data: Uint8Array): void {
  const h = sha1(data);
  for (let i = 0; i < 20; i++) d[i] ^= h[i];
}

function mix(d: Uint8Array, data: Uint8Array): void {
  xorInto(d, data);
  d.set(sha1(d));
}

function mixStr(d: Uint8Array, s: string): void {
  mix(d, strToBytes(s));
}

const EXPIRE_MARK = strToBytes("!!expire!!");

/** xorObjectDigest: the contents of `v` (and its TTL flag) into `d`. */
function objectDigest(d: Uint8Array, v: Value, hasExpire: boolean): void {
  const type = typeof v === "string" ? "string" : v.type;
  const code = TYPE_CODES[type] ?? 255;
  mix(d, new Uint8Array([code >>> 24, (code >>> 16) & 0xff, (code >>> 8) & 0xff, code & 0xff]));
  if (typeof v === "string") mixStr(d, v);
  else if (v instanceof ListValue) { for (const e of v.toArray()) mixStr(d, e); }
  else if (v instanceof RSet) { for (const m of v.members()) xorInto(d, strToBytes(m)); }
  else if (v instanceof ZSet) {
    v.forEach((m, s) => {
      const e = new Uint8Array(20);
      mixStr(e, m);
      mixStr(e, formatDouble(s));
      xorInto(d, e);
    });
  } else if (v instanceof Hash) {
    v.forEachEntry((f, val) => {
      const e = new Uint8Array(20);
      mixStr(e, f);
      mixStr(e, val);
      xorInto(d, e);
    });
  } else if (v instanceof Stream) {
    // Each entry in order: "ms.seq", then every field and value.
    v.entries.forEach((id, f) => {
      mixStr(d, idMs(id) + "." + idSeq(id));
      for (const x of f) mixStr(d, x);
    });
  }
  if (hasExpire) xorInto(d, EXPIRE_MARK);
}

function hex(d: Uint8Array): string {
  let s = "";
  for (const b of d) s += b.toString(16).padStart(2, "0");
  return s;
}

/** The DEBUG DIGEST of every database (40 zeros when the dataset is empty). */
export function datasetDigest(server: Server): string {
  const total = new Uint8Array(20);
  for (const db of server.dbs) {
    const keys = db.dict.keys;
    if (keys.length === 0) continue;
    const id = db.id;
    mix(total, new Uint8Array([id >>> 24, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff]));
    for (let i = 0; i < keys.length; i++) {
      const d = new Uint8Array(20);
      mixStr(d, keys[i]);
      objectDigest(d, db.dict.vals[i], db.getExpire(keys[i]) !== undefined);
      xorInto(total, d);
    }
  }
  return hex(total);
}

/** DEBUG DIGEST-VALUE of one key (40 zeros when missing). */
export function valueDigest(db: Db, key: string): string {
  const d = new Uint8Array(20);
  const v = db.dict.get(key);
  if (v !== undefined) objectDigest(d, v, db.getExpire(key) !== undefined);
  return hex(d);
}

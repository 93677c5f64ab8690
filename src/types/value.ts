/**
 * The value model of the keyspace: strings are plain binary JS strings; every other type is an object
 * implementing `RObject`. Type modules (list, hash, set, zset, stream…) implement it.
 */

export type TypeName = "string" | "list" | "set" | "zset" | "hash" | "stream" | "ReJSON-RL" | "vectorset";

/** A non-string value stored in the keyspace. */
export interface RObject {
  /** The name TYPE reports. */
  readonly type: TypeName;
  /** The name OBJECT ENCODING reports. */
  encoding(): string;
  /** A deep copy (COPY, snapshots). */
  clone(): RObject;
}

export type Value = string | RObject;

/** The TYPE name of a value. */
export function typeOf(v: Value): TypeName {
  return typeof v === "string" ? "string" : v.type;
}

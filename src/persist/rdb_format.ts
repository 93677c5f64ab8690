/**
 * RDB format constants (rdb.h): versions, value types, opcodes, length and string encodings.
 */

/** The version Redis 8.2 writes. */
export const RDB_VERSION = 12;
/** The oldest and newest versions the loader reads. */
export const RDB_MIN_VERSION = 1;

export const T = {
  STRING: 0,
  LIST: 1,
  SET: 2,
  ZSET: 3,
  HASH: 4,
  ZSET_2: 5,
  MODULE_PRE_GA: 6,
  MODULE_2: 7,
  HASH_ZIPMAP: 9,
  LIST_ZIPLIST: 10,
  SET_INTSET: 11,
  ZSET_ZIPLIST: 12,
  HASH_ZIPLIST: 13,
  LIST_QUICKLIST: 14,
  STREAM_LISTPACKS: 15,
  HASH_LISTPACK: 16,
  ZSET_LISTPACK: 17,
  LIST_QUICKLIST_2: 18,
  STREAM_LISTPACKS_2: 19,
  SET_LISTPACK: 20,
  STREAM_LISTPACKS_3: 21,
  HASH_METADATA_PRE_GA: 22,
  HASH_LISTPACK_EX_PRE_GA: 23,
  HASH_METADATA: 24,
  HASH_LISTPACK_EX: 25,
} as const;

/** The newest value type each RDB version may hold (what a v10 reader such as Redis 7.0 accepts). */
export function maxTypeFor(version: number): number {
  return version >= 12 ? 25 : version >= 11 ? 21 : version >= 10 ? 19 : version >= 9 ? 15 : 14;
}

export const OP = {
  SLOT_INFO: 244,
  FUNCTION2: 245,
  FUNCTION_PRE_GA: 246,
  MODULE_AUX: 247,
  IDLE: 248,
  FREQ: 249,
  AUX: 250,
  RESIZEDB: 251,
  EXPIRETIME_MS: 252,
  EXPIRETIME: 253,
  SELECTDB: 254,
  EOF: 255,
} as const;

/** Special string encodings (length byte 11xxxxxx). */
export const ENC_INT8 = 0;
export const ENC_INT16 = 1;
export const ENC_INT32 = 2;
export const ENC_LZF = 3;

/** Quicklist v2 node containers. */
export const QL_PLAIN = 1;
export const QL_PACKED = 2;

/** "No expire" marker of hash field TTLs (EB_EXPIRE_TIME_INVALID). */
export const HFE_NONE = 2 ** 48;

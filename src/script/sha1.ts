/**
 * SHA1 of binary strings (script names, redis.sha1hex).
 */
import { createHash } from "node:crypto";
import { Buffer } from "node:buffer";

/** SHA1 of a binary string, lowercase hex. */
export function sha1hex(s: string): string {
  return createHash("sha1").update(Buffer.from(s, "latin1")).digest("hex");
}

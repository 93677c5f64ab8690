/**
 * Test helper: structural checks of a ListValue — every packed node decodes to its element count,
 * its Redis byte size matches a recomputation, quicklists hold no empty node, and the total length
 * is the sum of the nodes.
 */
import assert from "node:assert/strict";
import type { ListValue } from "../../src/types/list.ts";
import { elemLen, elemStart, LP_EMPTY_BYTES, lpEntryBytesAt, readForward } from "../../src/types/list_pack.ts";

/** Decodes a packed node string into its elements. */
export function decodeNode(d: string): string[] {
  const out: string[] = [];
  let p = 0;
  while (p < d.length) {
    p = readForward(d, p);
    out.push(d.slice(elemStart, elemStart + elemLen));
  }
  assert.equal(p, d.length, "node string ends inside an entry");
  return out;
}

/** Asserts the list's internal invariants; returns its elements. */
export function checkList(l: ListValue): string[] {
  const all: string[] = [];
  const nodes = l.nodes();
  if (l.ql !== null) {
    for (const n of l.ql.nodes) assert.ok(n.n > 0, "empty quicklist node");
  }
  for (const node of nodes) {
    const items = decodeNode(node.d);
    assert.equal(items.length, node.n, "node count");
    let sz = LP_EMPTY_BYTES;
    for (const s of items) sz += lpEntryBytesAt(s, 0, s.length);
    assert.equal(node.sz, sz, "node byte size");
    all.push(...items);
  }
  assert.equal(all.length, l.n, "list length");
  return all;
}

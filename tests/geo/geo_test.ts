/**
 * GEO commands against redis-server, byte for byte: GEOADD options and coordinate errors, GEOPOS and
 * GEOHASH output (RESP2 and RESP3), GEODIST units, and the searches — GEORADIUS*, GEOSEARCH and
 * GEOSEARCHSTORE with every option — over random points (listpack and skiplist encodings, duplicate
 * positions for distance ties, poles, the antimeridian, huge and zero radii), stored results
 * included. Events of GEOADD (ZADD's) and of the stores are checked on our server.
 */
import assert from "node:assert/strict";
import {
  prng,
  randInt,
  recordEvents,
  same,
  sameEncodings,
  sameValues,
  type Script,
  withPair,
  withServer,
} from "../bitmap/helpers.ts";

/** Splits off the ZRANGE … WITHSCORES checks (compared by value: 7.0 prints %.17g, 8.2 shortest). */
function split(script: Script): [Script, Script] {
  const exact = script.map((cmd) => (cmd[0] === "ZRANGE" ? ["ZRANGE", cmd[1], "0", "-1"] : cmd));
  const values = script.filter((cmd) => cmd[0] === "ZRANGE");
  return [exact, values];
}

Deno.test("geo: GEOADD, GEOPOS, GEODIST, GEOHASH and errors", async () => {
  await withPair(async (p) => {
    await same(
      p,
      [
        ["SET", "str", "x"],
        ["GEOADD", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"],
        ["GEOADD", "g", "13.361389", "38.115556", "Palermo"],
        ["GEOADD", "g", "CH", "13.361390", "38.115556", "Palermo"],
        ["GEOADD", "g", "NX", "1", "1", "Palermo", "2", "2", "new1"],
        ["GEOADD", "g", "XX", "CH", "3", "3", "new1", "4", "4", "new2"],
        ["GEOADD", "g", "NX", "XX", "1", "1", "a"],
        ["GEOADD", "g", "GT", "1", "1", "a"],
        ["GEOADD", "g", "1", "1"],
        ["GEOADD", "g", "1", "1", "a", "2"],
        ["GEOADD", "g", "x", "1", "a"],
        ["GEOADD", "g", "1", "y", "a"],
        ["GEOADD", "g", "180.0000001", "0", "a"],
        ["GEOADD", "g", "-180", "85.05112879", "a"],
        ["GEOADD", "g", "-180", "-85.05112878", "edge1", "180", "85.05112878", "edge2", "0", "0", "zero"],
        ["GEOADD", "g", "inf", "0", "a"],
        ["GEOADD", "g", "1e400", "0", "a"],
        ["GEOADD", "g", "0x10", "0", "hex"],
        ["GEOADD", "g", " 1", "0", "a"],
        ["GEOADD", "g", "-0.000001", "-0.0000001", "tiny"],
        ["GEOADD", "str", "1", "1", "a"],
        ["GEOADD", "str", "1000", "1", "a"],
        ["ZRANGE", "g", "0", "-1", "WITHSCORES"],
        ["GEOPOS", "g", "Palermo", "Catania", "nope", "edge1", "edge2", "zero", "hex", "tiny", "new1"],
        ["GEOPOS", "missing", "a", "b"],
        ["GEOPOS", "str", "a"],
        ["GEOPOS", "g"],
        ["GEOHASH", "g", "Palermo", "Catania", "nope", "edge1", "edge2", "zero", "tiny"],
        ["GEOHASH", "missing", "a"],
        ["GEOHASH", "str", "a"],
        ["GEOHASH", "g"],
        ["GEODIST", "g", "Palermo", "Catania"],
        ["GEODIST", "g", "Palermo", "Catania", "km"],
        ["GEODIST", "g", "Palermo", "Catania", "MI"],
        ["GEODIST", "g", "Palermo", "Catania", "Ft"],
        ["GEODIST", "g", "Palermo", "Catania", "M"],
        ["GEODIST", "g", "Palermo", "Catania", "yards"],
        ["GEODIST", "g", "Palermo", "Catania", "km", "x"],
        ["GEODIST", "g", "Palermo", "nope"],
        ["GEODIST", "g", "Palermo", "Palermo"],
        ["GEODIST", "g", "edge1", "edge2"],
        ["GEODIST", "g", "zero", "tiny", "km"],
        ["GEODIST", "missing", "a", "b"],
        ["GEODIST", "missing", "a", "b", "parsec"],
        ["GEODIST", "str", "a", "b"],
        ["ZADD", "g", "-1", "neg", "4503599627370496", "big", "inf", "pinf", "-inf", "ninf", "12.5", "frac"],
        ["GEOPOS", "g", "neg", "big", "pinf", "ninf", "frac"],
        ["GEOHASH", "g", "neg", "big", "pinf", "ninf", "frac"],
        ["GEODIST", "g", "neg", "pinf"],
        ["GEORADIUS", "g", "0", "0", "20000", "km", "WITHHASH", "WITHCOORD", "ASC"],
        ["HELLO", "3"],
        ["GEOPOS", "g", "Palermo", "nope", "edge1", "zero", "tiny"],
        ["GEOHASH", "g", "Palermo", "nope"],
        ["GEODIST", "g", "Palermo", "nope"],
        ["GEODIST", "missing", "a", "b"],
        ["GEOSEARCH", "g", "FROMMEMBER", "Palermo", "BYRADIUS", "300", "km", "WITHCOORD", "WITHDIST", "WITHHASH"],
        ["HELLO", "2"],
        ["GEOADD"],
        ["GEOPOS"],
        ["GEODIST", "g", "a"],
      ].map((cmd) => cmd[0] === "HELLO" ? ["!" + cmd[0], ...cmd.slice(1)] : cmd),
    );
  });
});

Deno.test("geo: search option parsing and errors", async () => {
  await withPair(async (p) => {
    const script: Script = [
      ["SET", "str", "x"],
      ["GEOADD", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"],
      ["GEORADIUS", "g", "15", "37", "200", "km"],
      ["GEORADIUS", "g", "15", "37", "200", "km", "ASC"],
      ["GEORADIUS", "g", "15", "37", "200", "km", "DESC", "WITHDIST"],
      ["GEORADIUS", "g", "15", "37", "200", "km", "COUNT", "1"],
      ["GEORADIUS", "g", "15", "37", "200", "km", "COUNT", "1", "DESC"],
      ["GEORADIUS", "g", "15", "37", "200", "km", "COUNT", "1", "ANY"],
      ["GEORADIUS", "g", "15", "37", "200", "km", "ANY"],
      ["GEORADIUS", "g", "15", "37", "200", "km", "COUNT", "0"],
      ["GEORADIUS", "g", "15", "37", "200", "km", "COUNT", "-1"],
      ["GEORADIUS", "g", "15", "37", "200", "km", "COUNT", "x"],
      ["GEORADIUS", "g", "15", "37", "200", "km", "COUNT"],
      ["GEORADIUS", "g", "15", "37", "200", "km", "BOGUS"],
      ["GEORADIUS", "g", "15", "37", "-1", "km"],
      ["GEORADIUS", "g", "15", "37", "x", "km"],
      ["GEORADIUS", "g", "15", "37", "200", "lightyears"],
      ["GEORADIUS", "g", "200", "37", "200", "km"],
      ["GEORADIUS", "g", "x", "37", "200", "km"],
      ["GEORADIUS", "str", "15", "37", "200", "km"],
      ["GEORADIUS", "missing", "15", "37", "200", "km"],
      ["GEORADIUS", "missing", "15", "37", "200", "km", "STORE", "dst"],
      ["GEORADIUS", "g", "15", "37", "200", "km", "STORE", "dst"],
      ["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
      ["GEORADIUS", "g", "15", "37", "200", "km", "STOREDIST", "dst2", "COUNT", "1"],
      ["ZRANGE", "dst2", "0", "-1", "WITHSCORES"],
      ["GEORADIUS", "g", "15", "37", "200", "km", "STORE", "dst", "WITHDIST"],
      ["GEORADIUS", "g", "15", "37", "200", "km", "STORE"],
      ["GEORADIUS", "g", "15", "37", "1", "m", "STORE", "dst"],
      ["EXISTS", "dst"],
      ["GEORADIUS_RO", "g", "15", "37", "200", "km", "STORE", "dst"],
      ["GEORADIUS_RO", "g", "15", "37", "200", "km", "WITHDIST", "WITHCOORD", "WITHHASH"],
      ["GEORADIUSBYMEMBER", "g", "Palermo", "200", "km", "WITHDIST"],
      ["GEORADIUSBYMEMBER", "g", "nope", "200", "km"],
      ["GEORADIUSBYMEMBER", "missing", "nope", "x", "y"],
      ["GEORADIUSBYMEMBER", "missing", "nope", "200", "km", "STORE", "dst"],
      ["GEORADIUSBYMEMBER", "missing", "nope", "200", "km", "BOGUS"],
      ["GEORADIUSBYMEMBER", "g", "Palermo", "200", "km", "STOREDIST", "dst3"],
      ["ZRANGE", "dst3", "0", "-1", "WITHSCORES"],
      ["GEORADIUSBYMEMBER_RO", "g", "Palermo", "200", "km", "STOREDIST", "dst3"],
      ["GEORADIUSBYMEMBER_RO", "g", "Palermo", "200", "km", "COUNT", "1", "WITHCOORD"],
      ["GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"],
      ["GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYBOX", "400", "400", "km", "ASC", "WITHDIST"],
      ["GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYBOX", "400", "400", "km", "BYRADIUS", "10", "km"],
      ["GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "10", "km", "BYBOX", "400", "400", "km"],
      ["GEOSEARCH", "g", "FROMMEMBER", "Palermo", "FROMLONLAT", "15", "37", "BYRADIUS", "10", "km"],
      ["GEOSEARCH", "g", "FROMLONLAT", "15", "37", "FROMMEMBER", "Palermo", "BYRADIUS", "10", "km"],
      ["GEOSEARCH", "g", "BYRADIUS", "10", "km"],
      ["geosearch", "g", "BYRADIUS", "10", "km"],
      ["GeoSearch", "g", "FROMLONLAT", "15", "37"],
      ["GEOSEARCH", "g", "FROMMEMBER", "nope", "BYRADIUS", "10", "km"],
      ["GEOSEARCH", "missing", "FROMMEMBER", "nope", "BYRADIUS", "10", "km"],
      ["GEOSEARCH", "missing", "FROMMEMBER", "nope", "BYRADIUS", "10", "x"],
      ["GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYBOX", "-1", "400", "km"],
      ["GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYBOX", "x", "400", "km"],
      ["GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYBOX", "400", "y", "km"],
      ["GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYBOX", "400", "400", "kmh"],
      ["GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYBOX", "400", "400"],
      ["GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "400", "km", "STORE", "x"],
      ["GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "400", "km", "STOREDIST"],
      ["GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "400", "km", "ANY"],
      ["GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "400", "km", "COUNT", "1", "ANY", "WITHHASH"],
      ["GEOSEARCH", "str", "FROMLONLAT", "15", "37", "BYRADIUS", "400", "km"],
      ["GEOSEARCHSTORE", "d1", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "400", "km"],
      ["ZRANGE", "d1", "0", "-1", "WITHSCORES"],
      ["GEOSEARCHSTORE", "d2", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "400", "km", "STOREDIST", "DESC"],
      ["ZRANGE", "d2", "0", "-1", "WITHSCORES"],
      ["GEOSEARCHSTORE", "d2", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "400", "km", "WITHDIST"],
      ["GEOSEARCHSTORE", "d2", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "400", "km", "STORE", "x"],
      ["GEOSEARCHSTORE", "d2", "missing", "FROMLONLAT", "15", "37", "BYRADIUS", "400", "km"],
      ["EXISTS", "d2"],
      ["GEOSEARCHSTORE", "str", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "400", "km"],
      ["TYPE", "str"],
      ["GEOSEARCHSTORE", "d3", "str", "FROMLONLAT", "15", "37", "BYRADIUS", "400", "km"],
      ["GEOSEARCHSTORE", "d3", "g", "FROMMEMBER", "Palermo", "BYBOX", "1", "1", "m", "COUNT", "3"],
      ["EXISTS", "d3"],
    ];
    const [exact, values] = split(script);
    await same(p, exact);
    await sameValues(p, values);
    await sameEncodings(p, ["dst", "dst2", "dst3", "d1", "str"]);
  });
});

/** Random points around a few centers (some sharing positions), with poles and the antimeridian. */
function points(rnd: () => number, n: number): string[][] {
  const out: string[][] = [];
  const centers = [[13.4, 38.1], [-122.4, 37.8], [179.9, -16.5], [-179.95, 65], [0, 84.9], [25, -84.5], [0, 0]];
  for (let i = 0; i < n; i++) {
    const [cx, cy] = centers[randInt(rnd, centers.length)];
    let lon = cx + (rnd() - 0.5) * (randInt(rnd, 3) === 0 ? 40 : 2);
    let lat = cy + (rnd() - 0.5) * (randInt(rnd, 3) === 0 ? 20 : 1);
    lon = Math.max(-180, Math.min(180, lon));
    lat = Math.max(-85.05, Math.min(85.05, lat));
    const pos = randInt(rnd, 10) === 0 && out.length > 0
      ? out[randInt(rnd, out.length)]
      : [lon.toFixed(6), lat.toFixed(6)];
    out.push([pos[0], pos[1], `m${i}`]);
  }
  return out;
}

function randomSearch(rnd: () => number, key: string, members: string[]): string[] {
  const centers = [[13.4, 38.1], [-122.4, 37.8], [179.9, -16.5], [-179.95, 65], [0, 84.9], [25, -84.5], [0, 0]];
  const [cx, cy] = centers[randInt(rnd, centers.length)];
  const units = ["m", "km", "ft", "mi", "KM"];
  const unit = units[randInt(rnd, units.length)];
  const perUnit = { m: 1, km: 1000, ft: 0.3048, mi: 1609.34, KM: 1000 }[unit]!;
  const meters = [0, 1000, 50000, 200000, 1000000, 6000000, 20000000][randInt(rnd, 7)];
  const size = String(+(meters / perUnit * (0.5 + rnd())).toFixed(3));
  const lon = (cx + (rnd() - 0.5) * 2).toFixed(5);
  const lat = Math.max(-85, Math.min(85, cy + (rnd() - 0.5))).toFixed(5);
  const opts: string[] = [];
  if (randInt(rnd, 2)) opts.push("WITHDIST");
  if (randInt(rnd, 3) === 0) opts.push("WITHCOORD");
  if (randInt(rnd, 3) === 0) opts.push("WITHHASH");
  const sort = randInt(rnd, 3);
  if (sort === 1) opts.push("ASC");
  if (sort === 2) opts.push("DESC");
  if (randInt(rnd, 2)) {
    opts.push("COUNT", String(1 + randInt(rnd, 12)));
    if (randInt(rnd, 4) === 0) opts.push("ANY");
  }
  const kind = randInt(rnd, 4);
  const member = members[randInt(rnd, members.length)];
  if (kind === 0) return ["GEORADIUS", key, lon, lat, size, unit, ...opts];
  if (kind === 1) return ["GEORADIUSBYMEMBER_RO", key, member, size, unit, ...opts];
  const from = randInt(rnd, 2) ? ["FROMMEMBER", member] : ["FROMLONLAT", lon, lat];
  const by = randInt(rnd, 2)
    ? ["BYRADIUS", size, unit]
    : ["BYBOX", size, String(+(Number(size) * rnd() * 2).toFixed(3)), unit];
  return ["GEOSEARCH", key, ...from, ...by, ...opts];
}

Deno.test("geo: random searches over random points against redis-server", async () => {
  const rnd = prng(8080);
  await withPair(async (p) => {
    const script: Script = [];
    const small = points(rnd, 60); // listpack
    const big = points(rnd, 1500); // skiplist
    script.push(["GEOADD", "small", ...small.flat()]);
    for (let i = 0; i < big.length; i += 100) script.push(["GEOADD", "big", ...big.slice(i, i + 100).flat()]);
    script.push(["GEOPOS", "big", ...big.slice(0, 200).map((x) => x[2])]);
    script.push(["GEOHASH", "big", ...big.slice(0, 200).map((x) => x[2])]);
    for (let i = 0; i < 200; i++) {
      const a = big[randInt(rnd, big.length)][2];
      const b = big[randInt(rnd, big.length)][2];
      script.push(["GEODIST", "big", a, b, ["m", "km", "ft", "mi"][randInt(rnd, 4)]]);
    }
    for (let i = 0; i < 500; i++) {
      const key = randInt(rnd, 3) === 0 ? "small" : "big";
      script.push(randomSearch(rnd, key, (key === "small" ? small : big).map((x) => x[2])));
    }
    for (let i = 0; i < 40; i++) {
      const s = randomSearch(rnd, "big", big.map((x) => x[2])).filter((a) => !a.startsWith("WITH"));
      if (s[0] === "GEOSEARCH") {
        script.push(["GEOSEARCHSTORE", `st${i}`, ...s.slice(1), ...(randInt(rnd, 2) ? ["STOREDIST"] : [])]);
      } else if (s[0] === "GEORADIUS") script.push([...s, randInt(rnd, 2) ? "STORE" : "STOREDIST", `st${i}`]);
      else continue;
      script.push(["ZRANGE", `st${i}`, "0", "-1", "WITHSCORES"]);
    }
    const [exact, values] = split(script);
    await same(p, exact);
    await sameValues(p, values);
    await sameEncodings(p, ["small", "big", ...Array.from({ length: 40 }, (_, i) => `st${i}`)]);
  });
});

Deno.test("geo: ties in distance keep Redis's order (stable sort, partial quicksort with COUNT)", async () => {
  await withPair(async (p) => {
    const script: Script = [];
    const args: string[] = [];
    // Members at a handful of identical positions: many equal distances.
    for (let i = 0; i < 300; i++) args.push(["10", "11", "12"][i % 3], ["45", "45.5"][i % 2], `p${i}`);
    script.push(["GEOADD", "t", ...args]);
    for (const count of ["1", "2", "5", "7", "8", "20", "41", "100", "299", "300", "1000"]) {
      for (const order of ["ASC", "DESC"]) {
        script.push(["GEOSEARCH", "t", "FROMLONLAT", "11", "45.2", "BYRADIUS", "500", "km", "COUNT", count, order]);
        script.push(["GEORADIUS", "t", "11", "45.2", "500", "km", "COUNT", count, order, "WITHDIST"]);
      }
      script.push(["GEOSEARCH", "t", "FROMLONLAT", "11", "45.2", "BYRADIUS", "500", "km", "COUNT", count, "ANY"]);
    }
    script.push(["GEOSEARCH", "t", "FROMLONLAT", "11", "45.2", "BYRADIUS", "500", "km"]);
    script.push(["GEOSEARCH", "t", "FROMLONLAT", "11", "45.2", "BYRADIUS", "500", "km", "DESC"]);
    await same(p, script);
  });
});

Deno.test("geo: events of GEOADD and of stored searches", async () => {
  await withServer(async (srv, c) => {
    const events = recordEvents(srv);
    assert.equal(await c.call("GEOADD", "g", "1", "1", "a", "2", "2", "b"), 2);
    assert.equal(await c.call("GEOADD", "g", "1", "1", "a"), 0);
    assert.equal(await c.call("GEOSEARCHSTORE", "s", "g", "FROMLONLAT", "1", "1", "BYRADIUS", "500", "km"), 2);
    assert.equal(await c.call("GEORADIUS", "g", "1", "1", "500", "km", "STORE", "r"), 2);
    assert.equal(await c.call("GEOSEARCHSTORE", "s", "g", "FROMLONLAT", "50", "50", "BYRADIUS", "1", "km"), 0);
    assert.equal(await c.call("TYPE", "r"), "zset");
    assert.deepEqual(events, ["z:zadd:g", "z:geosearchstore:s", "z:georadiusstore:r", "g:del:s"]);
  });
});

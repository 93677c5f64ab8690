/**
 * The trigonometric functions of the GEO distance formula. Redis calls the C library's sin, cos and
 * asin, whose last bit differs from V8's now and then (about one call in a thousand), which shows in
 * STOREDIST scores and at search-radius boundaries. When FFI is permitted, the platform's libm is
 * called directly (the same functions redis-server uses); otherwise V8's Math functions are used.
 */

type Fn = (x: number) => number;

interface LibM {
  sin: Fn;
  cos: Fn;
  asin: Fn;
}

/** The platform libm through FFI, or null when FFI is not permitted or the library is missing. */
function openLibm(): LibM | null {
  try {
    if (typeof Deno === "undefined" || Deno.permissions.querySync({ name: "ffi" }).state !== "granted") return null;
    const names = Deno.build.os === "darwin" ? ["libm.dylib", "/usr/lib/libSystem.B.dylib"] : ["libm.so.6", "libm.so"];
    for (const name of names) {
      try {
        const sig = { parameters: ["f64"], result: "f64" } as const;
        const lib = Deno.dlopen(name, { sin: sig, cos: sig, asin: sig });
        const s = lib.symbols;
        return { sin: s.sin, cos: s.cos, asin: s.asin };
      } catch {
        // try the next name
      }
    }
  } catch {
    // no FFI
  }
  return null;
}

const libm = openLibm();

/** sin as the C library computes it (V8's Math.sin without FFI). */
export const sin: Fn = libm?.sin ?? Math.sin;
/** cos as the C library computes it (V8's Math.cos without FFI). */
export const cos: Fn = libm?.cos ?? Math.cos;
/** asin as the C library computes it (V8's Math.asin without FFI). */
export const asin: Fn = libm?.asin ?? Math.asin;

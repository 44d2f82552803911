// The shared return area. A raw function's first result slot is its JS return value; every further slot
// goes here by kind, in order (see abi.ts): int slots (i32, i64 lo/hi) to RI, float slots (f32, f64) to RF,
// reference slots to RR. Runtime helpers that produce an i64 return lo and write hi to RI[0].
//
// RI and RF are typed arrays on purpose: V8 silences signalling NaNs stored into a plain JS array of doubles,
// while typed arrays keep every bit. RR starts filled with null so its elements kind is tagged from birth.

export const RI = new Int32Array(1024);
export const RF = new Float64Array(1024);
export const RR: unknown[] = new Array(1024).fill(null);

// zipfian-integer ships no types. It returns a sampler of integers in [min, max], skewed towards
// min for a positive skew, drawing uniform floats in [0, 1) from `rng`.
declare module 'zipfian-integer' {
  function zipfian(min: number, max: number, skew: number, rng?: () => number): () => number;
  export = zipfian;
}

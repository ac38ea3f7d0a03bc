// The V8 heap settings the operator runs with in its image, and in the benchmark, which
// measures the operator as it is deployed. Without a cap V8 sizes the heap from the
// machine's memory and lets the garbage of a burst of reconciles pile up before it
// collects (peak RSS 312 MiB at a burst of 1,000 APIs on a 24 GiB machine); under 256 MiB
// V8 grows the heap by a small factor over what is live, so the same burst peaks at about
// 180 MiB. The cap leaves room for 10,000 APIs (a burst of 10,000 converged under it, peak
// RSS 261 MiB: more than the chart's default limit, see docs/operations.md). The young generation's
// 2 MiB semi-spaces trade a little CPU for less memory. A Deployment's NODE_OPTIONS
// replaces these.
export const NODE_OPTIONS = '--max-old-space-size=256 --max-semi-space-size=2';

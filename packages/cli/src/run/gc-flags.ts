// V8 heap settings for the processes that carry the load: the service, and the simulator as the
// bench runs it. node takes them on its command line only (V8 sizes its heap when it starts; this
// one is refused in NODE_OPTIONS), so they are given where those processes are started:
// startServiceProcess (`flashsale run`, the bench), the bench's simulator, and the Docker image's
// entrypoint. A flag given after these wins (V8 keeps the last value of a flag).
//
// Why: each request leaves a few KB that die within milliseconds, but some of it (ioredis'
// command objects above all) lives through two scavenges and is promoted: ~2 MB/s at 3,150
// requests/s. With V8's default limit, a mark-compact runs once the old generation reaches about
// twice what survived the last one (~14 MB here): every 5-7 s, a 7-27 ms pause of every request
// in flight, above the 10 ms p99 target by itself. With the old generation allowed 128 MB before
// it is collected, that comes about once a minute (20 s windows at 3,150/s: 3-6 mark-compacts in
// each default run, none with it). The cost is memory: the heap may hold ~110 MB more garbage.
// Larger semi-spaces (--max-semi-space-size=32) were measured too and left out: half the
// scavenges, ~25-35% less scavenge time in all, but each pause ~20% longer, and a scavenge pause
// is what every request in flight waits for.
export const gcNodeFlags: readonly string[] = ['--initial-old-space-size=128'];

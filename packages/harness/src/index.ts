// The public surface of @flashsale/harness: what a run or a test starts beside the service on this
// machine. Nothing here is part of the service; `cli` uses it for its faults, the tests for theirs.

export type { LocalRedisCluster } from './redis-cluster.js';
export { startRedisCluster } from './redis-cluster.js';
export type { RedisServerOptions, RedisServerProcess } from './redis-server.js';
export { freePort, isPortFree, launchRedisServer, stopProcess } from './redis-server.js';
export type { TcpProxy } from './tcp-proxy.js';
export { startTcpProxy } from './tcp-proxy.js';

// @flashsale/cli as a library: what other packages (the bench) use of it. The `flashsale`
// command itself is main.ts (the package's bin); importing this file runs nothing.
export { gcNodeFlags } from './run/gc-flags.js';
export { cliMainPath, type ServiceLaunch, type ServiceProcess, startServiceProcess } from './run/service.js';
export { serveArgsOf } from './run/service-args.js';

// Opens the pool's sockets before the schedule starts, so the first second of a run does not pay
// for `--connections` TCP (and TLS) handshakes while it is already behind: a cold client that
// falls behind opens more sockets and falls further behind. undici cannot pre-connect by itself
// (nodejs/undici#317); it can take a custom connector, which hands out these sockets first.
// They are for the run's first seconds only. A socket still unused after WARM_SOCKET_MAX_AGE_MS is
// not handed out, since a server may be ending it (node:http answers a connection that sent nothing within
// its headers timeout with a 408, then closes it), and a request undici writes on it just then reads
// that 408 as its answer.
import type { Socket } from 'node:net';
import type { buildConnector } from 'undici';
import { undici } from './undici.js';

/** Well under the idle limits servers give a connection that has sent nothing (node:http: its headers timeout). */
export const WARM_SOCKET_MAX_AGE_MS = 3_000;

export class WarmConnector {
  readonly #connect: buildConnector.connector;
  readonly #idle: { socket: Socket; openedMs: number }[] = [];
  readonly #maxAgeMs: number;

  constructor(timeoutMs: number, maxAgeMs = WARM_SOCKET_MAX_AGE_MS) {
    this.#connect = undici().buildConnector({ timeout: timeoutMs });
    this.#maxAgeMs = maxAgeMs;
  }

  /** The connector undici calls for each new connection: a warm socket if one is left. */
  readonly connector: buildConnector.connector = (options, callback) => {
    const oldestMs = Date.now() - this.#maxAgeMs;
    for (let warm = this.#idle.pop(); warm !== undefined; warm = this.#idle.pop()) {
      const { socket } = warm;
      if (warm.openedMs >= oldestMs && !socket.destroyed && socket.readyState === 'open') {
        socket.removeListener('error', ignoreError);
        // Asynchronously, as a real connect: undici does not expect the callback inside its call.
        process.nextTick(callback, null, socket);
        return;
      }
      socket.destroy();
    }
    this.#connect(options, callback);
  };

  /** Opens `count` sockets to `target`; failures are left for the run to meet. */
  async warm(target: string, count: number): Promise<void> {
    const url = new URL(target);
    const options: buildConnector.Options = {
      hostname: url.hostname,
      host: url.host,
      protocol: url.protocol,
      port: url.port,
    };
    await Promise.all(
      Array.from(
        { length: count },
        () =>
          new Promise<void>((resolve) => {
            this.#connect(options, (error, socket) => {
              if (error === null) {
                socket.on('error', ignoreError);
                this.#idle.push({ socket, openedMs: Date.now() });
              }
              resolve();
            });
          }),
      ),
    );
  }

  close(): void {
    for (const { socket } of this.#idle.splice(0)) socket.destroy();
  }
}

/** An idle warm socket that errors is simply not handed out (it is destroyed by then). */
function ignoreError(): void {}

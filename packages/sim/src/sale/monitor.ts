// Watches the sale through GET /sale on its own connection: once at the start (to learn the sale
// size), then about once a second when the live view or --until-sellout needs it. These requests
// are counted apart and never mixed into the load figures. Only "nothing listens there" stops a
// run before it starts; a slow or broken /sale falls back to --sale-size, and the load shows the rest.
import { readSaleAnswer, type SaleSnapshot } from '@flashsale/protocol';
import type { Client } from 'undici';
import { undici } from '../http/undici.js';

export type SaleReading = Readonly<{
  snapshot: SaleSnapshot | null;
  isReachable: boolean;
  error: string | null;
}>;

/** Failures that mean nothing listens at the target (as opposed to a slow or broken answer). */
const unreachableCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export class SaleMonitor {
  readonly #target: string;
  #client: Client;
  readonly #timeoutMs: number;
  #timer: NodeJS.Timeout | null = null;
  #isReading = false;
  requests = 0;
  latest: SaleSnapshot | null = null;

  constructor(target: string, timeoutMs: number) {
    this.#target = target;
    this.#timeoutMs = timeoutMs;
    this.#client = this.#newClient();
  }

  #newClient(): Client {
    const { Client } = undici();
    return new Client(this.#target, {
      headersTimeout: this.#timeoutMs,
      bodyTimeout: this.#timeoutMs,
      connect: { timeout: this.#timeoutMs },
    });
  }

  async read(): Promise<SaleReading> {
    this.requests += 1;
    try {
      const response = await this.#client.request({
        path: '/sale',
        method: 'GET',
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      const text = await response.body.text();
      const snapshot = response.statusCode === 200 ? readSaleAnswer(text) : null;
      if (snapshot !== null) this.latest = snapshot;
      return { snapshot, isReachable: true, error: null };
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      return {
        snapshot: null,
        isReachable: !(typeof code === 'string' && unreachableCodes.has(code)),
        error: error instanceof Error ? error.message : String(error),
      };
    }
  }

  /**
   * Reads every `intervalMs` (skipping a beat while a read is still out) and hands each snapshot on.
   * The watch reads on a new client: the first one was made before the warm-up, and the warm-up
   * changes the shapes V8 gives undici's objects (and compiles for the new ones), so requests on
   * the old client threw the compiled load path away in the run's first second.
   */
  watch(intervalMs: number, onSnapshot: (snapshot: SaleSnapshot) => void): void {
    const old = this.#client;
    this.#client = this.#newClient();
    old.destroy().catch(() => undefined);
    this.#timer = setInterval(() => {
      if (this.#isReading) return;
      this.#isReading = true;
      void this.read().then((reading) => {
        this.#isReading = false;
        if (reading.snapshot !== null) onSnapshot(reading.snapshot);
      });
    }, intervalMs);
    this.#timer.unref();
  }

  async close(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    await this.#client.destroy();
  }
}

/** What a run started, stopped in reverse order, once, however the run ends. */
export class Started {
  readonly #stops: Array<() => Promise<unknown>> = [];

  add(stop: () => Promise<unknown>): void {
    this.#stops.push(stop);
  }

  async stopAll(): Promise<void> {
    for (const stop of this.#stops.splice(0).reverse()) await stop().catch(() => undefined);
  }
}

// Ctrl-C during `flashsale run`. The first SIGINT ends the load early and lets the run wrap up as
// usual (settle, verify, outputs), marked interrupted. A second SIGINT, or SIGTERM, aborts: every
// wait gives up at once, so run can stop what it started and leave. Before the load has started
// there is nothing to wrap up, so the first SIGINT aborts too.

/** Thrown out of a wait when the run is aborted; runAll turns it into exit 130. */
export class RunAborted extends Error {
  constructor(signal: NodeJS.Signals) {
    super(`aborted by ${signal}`);
    this.name = 'RunAborted';
  }
}

type Phase = { kind: 'starting' } | { kind: 'loading'; endLoad: () => void } | { kind: 'wrapping-up' };

export type Interruption = {
  /** True once a SIGINT or SIGTERM came: the outputs say so, and sell-out is not expected. */
  readonly isInterrupted: boolean;
  /** Aborted by a second SIGINT, a SIGTERM, or a SIGINT before the load. */
  readonly signal: AbortSignal;
  /** The load runs: a first SIGINT now calls endLoad. */
  loadStarted(endLoad: () => void): void;
  /** The load is over: a first SIGINT now only marks the run. */
  loadEnded(): void;
  /** Settles as `work` does, or rejects with RunAborted as soon as the run is aborted. */
  unlessAborted<T>(work: Promise<T>): Promise<T>;
  /** Removes the signal handlers. */
  dispose(): void;
};

export function watchInterrupts(say: (line: string) => void): Interruption {
  const controller = new AbortController();
  let phase: Phase = { kind: 'starting' };
  let isInterrupted = false;
  const abort = (signal: NodeJS.Signals) => {
    isInterrupted = true;
    if (controller.signal.aborted) return;
    say(`${signal}: stopping now: the service and everything else run started are stopped`);
    controller.abort(new RunAborted(signal));
  };
  const onSigint = () => {
    if (isInterrupted || phase.kind === 'starting') return abort('SIGINT');
    isInterrupted = true;
    if (phase.kind === 'loading') {
      say('interrupted: ending the load early, then settling and verifying (Ctrl-C again to stop now)');
      phase.endLoad();
    } else {
      say('interrupted: finishing the wrap-up, marked interrupted (Ctrl-C again to stop now)');
    }
  };
  const onSigterm = () => abort('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  return {
    get isInterrupted() {
      return isInterrupted;
    },
    signal: controller.signal,
    loadStarted(endLoad) {
      phase = { kind: 'loading', endLoad };
    },
    loadEnded() {
      phase = { kind: 'wrapping-up' };
    },
    unlessAborted(work) {
      const { signal } = controller;
      if (signal.aborted) return Promise.reject(signal.reason);
      return new Promise((resolve, reject) => {
        const onAbort = () => reject(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        work.then(
          (value) => {
            signal.removeEventListener('abort', onAbort);
            resolve(value);
          },
          (error: unknown) => {
            signal.removeEventListener('abort', onAbort);
            reject(error);
          },
        );
      });
    },
    dispose() {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
    },
  };
}

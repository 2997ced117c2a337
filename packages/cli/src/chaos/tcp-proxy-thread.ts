// The pg-drop proxy on a thread of its own, so the simulator's busy event loop in the run process
// never delays the service's Postgres traffic.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { startTcpProxy } from '@flashsale/harness';

type Command = { type: 'down' } | { type: 'up' } | { type: 'close' };
type Reply = { type: 'ready'; port: number } | { type: 'done'; of: Command['type'] };

export type ThreadedProxy = {
  port: number;
  down: () => Promise<void>;
  up: () => Promise<void>;
  close: () => Promise<void>;
};

export async function startThreadedProxy(targetHost: string, targetPort: number): Promise<ThreadedProxy> {
  const worker = new Worker(new URL(import.meta.url), { workerData: { targetHost, targetPort } });
  const replies: Array<(reply: Reply) => void> = [];
  worker.on('message', (reply: Reply) => replies.shift()?.(reply));
  const next = () => new Promise<Reply>((resolve) => replies.push(resolve));
  const ready = await next();
  if (ready.type !== 'ready') throw new Error('the proxy thread did not start');
  const send = async (type: Command['type']) => {
    const done = next();
    worker.postMessage({ type });
    await done;
  };
  return {
    port: ready.port,
    down: () => send('down'),
    up: () => send('up'),
    async close() {
      await send('close');
      await worker.terminate();
    },
  };
}

if (!isMainThread && parentPort !== null) {
  const port = parentPort;
  const { targetHost, targetPort } = workerData as { targetHost: string; targetPort: number };
  const proxy = await startTcpProxy(targetHost, targetPort);
  port.on('message', async (command: Command) => {
    if (command.type === 'down') proxy.down();
    else if (command.type === 'up') proxy.up();
    else await proxy.close();
    port.postMessage({ type: 'done', of: command.type } satisfies Reply);
  });
  port.postMessage({ type: 'ready', port: proxy.port } satisfies Reply);
}

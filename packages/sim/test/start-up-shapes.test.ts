// What keeps the code V8 compiles during the warm-up valid once the schedule starts: every
// histogram in one shape from the first, the warm-up's throwaway server answering GET /sale, the
// sale watch reading on a client made after the warm-up, and a warm-up in several rounds.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { readSaleAnswer } from '@flashsale/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { readAnswer } from '../src/http/answer.js';
import { parseSimOptions, type SimOptions } from '../src/index.js';
import type { PartSale } from '../src/run/part.js';
import { answerTo, warmUp } from '../src/run/warm-up.js';
import { SaleMonitor } from '../src/sale/monitor.js';

const run = promisify(execFile);
// The built module: V8's own shape check needs a process started with --allow-natives-syntax.
const histogramsModule = fileURLToPath(new URL('../dist/record/histograms.js', import.meta.url));

const request = (line: string) => `${line} HTTP/1.1\r\nhost: x\r\n\r\n`;
const bodyOf = (answer: Buffer) => {
  const text = answer.toString('latin1');
  return text.slice(text.indexOf('\r\n\r\n') + 4);
};

describe('histograms', () => {
  it('keep the shape of a fresh one after one records a value beyond small integers', async () => {
    const script = `
      import { createHistogram, recordUs } from ${JSON.stringify(histogramsModule)};
      const early = createHistogram();
      const wide = createHistogram('coarse');
      recordUs(wide, 3_600_000_000);
      const late = createHistogram();
      console.log(JSON.stringify([%HaveSameMap(early, wide), %HaveSameMap(late, wide)]));
    `;
    const { stdout } = await run(process.execPath, [
      '--allow-natives-syntax',
      '--input-type=module',
      '--eval',
      script,
    ]);
    expect(JSON.parse(stdout)).toEqual([true, true]);
  });
});

describe("the warm-up's throwaway server", () => {
  it('answers GET /sale with a sale the watch reads', () => {
    const snapshot = readSaleAnswer(bodyOf(answerTo(request('GET /sale'), 4)));
    expect(snapshot).toMatchObject({ size: 10_000, sold: 0 });
    expect(snapshot?.saleId).toBe(Math.floor(Date.now() / 3_600_000));
  });

  it('answers with times of now, as a live service does', () => {
    // Epoch ms past 2^31 are doubles to V8, a time of 0 a small integer: code compiled for the one
    // is thrown away at the other. Times of now are what a live service's answers carry.
    const now = Date.now();
    const checkout = readAnswer(
      200,
      Buffer.from(bodyOf(answerTo(request('POST /checkout?user_id=u&id=7'), 5))),
    );
    expect(checkout.expiresAtMs).toBeGreaterThan(now);
    const sale = readSaleAnswer(bodyOf(answerTo(request('GET /sale'), 4)));
    expect(sale?.startsAtMs).toBeGreaterThan(2 ** 31);
    expect(sale?.endsAtMs).toBeGreaterThan(now);
  });

  it('names in a checkout answer the item asked for, ids past small integers too', () => {
    const itemOf = (path: string) => JSON.parse(bodyOf(answerTo(request(`POST ${path}`), 5))).item_id;
    expect(itemOf('/checkout?user_id=u&id=7')).toBe(7);
    expect(itemOf('/checkout?id=2147483648&user_id=u')).toBe(2_147_483_648);
    expect(itemOf('/checkout?user_id=u&id=abc')).toBe(1);
    expect(itemOf('/checkout')).toBe(1);
  });

  it('sends the headers node:http adds, keep-alive among them', () => {
    const head = answerTo(request('POST /checkout?user_id=u&id=1'), 5)
      .toString('latin1')
      .split('\r\n\r\n')[0];
    expect(head).toMatch(/\r\nKeep-Alive: timeout=\d+(\r\n|$)/);
    expect(head).toMatch(/\r\nDate: /);
  });

  it('answers a checkout with a code and anything else with a purchase', () => {
    expect(JSON.parse(bodyOf(answerTo(request('POST /checkout?user_id=u&id=1'), 5)))).toHaveProperty('code');
    expect(JSON.parse(bodyOf(answerTo(request('POST /purchase?code=c'), 5)))).toHaveProperty('purchase_id');
    expect(JSON.parse(bodyOf(answerTo(request('GET /sale/items?page=0'), 4)))).toHaveProperty('purchase_id');
  });
});

describe('the sale watch', () => {
  let server: Server | null = null;
  afterEach(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()) ?? resolve());
    server = null;
  });

  it('reads on a new connection once it starts watching, and ends the one the first reading used', async () => {
    const sale = JSON.stringify({
      sale_id: 7,
      starts_at: new Date(0).toISOString(),
      ends_at: new Date(86_400_000).toISOString(),
      size: 10,
      sold: 0,
      held: 0,
      available: 10,
    });
    const ports: number[] = [];
    const closed: number[] = [];
    server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(sale);
    });
    server.on('connection', (socket) => {
      const port = socket.remotePort ?? -1;
      ports.push(port);
      socket.on('close', () => closed.push(port));
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const monitor = new SaleMonitor(`http://127.0.0.1:${port}`, 5_000);
    try {
      const first = await monitor.read();
      expect(first.snapshot?.saleId).toBe(7);
      expect(ports).toHaveLength(1);
      const watched = new Promise<number>((resolve) =>
        monitor.watch(1, (snapshot) => resolve(snapshot.size)),
      );
      expect(await watched).toBe(10);
      expect(ports).toHaveLength(2);
      await expect.poll(() => closed).toContain(ports[0]);
    } finally {
      await monitor.close();
    }
  });
});

describe('the warm-up', () => {
  it('runs in rounds of at most 250 ms, each a part of its own against the throwaway server', async () => {
    const target = 'http://127.0.0.1:9';
    const options = parseSimOptions({ target, rps: 3000, duration: '5s', warmUp: '1s' });
    const rounds: SimOptions[] = [];
    await warmUp(options, async (round) => {
      rounds.push(round);
    });
    expect(rounds).toHaveLength(4);
    for (const round of rounds) {
      expect(round.targets).not.toContain(target);
      expect(round.warmUpMs).toBe(0);
      expect(round.stages).toEqual([{ durationMs: 250, rps: 3000 }]);
    }
  });

  it("tells each round of the sale as the run will be told: the throwaway server's, by id and period, or unknown when the target has no GET /sale", async () => {
    const sales: PartSale[] = [];
    const withSale = parseSimOptions({ target: 'http://127.0.0.1:9', rps: 3000, warmUp: '500ms' });
    await warmUp(withSale, async (_round, sale) => {
      sales.push(sale);
    });
    const served = readSaleAnswer(bodyOf(answerTo(request('GET /sale'), 4)));
    expect(sales).toHaveLength(2);
    for (const sale of sales) {
      expect(sale.saleId).toBe(served?.saleId);
      expect(sale.periodMs).toBe((served?.endsAtMs ?? 0) - (served?.startsAtMs ?? 0));
    }
    const unknown: PartSale[] = [];
    const contest = parseSimOptions({
      target: 'http://127.0.0.1:9',
      rps: 3000,
      warmUp: '250ms',
      profile: 'contest',
    });
    await warmUp(contest, async (_round, sale) => {
      unknown.push(sale);
    });
    expect(unknown).toEqual([{ size: contest.saleSize, saleId: null, periodMs: null }]);
  });

  it('keeps a short warm-up in one round', async () => {
    const options = parseSimOptions({ target: 'http://127.0.0.1:9', rps: 20_000, warmUp: '100ms' });
    const rounds: SimOptions[] = [];
    await warmUp(options, async (round) => {
      rounds.push(round);
    });
    expect(rounds.map((round) => round.stages)).toEqual([[{ durationMs: 100, rps: 10_000 }]]);
  });
});

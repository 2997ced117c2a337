// A ledger in the shape `flashsale simulate` writes (@flashsale/protocol's line, its keys in
// order), for requests the tests send to a real server themselves.
import { writeFile } from 'node:fs/promises';
import { type LedgerRequestJson, ledgerOutcomeOf } from '@flashsale/protocol';

export type Sent = LedgerRequestJson & { body: Record<string, unknown> };

export class TestLedger {
  readonly lines: string[] = [];
  #sequence = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly prefix: string,
  ) {}

  /** POST /checkout; `query` overrides the query string (for malformed requests). */
  checkout(userId: string | null, itemId: number | null, query?: string): Promise<Sent> {
    const q = query ?? `user_id=${userId}&id=${itemId}`;
    return this.#send('checkout', `/checkout?${q}`, { userId, itemId, code: null });
  }

  purchase(code: string): Promise<Sent> {
    return this.#send('purchase', `/purchase?code=${encodeURIComponent(code)}`, {
      userId: null,
      itemId: null,
      code,
    });
  }

  /** Appends a line as given (a timeout the client saw, a planted line). */
  record(line: LedgerRequestJson): void {
    this.lines.push(JSON.stringify(line));
  }

  fault(kind: string, detail: string | null): void {
    this.lines.push(JSON.stringify({ type: 'fault', kind, at_ms: Date.now(), detail }));
  }

  nextRequestId(): string {
    this.#sequence += 1;
    return `${this.prefix}-${this.#sequence}`;
  }

  async write(path: string): Promise<void> {
    await writeFile(path, `${this.lines.join('\n')}\n`);
  }

  async #send(
    endpoint: 'checkout' | 'purchase',
    path: string,
    sent: { userId: string | null; itemId: number | null; code: string | null },
  ): Promise<Sent> {
    const requestId = this.nextRequestId();
    const sentMs = Date.now();
    const response = await fetch(this.baseUrl + path, {
      method: 'POST',
      headers: { 'x-request-id': requestId },
    });
    const body = (await response.json()) as Record<string, unknown>;
    const line: LedgerRequestJson = {
      type: 'request',
      request_id: requestId,
      endpoint,
      behaviour: 'normal',
      user_id: sent.userId,
      item_id: sent.itemId,
      code: endpoint === 'purchase' ? sent.code : typeof body.code === 'string' ? body.code : null,
      sale_id: typeof body.sale_id === 'number' ? body.sale_id : null,
      purchase_id: typeof body.purchase_id === 'string' ? body.purchase_id : null,
      attempt_id: response.headers.get('x-attempt-id'),
      issued_user_id: null,
      issued_item_id: null,
      reported_item_id: null,
      expires_ms: null,
      replayed: body.replayed === true,
      intended_ms: sentMs,
      sent_ms: sentMs,
      done_ms: Date.now(),
      status: response.status,
      error: typeof body.error === 'string' ? body.error : null,
      outcome: ledgerOutcomeOf(response.status, true),
    };
    this.record(line);
    return { ...line, body };
  }
}

import { describe, expect, it } from 'vitest';
import { isSoldOut, readSaleAnswer, type SaleAnswer } from '../src/sale-answer.js';

const answer: SaleAnswer = {
  sale_id: 490_017,
  starts_at: '2025-11-25T09:00:00.000Z',
  ends_at: '2025-11-25T10:00:00.000Z',
  size: 10_000,
  sold: 120,
  held: 30,
  available: 9850,
};

describe('reading a GET /sale answer', () => {
  it('reads the service answer into a snapshot', () => {
    expect(readSaleAnswer(JSON.stringify(answer))).toEqual({
      saleId: 490_017,
      startsAtMs: Date.parse('2025-11-25T09:00:00.000Z'),
      endsAtMs: Date.parse('2025-11-25T10:00:00.000Z'),
      size: 10_000,
      sold: 120,
      held: 30,
      available: 9850,
    });
  });

  it('reads an answer without a sale id (another implementation) with a null sale id', () => {
    const { sale_id: _, ...counts } = answer;
    expect(readSaleAnswer(JSON.stringify(counts))?.saleId).toBeNull();
  });

  it('reads an answer without its period (another implementation) with null times', () => {
    const { starts_at: _, ends_at: __, ...counts } = answer;
    expect(readSaleAnswer(JSON.stringify(counts))).toMatchObject({ startsAtMs: null, endsAtMs: null });
  });

  it.each([
    ['not JSON', 'ok'],
    ['an error body', '{"error":"unavailable","message":"retry shortly"}'],
    ['a JSON array', '[1,2]'],
    ['JSON null', 'null'],
    ['an empty sale', JSON.stringify({ ...answer, size: 0, available: 0 })],
    ['a negative count', JSON.stringify({ ...answer, held: -1 })],
    ['a count that is text', JSON.stringify({ ...answer, sold: '120' })],
    ['a fractional count', JSON.stringify({ ...answer, available: 1.5 })],
  ])('%s is no sale', (_name, body) => {
    expect(readSaleAnswer(body)).toBeNull();
  });
});

describe('sold out', () => {
  it.each([
    ['every item sold', { sold: 10, held: 0, available: 0 }, true],
    ['nothing available and nothing held', { sold: 9, held: 0, available: 0 }, true],
    ['nothing available but a hold that may lapse', { sold: 9, held: 1, available: 0 }, false],
    ['items available', { sold: 0, held: 0, available: 10 }, false],
  ])('%s: %s', (_name, counts, isSold) => {
    expect(isSoldOut({ saleId: 1, startsAtMs: null, endsAtMs: null, size: 10, ...counts })).toBe(isSold);
  });
});

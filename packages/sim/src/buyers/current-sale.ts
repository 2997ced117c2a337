// Which sale the buyers of this process believe is on: the newest sale id an answer named (or
// GET /sale said before the start). When a newer one appears the sale rolled over, and buyers
// forget what they knew of the old one: the items seen sold or held, and the codes others left
// behind. An answer about the old sale (a late purchase of a hold taken before the end) teaches
// nothing about the new one.

export class CurrentSale {
  #saleId: number | null;
  /** Bumped at each rollover; a step remembers the generation it was chosen in. */
  #generation = 0;
  readonly #onRollover: (saleId: number) => void;

  constructor(saleId: number | null, onRollover: (saleId: number) => void) {
    this.#saleId = saleId;
    this.#onRollover = onRollover;
  }

  get saleId(): number | null {
    return this.#saleId;
  }

  get generation(): number {
    return this.#generation;
  }

  /** Takes the sale id of an answer; a newer sale rolls the buyers' knowledge over. */
  observe(saleId: number | null): void {
    if (saleId === null || (this.#saleId !== null && saleId <= this.#saleId)) return;
    const isFirst = this.#saleId === null;
    this.#saleId = saleId;
    if (isFirst) return;
    this.#generation += 1;
    this.#onRollover(saleId);
  }

  /**
   * True when an answer is about the sale the buyers now know: by its sale id when it names one,
   * else (a refusal names none) when the step was chosen in this sale.
   */
  isCurrent(answerSaleId: number | null, stepGeneration: number): boolean {
    return answerSaleId === null ? stepGeneration === this.#generation : answerSaleId === this.#saleId;
  }
}

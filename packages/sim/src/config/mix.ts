// The buyer mix: what share of new sessions each behaviour gets, in percent. The behaviours are
// listed in @flashsale/protocol, since every ledger line names one.
import { type Behaviour, behaviours } from '@flashsale/protocol';
export type Mix = Readonly<Record<Behaviour, number>>;

export const defaultMix: Mix = { normal: 70, heavy: 20, invalid: 10 };

const sharePattern = /^(\w+)=(\d+(?:\.\d+)?)$/;

/** Reads `normal=70,heavy=20,invalid=10`; behaviours left out get 0. Returns a reason on failure. */
export function parseMix(text: string): Mix | string {
  const shares: Record<Behaviour, number> = { normal: 0, heavy: 0, invalid: 0 };
  for (const part of text.split(',')) {
    const match = sharePattern.exec(part.trim());
    if (match === null) return `'${part}' is not behaviour=share`;
    const name = match[1] ?? '';
    if (!isBehaviour(name)) return `'${name}' is not a behaviour (${behaviours.join(', ')})`;
    shares[name] = Number(match[2]);
  }
  return checkMix(shares);
}

/** A mix is valid when its shares are non-negative and add up to 100. */
export function checkMix(shares: Record<Behaviour, number>): Mix | string {
  const total = behaviours.reduce((sum, name) => sum + shares[name], 0);
  if (Math.abs(total - 100) > 1e-9) return `shares add up to ${total}, not 100`;
  return Object.freeze({ ...shares });
}

export function isBehaviour(name: string): name is Behaviour {
  return (behaviours as readonly string[]).includes(name);
}

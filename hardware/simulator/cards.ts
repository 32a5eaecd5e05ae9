/**
 * The simulated shop's cards: a population of about 1,550 synthetic card numbers, so that what the
 * agent learns per card (the repeat-decline guard, agent/guidance/decline-tracker.ts) behaves as
 * it would at a real counter: most cards are seen once, regulars come back several times a day,
 * and a few problem cards (expired, lost or stolen, always short of funds) are tried again and
 * again. With a handful of cards every card was declined many times and the guard fired on
 * almost every sale.
 *
 * The shape is data (CARD_BRANDS, CARD_GROUPS below, docs/serial.md "Simulator"); the numbers are
 * made from the seed: same seed, same cards, same order. Every number is Luhn-valid and starts
 * with an issuer prefix of the networks' published test card numbers; the rest is random, so a
 * number may exist on a real card: the simulator's frames are card data like a real module's.
 *
 * How a card is chosen for a transaction: the transaction's outcome is drawn first (the
 * scenario's mix); the groups that can carry that outcome compete by weight; within a group,
 * walk-in cards are dealt one after another (each seen once until all have been), the others are
 * picked at random.
 */
import { luhnCheckDigit } from '../../protocol/card/pan.js';
import { Rng } from './rng.js';

export interface CardBrandRow {
  brand: string;
  /** Issuer prefixes (first six digits) of the network's published test numbers. */
  iins: readonly string[];
  length: number;
  /** Share of the population, a weight. */
  weight: number;
}

/** Brands of the population, one row per brand. */
export const CARD_BRANDS: readonly CardBrandRow[] = [
  { brand: 'visa', iins: ['411111', '400000', '401288', '476173'], length: 16, weight: 50 },
  { brand: 'mastercard', iins: ['555555', '510510', '222300', '541333'], length: 16, weight: 32 },
  { brand: 'amex', iins: ['378282', '371449', '374245'], length: 15, weight: 8 },
  { brand: 'discover', iins: ['601111', '601100'], length: 16, weight: 5 },
  { brand: 'jcb', iins: ['353011', '356600'], length: 16, weight: 5 },
];

export type CardGroupName = 'walk_in' | 'regular' | 'expired' | 'lost_stolen' | 'short';

export interface CardGroupRow {
  group: CardGroupName;
  /** Cards in the group. */
  cards: number;
  /** Weight against the other groups that can carry the same outcome. */
  weight: number;
  /** Outcomes (field 39 codes or scenario outcome keys) this group's cards can have; 'any': all. */
  outcomes: 'any' | readonly string[];
  /** How a card is taken: dealt in turn (each once until all are used) or picked at random. */
  draw: 'deal' | 'pick';
}

/** Outcomes a regular customer's card can have: approvals and declines that a later try may pass. */
const SOFT = ['00', '51', '05', '55', '91', '1A', '61', '65', '96'] as const;
const LOCAL = [
  'host_timeout',
  'silent_timeout',
  'card_read_error',
  'removed_early',
  'pin_timeout',
  'pin_cancel',
];

/**
 * The population, one row per group. With the shift mix about 70 % of sales are walk-ins, 30 %
 * regulars (about 6 visits each in a shift of 800 sales); about half of the expired-card and
 * lost/stolen declines are the same few cards tried again (the guard's "do not retry this card"),
 * and about a third of the insufficient-funds declines are the same few cards.
 */
export const CARD_GROUPS: readonly CardGroupRow[] = [
  { group: 'walk_in', cards: 1500, weight: 70, outcomes: 'any', draw: 'deal' },
  { group: 'regular', cards: 40, weight: 30, outcomes: [...SOFT, ...LOCAL], draw: 'pick' },
  { group: 'expired', cards: 2, weight: 100, outcomes: ['54', '33'], draw: 'pick' },
  { group: 'lost_stolen', cards: 2, weight: 70, outcomes: ['41', '43'], draw: 'pick' },
  { group: 'short', cards: 4, weight: 40, outcomes: ['51', '61'], draw: 'pick' },
];

/** Salt of the population's own random stream (the script's stream stays as it was). */
const POPULATION_SALT = 0x5eed_ca4d;

export interface DrawnCard {
  pan: string;
  group: CardGroupName;
  /** Index of the card in its group. */
  index: number;
}

export class CardPopulation {
  /** Cards made so far, by group, in the order they were made. */
  private readonly made = new Map<CardGroupName, string[]>();
  /** One stream per group: a group's cards do not depend on how many of another's were dealt. */
  private readonly makers = new Map<CardGroupName, Rng>();
  /** The stream that picks a card within a group drawn at random. */
  private readonly picks: Rng;
  private readonly seen = new Set<string>();
  private readonly dealt = new Map<CardGroupName, number>();
  private readonly groups: readonly CardGroupRow[];

  constructor(seed: number, groups: readonly CardGroupRow[] = CARD_GROUPS) {
    this.groups = groups;
    this.picks = new Rng((seed ^ POPULATION_SALT) >>> 0);
    groups.forEach((g, i) => {
      this.made.set(g.group, []);
      this.makers.set(g.group, new Rng((seed ^ POPULATION_SALT ^ Math.imul(i + 1, GROUP_STRIDE)) >>> 0));
    });
    // the groups cards are picked from are made now; walk-in cards as they are dealt: making a
    // shift's 1,500 up front took 15-20 ms of the simulator's start (the agent's start waits for it)
    for (const g of groups) if (g.draw === 'pick') this.cardAt(g, g.cards - 1);
  }

  /** Every card, by group, in the order they are dealt or made (the rest of the walk-ins made now). */
  get cards(): ReadonlyMap<CardGroupName, readonly string[]> {
    for (const g of this.groups) this.cardAt(g, g.cards - 1);
    return this.made;
  }

  /** Number of cards in the population. */
  get size(): number {
    let n = 0;
    for (const g of this.groups) n += g.cards;
    return n;
  }

  /**
   * The card for a transaction with this outcome. `u` in [0, 1) chooses the group (the caller's
   * draw, so the script's own stream is used exactly as before); the card within the group comes
   * from the population's stream. `only` limits the groups (a scenario's `cardGroups`).
   */
  draw(outcome: string, u: number, only?: readonly CardGroupName[]): DrawnCard {
    const can = (g: CardGroupRow) => carries(g, outcome) && (only === undefined || only.includes(g.group));
    let total = 0;
    for (const g of this.groups) if (can(g)) total += g.weight;
    let x = u * total;
    let chosen: CardGroupRow | undefined;
    for (const g of this.groups) {
      if (!can(g)) continue;
      chosen = g;
      x -= g.weight;
      if (x < 0) break;
    }
    if (chosen === undefined) throw new Error(`no card group carries outcome ${outcome}`);
    let index: number;
    if (chosen.draw === 'deal') {
      const n = this.dealt.get(chosen.group) ?? 0;
      this.dealt.set(chosen.group, n + 1);
      index = n % chosen.cards;
    } else index = this.picks.int(0, chosen.cards - 1);
    return { pan: this.cardAt(chosen, index), group: chosen.group, index };
  }

  /** Card `index` of group `g`, making the group's cards up to it (distinct from every card made). */
  private cardAt(g: CardGroupRow, index: number): string {
    const list = this.made.get(g.group)!;
    const rng = this.makers.get(g.group)!;
    while (list.length <= index) {
      const pan = makePan(rng);
      if (this.seen.has(pan)) continue;
      this.seen.add(pan);
      list.push(pan);
    }
    return list[index]!;
  }
}

/** Spreads the groups' stream seeds apart (the golden ratio's 32-bit constant). */
const GROUP_STRIDE = 0x9e37_79b9;

/** One card number: a brand by weight, one of its prefixes, random digits, the Luhn check digit. */
function makePan(rng: Rng): string {
  let x = rng.next() * BRAND_WEIGHT_TOTAL;
  let row = CARD_BRANDS[CARD_BRANDS.length - 1]!;
  for (const b of CARD_BRANDS) {
    x -= b.weight;
    if (x < 0) {
      row = b;
      break;
    }
  }
  let body = rng.pick(row.iins);
  while (body.length < row.length - 1) body += DIGITS[rng.int(0, 9)]!;
  return body + DIGITS[luhnCheckDigit(body)]!;
}

const BRAND_WEIGHT_TOTAL = CARD_BRANDS.reduce((sum, b) => sum + b.weight, 0);
const DIGITS = '0123456789';

function carries(g: CardGroupRow, outcome: string): boolean {
  return g.outcomes === 'any' || g.outcomes.includes(outcome);
}

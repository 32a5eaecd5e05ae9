/**
 * scrubCardData (protocol/card/card-data.ts): a line for a person keeps what it says and loses its
 * card data: a PAN masked where it stands, the rest of a track and a security code removed.
 */
import { describe, expect, it } from 'vitest';
import { CARD_DATA_REMOVED, cardDataIn, scrubCardData } from '../protocol/card/card-data.js';
import { findPans } from '../protocol/card/pan.js';

describe('scrubCardData', () => {
  it('masks a PAN and removes the word that carries the rest of its track', () => {
    const out = scrubCardData("error: unknown option '--4111111111111111=25121010000012345678'\n");
    expect(out).toBe(`error: unknown option '${CARD_DATA_REMOVED}'\n`);
  });

  it('removes a security code and keeps the rest of the line', () => {
    expect(scrubCardData('config x = "card 4111111111111111 cvv 123": too long')).toBe(
      `config x = "card 411111******1111 ${CARD_DATA_REMOVED}": too long`,
    );
  });

  it('a track 1 whose name has spaces: the whole line goes', () => {
    const out = scrubCardData('bad value "%B4111111111111111^DOE JR/JOHN Q^2512101000000?"\n');
    expect(out).toBe(`${CARD_DATA_REMOVED}\n`);
  });

  it('leaves a line without card data as it is, an option with a number too', () => {
    for (const line of [
      "error: unknown option '--budget_mb=2048'",
      'config display.width = 60: an lcd display has at most 40 columns',
      'stan 123456, rrn 612345678901',
    ])
      expect(scrubCardData(line)).toBe(line);
  });

  it('whatever it returns holds no PAN, track or security code', () => {
    const pieces = ['4111111111111111', '=2512101000', '^DOE/JOHN^', 'CVC2: 987', ' ', "'", 'x'];
    let seed = 7;
    const pick = () => pieces[(seed = (seed * 48271) % 2147483647) % pieces.length]!;
    for (let i = 0; i < 2000; i++) {
      const line = Array.from({ length: 1 + (i % 9) }, pick).join('');
      const out = scrubCardData(line);
      expect([line, findPans(out), cardDataIn(out, true)]).toEqual([line, [], null]);
    }
  });
});

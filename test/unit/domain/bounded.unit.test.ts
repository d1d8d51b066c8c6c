import {
  boundText,
  formatCounts,
  LISTED_ITEMS,
  listNames,
  MAX_TEXT_CHARS,
  summarise,
} from '../../../lib/domain/bounded';

describe('summarise', () => {
  it('lists the first items in order, counts all by key, and says how many are not listed', () => {
    const s = summarise(['a1', 'b1', 'a2', 'a3'], (x) => x.slice(0, 1), 2);
    expect(s).toEqual({ total: 4, first: ['a1', 'b1'], omitted: 2, counts: { a: 3, b: 1 } });
  });

  it('lists LISTED_ITEMS by default, and nothing for a negative count', () => {
    const items = Array.from({ length: 25 }, (_, i) => i);
    expect(summarise(items, String).first).toHaveLength(LISTED_ITEMS);
    expect(LISTED_ITEMS).toBe(10);
    expect(summarise(items, String, -1)).toMatchObject({ first: [], omitted: 25 });
    expect(summarise([], String)).toEqual({ total: 0, first: [], omitted: 0, counts: {} });
  });
});

describe('formatCounts', () => {
  it('names each key with its count, in order', () => {
    expect(formatCounts({ block: 3, warn: 1 })).toBe('block: 3, warn: 1');
    expect(formatCounts({})).toBe('');
  });
});

describe('boundText', () => {
  it('keeps a text that fits, to the last character', () => {
    expect(boundText('abc', 'k', 3)).toBe('abc');
    expect(MAX_TEXT_CHARS).toBe(8192);
    expect(boundText('x'.repeat(MAX_TEXT_CHARS), 'k')).toHaveLength(MAX_TEXT_CHARS);
  });

  it('cuts a longer one to the limit, saying how long it was and where the whole is', () => {
    const text = 'y'.repeat(500);
    const bounded = boundText(text, 'upgrades/u/plan.json', 200);
    expect(bounded).toHaveLength(200);
    expect(bounded).toMatch(/^y+ … \(500 characters in all; the whole: upgrades\/u\/plan\.json\)$/);
    expect(boundText(text, 'k', 5)).toBe(' … (500 characters in all; the whole: k)');
  });
});

describe('listNames', () => {
  it('lists up to ten names, then counts the rest and names the whole list', () => {
    expect(listNames([], 'k')).toBe('nothing');
    expect(listNames([], 'k', 'none')).toBe('none');
    expect(listNames(['a', 'b'], 'k')).toBe('a, b');
    const names = Array.from({ length: 12 }, (_, i) => `n${i}`);
    expect(listNames(names, 'k')).toBe('n0, n1, n2, n3, n4, n5, n6, n7, n8, n9, … and 2 more (see k)');
    expect(listNames(names.slice(0, 10), 'k')).toBe('n0, n1, n2, n3, n4, n5, n6, n7, n8, n9');
  });
});

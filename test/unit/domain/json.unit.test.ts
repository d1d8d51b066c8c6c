import { parseJsonOrUndefined } from '../../../lib/domain/json';

describe('parseJsonOrUndefined', () => {
  test.each([
    ['{"by":"ana"}', { by: 'ana' }],
    ['"text"', 'text'],
    ['null', null],
    ['42', 42],
    ['[1]', [1]],
  ])('%s is JSON: its value', (text, value) => {
    expect(parseJsonOrUndefined(text)).toEqual(value);
  });

  test.each([[undefined], [''], ['undefined'], ['freeze week'], ['{"by":']])(
    '%p is not JSON: undefined',
    (text) => {
      expect(parseJsonOrUndefined(text)).toBeUndefined();
    },
  );
});

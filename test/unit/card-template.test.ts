import { fillTemplate } from '../../src/channels/card-template';

describe('card template', () => {
  it('interpolates strings and keeps raw values for whole placeholders', () => {
    const out = fillTemplate({ a: 'No.{{no}} {{t}}', b: '{{list}}', c: '{{missing}}' }, { no: 7, t: '标题', list: [1, 2] });
    expect(out).toEqual({ a: 'No.7 标题', b: [1, 2], c: '' });
  });

  it('drops objects whose $if is falsy and keeps those whose $unless is falsy', () => {
    const out = fillTemplate([{ $if: 'x', v: 1 }, { $unless: 'x', v: 2 }, { $if: 'items', v: 3 }], { x: false, items: [] });
    expect(out).toEqual([{ v: 2 }]);
  });

  it('expands $each with an alias and index', () => {
    const out = fillTemplate([{ $each: 'fs', $as: 'f', $do: { tag: 'markdown', content: '{{$index}}:{{f.text}}' } }], {
      fs: [{ text: 'a' }, { text: 'b' }],
    });
    expect(out).toEqual([
      { tag: 'markdown', content: '0:a' },
      { tag: 'markdown', content: '1:b' },
    ]);
  });
});

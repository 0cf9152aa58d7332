import { renderCardHtml } from '../../src/channels/sandbox';
import { md } from '../../src/usecases/cards';

describe('md (user text inside card markdown)', () => {
  const render = (content: string) => renderCardHtml({ schema: '2.0', body: { elements: [{ tag: 'markdown', content }] } }, { names: {} });

  it('keeps masked numbers and markdown characters literal', () => {
    const html = render(`电话 ${md('138****5678，见[链接](http://x.test) `code` ~~删~~ **粗**')}`);
    expect(html).toContain('138****5678');
    expect(html).toContain('[链接](');
    expect(html).not.toContain('>链接</a>');
    expect(html).toContain('`code`');
    expect(html).not.toContain('<code>');
    expect(html).not.toContain('<strong>');
    expect(html).not.toContain('<del>');
  });

  it('neutralises tags a person types', () => {
    const html = render(md('<at id=all></at> <font color=red>x</font> <script>alert(1)</script> a & b'));
    expect(html).not.toContain('cd-at');
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('a &amp; b');
  });
});

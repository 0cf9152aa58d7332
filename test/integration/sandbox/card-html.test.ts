import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { renderCardHtml } from '../../../src/channels/sandbox/card-html';
import { buildSandboxPage } from '../../../src/channels/sandbox/page';
import { renderFeishuCard } from '../../../src/channels/feishu/cards';

const card = (elements: unknown[], header?: unknown) => ({ schema: '2.0', header, body: { elements } });
const md = (content: string) => renderCardHtml(card([{ tag: 'markdown', content }]));

/** The tags and attributes the renderer may emit; anything else means card text escaped its escaping. */
const TAGS = new Set([
  'div', 'span', 'strong', 'em', 'del', 'code', 'pre', 'br', 'hr', 'a', 'b', 'button', 'form', 'label', 'input', 'textarea',
  'select', 'option', 'details', 'summary', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
]);
const ATTRS = /^(class|href|target|rel|type|value|placeholder|title|rows|maxlength|name|selected|checked|disabled|required|open|novalidate|data-cd-[a-z]+)$/;

function assertSafe(html: string): void {
  for (const m of html.matchAll(/<\/?([a-zA-Z][\w-]*)((?:\s+[\w-]+(?:="[^"]*")?)*)\s*\/?>/g)) {
    expect(TAGS).toContain(m[1].toLowerCase());
    for (const a of m[2].matchAll(/([\w-]+)(?:="([^"]*)")?/g)) {
      expect(a[1]).toMatch(ATTRS);
      if (a[1] === 'href') expect(a[2]).toMatch(/^(https?:\/\/|mailto:)/i);
    }
  }
  // Every `<` starts one of the tags checked above; stray ones would be unescaped text.
  const tags = [...html.matchAll(/<\/?([a-zA-Z][\w-]*)((?:\s+[\w-]+(?:="[^"]*")?)*)\s*\/?>/g)].length;
  expect((html.match(/</g) ?? []).length).toBe(tags);
}

describe('renderCardHtml: markdown', () => {
  it('renders bold, line breaks, lists and safe links', () => {
    const html = md('**标题** 与 *强调*\n第二行\n- 一\n1. 二\n[官网](https://example.com/a?b=1&c=2) https://example.org/x。');
    expect(html).toContain('<strong>标题</strong>');
    expect(html).toContain('<em>强调</em>');
    expect(html).toContain('与 <em>强调</em><br>第二行');
    expect(html).toContain('<span class="cd-md-bullet">•</span>一');
    expect(html).toContain('<span class="cd-md-bullet">1.</span>二');
    expect(html).toContain('<a href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">官网</a>');
    expect(html).toContain('<a href="https://example.org/x" target="_blank" rel="noopener noreferrer">https://example.org/x</a>。');
    assertSafe(html);
  });

  it('supports Feishu colour, tag and mention extensions with whitelisted colours only', () => {
    const html = renderCardHtml(card([{ tag: 'markdown', content: "<font color='red'>阻断</font> <font color=\"x onclick=1\">y</font> <at id=ou_1></at> <at id=all></at>" }]), {
      names: { ou_1: '王编' },
    });
    expect(html).toContain('<span class="cd-fc-red">阻断</span>');
    expect(html).not.toContain('onclick=1"');
    expect(html).toContain('<span class="cd-at">@王编</span>');
    expect(html).toContain('@所有人');
    assertSafe(html);
  });

  it('escapes HTML: script tags, event handlers and dangerous links stay text', () => {
    const html = md('<script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3)) [y](https://a.b/"onmouseover="alert(4))');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/href="javascript/i);
    expect(html).toContain('[x](javascript:alert(3))');
    expect(html).not.toContain('"onmouseover="');
    assertSafe(html);
  });

  it('keeps code spans unformatted', () => {
    const html = md('`**not bold** <b>` and ```\n<i>block</i>\n```');
    expect(html).toContain('<code>**not bold** &lt;b&gt;</code>');
    expect(html).toContain('<pre class="cd-code">&lt;i&gt;block&lt;/i&gt;</pre>');
  });
});

describe('renderCardHtml: elements', () => {
  it('renders the header with a whitelisted colour class and escaped title', () => {
    const html = renderCardHtml(card([], { title: { tag: 'plain_text', content: '<b>审批</b>' }, template: 'green' }));
    expect(html).toContain('<div class="cd-head cd-head-green"><div class="cd-title">&lt;b&gt;审批&lt;/b&gt;</div>');
    const odd = renderCardHtml(card([], { title: { content: 't' }, template: 'green" onclick="x' }));
    expect(odd).toContain('cd-head-default');
    assertSafe(odd);
  });

  it('renders plain text, div, hr and columns', () => {
    const html = renderCardHtml(
      card([
        { tag: 'plain_text', content: 'a\n<b>' },
        { tag: 'div', text: { tag: 'lark_md', content: '**md**' } },
        { tag: 'hr' },
        { tag: 'column_set', columns: [{ tag: 'column', width: 'weighted', weight: 2, elements: [{ tag: 'markdown', content: '左' }] }, { tag: 'column', width: 'auto', elements: [] }] },
      ]),
    );
    expect(html).toContain('<div class="cd-text">a<br>&lt;b&gt;</div>');
    expect(html).toContain('<strong>md</strong>');
    expect(html).toContain('<hr class="cd-hr">');
    expect(html).toContain('<div class="cd-cols"><div class="cd-col cd-col-w2">');
    expect(html).toContain('<div class="cd-col cd-col-auto">');
  });

  it('puts the callback value on buttons as escaped JSON', () => {
    const value = { action: 'approve', note: '"><script>alert(1)</script>' };
    const html = renderCardHtml(
      card([{ tag: 'button', text: { tag: 'plain_text', content: '通过' }, type: 'primary_filled', behaviors: [{ type: 'callback', value }], confirm: { title: { content: '确认' }, text: { content: '通过后排期' } } }]),
    );
    const attr = /data-cd-value="([^"]*)"/.exec(html)?.[1] ?? '';
    const decoded = attr.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    expect(JSON.parse(decoded)).toEqual(value);
    expect(html).toContain('data-cd-action="callback"');
    expect(html).toContain('class="cd-btn cd-btn-primary_filled"');
    expect(html).toContain('data-cd-confirm="确认\n通过后排期"');
    assertSafe(html);
  });

  it('renders a form with named fields and submit/reset buttons', () => {
    const html = renderCardHtml(
      card([
        {
          tag: 'form',
          name: 'review',
          elements: [
            { tag: 'input', name: 'comment', placeholder: { content: '意见' }, required: true, input_type: 'multiline_text', label: { content: '审核意见' } },
            { tag: 'select_static', name: 'category', options: [{ text: { content: '工作动态' }, value: 'work' }, { text: { content: '科普知识' }, value: 'sci' }], initial_option: 'sci' },
            { tag: 'multi_select_static', name: 'platforms', options: [{ text: { content: '公众号' }, value: 'wechat' }, { text: { content: '微博' }, value: 'weibo' }], selected_values: ['wechat'] },
            { tag: 'date_picker', name: 'date', initial_date: '2026-12-01' },
            { tag: 'picker_datetime', name: 'at', initial_datetime: '2026-12-01 09:30' },
            { tag: 'button', text: { content: '提交' }, form_action_type: 'submit', behaviors: [{ type: 'callback', value: { action: 'revise' } }] },
            { tag: 'button', text: { content: '重置' }, form_action_type: 'reset' },
          ],
        },
      ]),
    );
    expect(html).toContain('<form class="cd-form" data-cd-form="review" novalidate>');
    expect(html).toMatch(/<textarea rows="3" class="cd-input" data-cd-field="input" data-cd-name="comment" placeholder="意见" required data-cd-required="1">/);
    expect(html).toContain('<span class="cd-label">审核意见<b class="cd-req">*</b></span>');
    expect(html).toContain('data-cd-field="select" data-cd-name="category"');
    expect(html).toContain('<option value="sci" selected>科普知识</option>');
    expect(html).toContain('data-cd-field="multi" data-cd-name="platforms"');
    expect(html).toContain('<input type="checkbox" value="wechat" checked>');
    expect(html).toContain('<input type="date" class="cd-input cd-date" data-cd-field="date" data-cd-name="date" value="2026-12-01"');
    expect(html).toContain('type="datetime-local" class="cd-input cd-date" data-cd-field="datetime" data-cd-name="at" value="2026-12-01T09:30"');
    expect(html).toContain('data-cd-action="submit" data-cd-value="{&quot;action&quot;:&quot;revise&quot;}"');
    expect(html).toContain('data-cd-action="reset"');
    assertSafe(html);
  });

  it('shows a chart as a small table, or a placeholder', () => {
    const table = renderCardHtml(
      card([{ tag: 'chart', chart_spec: { type: 'bar', title: { text: '阅读量' }, data: { values: [{ day: '周一', reads: 120 }, { day: '<b>周二</b>', reads: 98 }] } } }]),
    );
    expect(table).toContain('📊 阅读量');
    expect(table).toContain('<th>day</th><th>reads</th>');
    expect(table).toContain('<td>&lt;b&gt;周二&lt;/b&gt;</td><td>98</td>');
    const placeholder = renderCardHtml(card([{ tag: 'chart', chart_spec: { type: 'pie' } }]));
    expect(placeholder).toContain('📊 图表');
  });

  it('names unknown elements instead of dropping them, and survives junk', () => {
    expect(renderCardHtml(card([{ tag: '<blink>' }]))).toContain('［暂不支持的卡片元素：&lt;blink&gt;］');
    expect(renderCardHtml(null)).toContain('无法显示的卡片');
    expect(renderCardHtml(card([1, 'x', null, { tag: 'markdown' }]))).toContain('cd-body');
    let deep: unknown = { tag: 'markdown', content: 'x' };
    for (let i = 0; i < 200; i++) deep = { tag: 'column_set', columns: [{ elements: [deep] }] };
    expect(renderCardHtml(card([deep]))).toContain('嵌套过深');
  });

  it('renders the shipped notice template', () => {
    const feishu = renderFeishuCard({
      kind: 'card',
      template: 'notice',
      data: { title: '发布失败', color: 'red', text: '原因：**令牌过期**', buttons: [{ label: '重试', type: 'primary', value: { action: 'retry', id: 3 } }] },
    });
    const html = renderCardHtml(feishu);
    expect(html).toContain('cd-head-red');
    expect(html).toContain('<strong>令牌过期</strong>');
    expect(html).toContain('data-cd-value="{&quot;action&quot;:&quot;retry&quot;,&quot;id&quot;:3}"');
  });
});

describe('renderCardHtml: untrusted text anywhere', () => {
  const nasty = fc.oneof(
    fc.string(),
    fc.constantFrom('<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "'onmouseover='x", '[a](javascript:x)', '<font color=\'red\'><script>', '**<b>**', '`<x>`', '&lt;', '\ue0000\ue001'),
  );
  const textPieces = fc.array(nasty, { minLength: 1, maxLength: 4 }).map((xs) => xs.join(' '));

  it('never emits a tag or attribute outside the whitelist', () => {
    fc.assert(
      fc.property(textPieces, textPieces, textPieces, (a, b, c) => {
        const html = renderCardHtml(
          card(
            [
              { tag: 'markdown', content: a },
              { tag: 'div', text: { tag: 'lark_md', content: b }, fields: [{ text: { tag: 'plain_text', content: c } }] },
              { tag: 'button', text: { content: a }, type: b, behaviors: [{ type: 'callback', value: { v: c } }], confirm: { text: { content: b } } },
              { tag: 'form', name: a, elements: [{ tag: 'input', name: b, placeholder: { content: c }, default_value: a }, { tag: 'select_static', name: c, options: [{ text: { content: a }, value: b }] }] },
              { tag: 'chart', chart_spec: { title: { text: a }, data: { values: [{ [b]: c }] } } },
              { tag: c },
            ],
            { title: { content: a }, subtitle: { content: b }, template: c, text_tag_list: [{ text: { content: b }, color: a }] },
          ),
        );
        assertSafe(html);
      }),
      { numRuns: 120, seed: 20261129 },
    );
  });
});

describe('the page’s copy of the renderer', () => {
  it('is self-contained and renders exactly like the module', () => {
    const page = buildSandboxPage();
    const script = /<script nonce="__CSP_NONCE__">([\s\S]*?)<\/script>/.exec(page)?.[1] ?? '';
    const source = script.slice(0, script.indexOf('\n(function () {'));
    expect(source).toContain('var renderCardHtml = ');
    // A fresh context with nothing but the source: no imports or outer references can hide.
    const inPage = runInNewContext(source + '\nrenderCardHtml;', {}) as typeof renderCardHtml;
    const sample = card(
      [
        { tag: 'markdown', content: '**加粗** <script>x</script>\n[链接](https://example.com) <at id=ou_1></at>' },
        { tag: 'form', name: 'f', elements: [{ tag: 'input', name: 'comment' }, { tag: 'button', text: { content: '提交' }, form_action_type: 'submit', behaviors: [{ type: 'callback', value: { a: 1 } }] }] },
        { tag: 'chart', chart_spec: { data: { values: [{ a: 1 }] } } },
      ],
      { title: { content: '卡片' }, template: 'orange' },
    );
    expect(inPage(sample, { names: { ou_1: '王编' } })).toBe(renderCardHtml(sample, { names: { ou_1: '王编' } }));
  });
});

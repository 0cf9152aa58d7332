import { charLength, escapeHtml, parseDraftBody, plainText, renderArticleHtml, truncateChars } from '../../../src/publishers/article-html';

const noImages = { imageUrl: () => undefined };

describe('article HTML from a draft body', () => {
  it('escapes text, keeps paragraphs and line breaks, drops control characters', () => {
    const parsed = parseDraftBody('第一行 "引号" & <b>\r\n第二行\u0007\n\n\n第二段\t');
    expect(renderArticleHtml(parsed, noImages)).toBe('<p>第一行 &quot;引号&quot; &amp; &lt;b&gt;<br/>第二行</p><p>第二段</p>');
    expect(plainText(parsed)).toBe('第一行 "引号" & <b>\n第二行\n\n第二段');
  });

  it('turns bare URLs into link nodes, shown as text unless the host is allowed', () => {
    const parsed = parseDraftBody('原文见 https://mp.weixin.qq.com/s/x，另见 https://example.gov.cn/a?b=1&c=2。');
    expect(renderArticleHtml(parsed, { ...noImages, linkHostAllowed: (h) => h === 'mp.weixin.qq.com' })).toBe(
      '<p>原文见 <a href="https://mp.weixin.qq.com/s/x">https://mp.weixin.qq.com/s/x</a>，另见 https://example.gov.cn/a?b=1&amp;c=2。</p>',
    );
  });

  it('reads a Feishu post (plain or locale-wrapped) with styles, mentions, links and images in place', () => {
    const post = {
      title: '通知',
      content: [
        [{ tag: 'text', text: '请 ' }, { tag: 'at', user_id: 'ou_1', user_name: '张三' }, { tag: 'text', text: ' 注意', style: ['bold', 'underline'] }],
        [{ tag: 'text', text: '前文' }, { tag: 'img', image_key: 'img_1' }, { tag: 'text', text: '后文' }],
        [{ tag: 'a', text: '点我', href: 'javascript:alert(1)' }, { tag: 'emotion', emoji_type: 'SMILE' }],
      ],
    };
    for (const body of [JSON.stringify(post), JSON.stringify({ zh_cn: post })]) {
      const parsed = parseDraftBody(body);
      expect(parsed.title).toBe('通知');
      expect(parsed.imageKeys).toEqual(['img_1']);
      expect(renderArticleHtml(parsed, { imageUrl: (k) => (k === 'img_1' ? 'https://mmbiz.qpic.cn/a"b.png' : undefined) })).toBe(
        '<p>请 @张三<u><strong> 注意</strong></u></p><p>前文</p><p><img src="https://mmbiz.qpic.cn/a%22b.png"/></p><p>后文</p><p>点我</p>',
      );
    }
  });

  it('treats JSON that is not a Feishu post as plain text', () => {
    expect(renderArticleHtml(parseDraftBody('{"a": 1}'), noImages)).toBe('<p>{&quot;a&quot;: 1}</p>');
  });

  it('appends images not placed in the body, and leaves out images without an uploaded URL', () => {
    const parsed = parseDraftBody('正文');
    expect(renderArticleHtml(parsed, { imageUrl: (k) => (k === 'a' ? 'https://x/a.png' : undefined), trailingImageKeys: ['a', 'b'] })).toBe(
      '<p>正文</p><p><img src="https://x/a.png"/></p>',
    );
  });

  it('counts and cuts by code points', () => {
    expect(charLength('𠮷a')).toBe(2);
    expect(truncateChars('一二三四五', 3)).toBe('一二…');
    expect(truncateChars('一二三', 3)).toBe('一二三');
    expect(escapeHtml(`'`)).toBe('&#39;');
  });
});

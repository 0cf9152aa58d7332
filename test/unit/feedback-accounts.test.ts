import { createFeedbackSources } from '../../src/feedback-module';
import { createPlatformPublishers } from '../../src/publishers/registry';

const clock = { now: () => new Date('2026-11-30T02:00:00Z') };
const ENV = { WEIBO_ACCESS_TOKEN: 'env-weibo', WECHAT_MP_APP_ID: 'wx-env', WECHAT_MP_APP_SECRET: 'env-secret', KUAISHOU_APP_ID: 'ks', KUAISHOU_ACCESS_TOKEN: 'ks-token' };
const FILE = JSON.stringify({
  accounts: [
    { name: '团委微博', platform: 'weibo', accessToken: 'youth' },
    { name: '老干部微博', platform: '微博', accessToken: 'elders', aliases: ['老干部'] },
    { name: '本部公众号', platform: 'wechat', appId: 'wx1', appSecret: 's1' },
    { name: '校区公众号', platform: '公众号', appId: 'wx2', appSecret: 's2', default: true },
    { name: '快手号', platform: 'kuaishou', appId: 'k2', appSecret: 'ks-secret', refreshToken: 'r' },
    { name: '抖音号', platform: 'douyin', accessToken: 'd', openId: 'o' },
  ],
});
const readFile = () => FILE;

/** Feedback sources per account, from the configuration the publishers are built from. */
describe('createFeedbackSources', () => {
  it('without ACCOUNTS_FILE: one source per platform with credentials, keyed by platform', () => {
    expect(Object.keys(createFeedbackSources(ENV, { clock, zone: 'Asia/Shanghai' })).sort()).toEqual(['kuaishou', 'wechat', 'weibo']);
    expect(Object.keys(createFeedbackSources({ WEIBO_ACCESS_TOKEN: 't' }, { clock, zone: 'Asia/Shanghai' }))).toEqual(['weibo']);
  });

  it('with ACCOUNTS_FILE: a source for every named account, and the platform key on the account that publishes plain platform targets', () => {
    const env = { ...ENV, KUAISHOU_APP_ID: '', KUAISHOU_ACCESS_TOKEN: '', ACCOUNTS_FILE: 'accounts.json' };
    const sources = createFeedbackSources(env, { clock, zone: 'Asia/Shanghai', readFile });
    expect(Object.keys(sources).sort()).toEqual(['wechat', 'wechat:本部公众号', 'wechat:校区公众号', 'weibo', 'weibo:团委微博', 'weibo:老干部微博'].sort());
    // Kuaishou with a refresh token only, and Douyin, have no source; aliases are not keys (publications record the account name).
    const publishers = createPlatformPublishers(env, { fetchMedia: async () => Promise.reject(new Error('none')), clock, readFile });
    // The env accounts serve plain platform targets, whatever the file marks as default.
    expect(publishers.resolve('weibo')?.account).toBeUndefined();
    expect(sources.weibo).not.toBe(sources['weibo:团委微博']);
    expect(sources.weibo).not.toBe(sources['weibo:老干部微博']);
    expect(publishers.resolve('wechat')?.account).toBeUndefined();
    expect([sources['wechat:本部公众号'], sources['wechat:校区公众号']]).not.toContain(sources.wechat);
  });

  it('without an env account, the platform key is the file account the registry publishes plain targets with: the one marked default, else the first', () => {
    const env = { ACCOUNTS_FILE: 'accounts.json' };
    const sources = createFeedbackSources(env, { clock, zone: 'Asia/Shanghai', readFile });
    const publishers = createPlatformPublishers(env, { fetchMedia: async () => Promise.reject(new Error('none')), clock, readFile });
    expect(publishers.resolve('wechat')?.account).toBe('校区公众号');
    expect(sources.wechat).toBe(sources['wechat:校区公众号']);
    expect(publishers.resolve('weibo')?.account).toBe('团委微博');
    expect(sources.weibo).toBe(sources['weibo:团委微博']);
    expect(sources.kuaishou).toBeUndefined();
    expect(sources.douyin).toBeUndefined();
  });
});

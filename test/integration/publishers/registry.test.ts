import { isAppError } from '../../../src/domain/errors';
import { parseAccountsFile } from '../../../src/publishers/accounts';
import { createPlatformPublishers } from '../../../src/publishers/registry';
import { FakeDouyin } from '../../fakes/douyin';
import { FakeKuaishou } from '../../fakes/kuaishou';
import { FakeWechatMp } from '../../fakes/wechat-mp';
import { FakeWeibo } from '../../fakes/weibo';
import { FakeClock, StepStore, fakeFetchMedia, fakeSleep, runLikeCore } from './support';

const fetchMedia = fakeFetchMedia();

describe('createPlatformPublishers', () => {
  it('builds a publisher per platform with credentials and lists the others for the manual path', () => {
    const reg = createPlatformPublishers(
      { WECHAT_MP_APP_ID: 'wx1', WECHAT_MP_APP_SECRET: 's', WEIBO_ACCESS_TOKEN: 't', DOUYIN_ACCESS_TOKEN: 'only-token-no-open-id' },
      { fetchMedia },
    );
    expect([...reg.publishers.keys()].sort()).toEqual(['wechat', 'weibo']);
    expect(reg.withoutCredentials).toEqual(['douyin', 'kuaishou']);
    expect(reg.resolve('公众号')?.publisher?.name).toBe('wechat');
    expect(reg.resolve('抖音')).toEqual({ platform: 'douyin', account: undefined, publisher: undefined });
    expect(reg.resolve('小红书')).toBeUndefined();
  });

  it('accepts a refresh token instead of an access token for Douyin and Kuaishou', () => {
    const reg = createPlatformPublishers(
      {
        DOUYIN_OPEN_ID: 'o',
        DOUYIN_CLIENT_KEY: 'ck',
        DOUYIN_REFRESH_TOKEN: 'rt',
        DOUYIN_REFRESH_TOKEN_EXPIRES_AT: '2026-12-01T00:00:00Z',
        KUAISHOU_APP_ID: 'ks',
        KUAISHOU_REFRESH_TOKEN: 'rt', // no KUAISHOU_APP_SECRET: cannot refresh, so no credentials
      },
      { fetchMedia },
    );
    expect([...reg.publishers.keys()]).toEqual(['douyin']);
    expect(reg.withoutCredentials).toEqual(['wechat', 'weibo', 'kuaishou']);
    expect(reg.credentialWarnings(new Date('2026-11-29T00:00:00Z'))).toEqual([expect.objectContaining({ platform: 'douyin', reason: '抖音授权将在 2 天后过期，请账号管理员及时重新授权' })]);
  });

  it('reads the accounts file: several accounts per platform, named by account or alias', () => {
    const yaml = `
accounts:
  - name: 本部公众号
    platform: 公众号
    appId: wxA
    appSecretEnv: SECRET_A
  - name: 团委公众号
    platform: wechat
    aliases: [青年公众号]
    appId: wxB
    appSecretEnv: SECRET_B
    default: true
  - name: 团委微博
    platform: weibo
    accessTokenEnv: WEIBO_B
    tokenExpiresAt: 2026-12-02T00:00:00+08:00
`;
    const reg = createPlatformPublishers(
      { ACCOUNTS_FILE: '/etc/copydesk/accounts.yaml', SECRET_A: 'a', SECRET_B: 'b', WEIBO_B: 'w' },
      { fetchMedia, readFile: (p) => (p === '/etc/copydesk/accounts.yaml' ? yaml : '') },
    );
    expect([...reg.publishers.keys()].sort()).toEqual(['wechat', 'wechat:团委公众号', 'wechat:本部公众号', 'weibo', 'weibo:团委微博']);
    expect(reg.publishers.get('wechat')!.account).toBe('团委公众号');
    expect(reg.resolve('青年公众号')).toMatchObject({ platform: 'wechat', account: '团委公众号' });
    expect(reg.resolve('本部公众号')?.publisher).toBe(reg.publishers.get('wechat:本部公众号'));
    expect(reg.withoutCredentials).toEqual(['douyin', 'kuaishou']);
    expect(Object.keys(reg.byName).sort()).toEqual(['wechat', 'weibo', '团委公众号', '团委微博', '本部公众号', '青年公众号'].sort());
    expect(reg.accountPlatforms).toEqual({ 本部公众号: 'wechat', 团委公众号: 'wechat', 青年公众号: 'wechat', 团委微博: 'weibo' });

    const now = new Date('2026-11-29T02:00:00Z');
    expect(reg.credentialWarnings(now)).toEqual([
      { platform: 'weibo', account: '团委微博', reason: '微博「团委微博」授权将在 3 天后过期，请账号管理员及时重新授权', expiresAt: new Date('2026-12-01T16:00:00Z'), platformCode: 'token_expiring' },
    ]);
    expect(reg.credentialWarnings(now, 2)).toEqual([]);
    expect(reg.credentialWarnings(new Date('2026-12-03T00:00:00Z'))[0]!.reason).toBe('微博「团委微博」授权已过期，需要账号管理员重新授权');
  });

  it('rejects an accounts file with every problem listed', () => {
    const json = JSON.stringify([
      { name: 'A', platform: 'wechat', appId: 'x', appSecretEnv: 'MISSING' },
      { name: 'A', platform: 'douyin', accessToken: 't' },
      { name: 'C', platform: '小红书' },
    ]);
    let caught: unknown;
    try {
      parseAccountsFile(json, 'accounts.json', {});
    } catch (e) {
      caught = e;
    }
    expect(isAppError(caught)).toBe(true);
    expect((caught as Error).message).toContain('未知平台「小红书」');
    const fixed = JSON.stringify([
      { name: 'A', platform: 'wechat', appId: 'x', appSecretEnv: 'MISSING' },
      { name: 'A', platform: 'douyin', accessToken: 't' },
    ]);
    expect(() => parseAccountsFile(fixed, 'accounts.json', {})).toThrow(
      '账号文件 accounts.json 有误：\n第 1 个账号「A」：环境变量 MISSING（appSecret）未设置\n第 2 个账号「A」：名称「A」重复\n第 2 个账号「A」：缺少 openId',
    );
  });
});

describe('one approved draft to all four platforms', () => {
  const fakes = { wechat: new FakeWechatMp(), weibo: new FakeWeibo(), douyin: new FakeDouyin(), kuaishou: new FakeKuaishou() };
  beforeAll(async () => {
    await Promise.all(Object.values(fakes).map((f) => f.start()));
  });
  afterAll(async () => {
    await Promise.all(Object.values(fakes).map((f) => f.stop()));
  });

  it('publishes once on each, through the registry, despite a fault on every platform', async () => {
    const clock = new FakeClock();
    const reg = createPlatformPublishers(
      {
        WECHAT_MP_APP_ID: fakes.wechat.appId,
        WECHAT_MP_APP_SECRET: fakes.wechat.appSecret,
        WECHAT_MP_BASE_URL: fakes.wechat.baseUrl,
        WEIBO_ACCESS_TOKEN: fakes.weibo.accessToken,
        WEIBO_BASE_URL: fakes.weibo.baseUrl,
        WEIBO_LINK_URL: 'https://www.example.gov.cn/n/1',
        DOUYIN_ACCESS_TOKEN: fakes.douyin.accessToken,
        DOUYIN_OPEN_ID: fakes.douyin.openId,
        DOUYIN_BASE_URL: fakes.douyin.baseUrl,
        KUAISHOU_APP_ID: fakes.kuaishou.appId,
        KUAISHOU_ACCESS_TOKEN: fakes.kuaishou.accessToken,
        KUAISHOU_BASE_URL: fakes.kuaishou.baseUrl,
      },
      { fetchMedia, clock, sleep: fakeSleep(clock), timeoutMs: 5000 },
    );
    expect(reg.withoutCredentials).toEqual([]);
    fakes.wechat.nextPublishStatuses = [1, 0];
    fakes.wechat.inject('/cgi-bin/freepublish/submit', { kind: 'dropAfterCommit' });
    fakes.weibo.inject('/2/statuses/share.json', { kind: 'http', status: 503 });
    fakes.douyin.inject('/api/douyin/v1/video/create_video/', { kind: 'dropAfterCommit' });
    fakes.kuaishou.inject('/openapi/photo/publish', { kind: 'rateLimit' });

    const draft = {
      title: '我单位开展安全生产月活动',
      body: '本月，我单位开展安全生产月活动。\n\n活动包括培训和演练。',
      media: [{ kind: 'video' as const, key: 'clip.mp4' }, { kind: 'image' as const, key: 'cover.png' }],
    };
    for (const platform of ['wechat', 'weibo', 'douyin', 'kuaishou'] as const) {
      const store = new StepStore();
      const publisher = reg.resolve(platform)!.publisher!;
      // WeChat's unconfirmed submit answers `pending` while it waits for the platform; let it finish in between.
      const { result } = await runLikeCore(publisher, store, { ...draft, platform }, 8, {
        whilePending: () => {
          fakes.wechat.settlePending(0);
          clock.advance(60_000);
        },
      });
      expect(result.status).toBe('published');
    }
    expect(fakes.wechat.postCount).toBe(1);
    expect(fakes.weibo.postCount).toBe(1);
    expect(fakes.douyin.postCount).toBe(1);
    expect(fakes.kuaishou.postCount).toBe(1);
  });
});

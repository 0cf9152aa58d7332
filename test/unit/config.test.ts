import { ConfigError, readConfig } from '../../src/config';
import { parseRoster, RosterError } from '../../src/org/roster-file';

describe('readConfig', () => {
  it('has working defaults for the embedded sandbox', () => {
    const c = readConfig({});
    expect(c).toMatchObject({ port: 3000, databaseUrl: 'sqlite:data/copydesk.db', timezone: 'Asia/Shanghai', approvalChain: ['editor', 'leader'], feishu: undefined });
  });

  it('names every invalid or missing variable', () => {
    try {
      readConfig({ PORT: 'abc', TIMEZONE: 'Mars/Base', APPROVAL_CHAIN: 'editor,boss' });
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const msg = (e as Error).message;
      expect(msg).toMatch(/PORT/);
      expect(msg).toMatch(/TIMEZONE/);
    }
    expect(() => readConfig({ APPROVAL_CHAIN: 'editor,boss' })).toThrow(/APPROVAL_CHAIN.*boss/);
    // A type error and a missing companion variable are named together.
    expect(() => readConfig({ PORT: 'abc', FEISHU_APP_ID: 'cli_x' })).toThrow(/PORT[\s\S]*FEISHU_APP_SECRET/);
    expect(() => readConfig({ FEISHU_APP_ID: 'cli_x' })).toThrow(/FEISHU_APP_SECRET/);
    expect(() => readConfig({ FEISHU_APP_ID: 'cli_x', FEISHU_APP_SECRET: 's' })).toThrow(/FEISHU_ENCRYPT_KEY or FEISHU_VERIFICATION_TOKEN/);
    expect(() => readConfig({ PUBLISH_WEBHOOK_URL: 'https://x.test/hook' })).toThrow(/PUBLISH_WEBHOOK_SECRET/);
    expect(() => readConfig({ FEISHU_BASE_URL: 'ftp://x' })).toThrow(/FEISHU_BASE_URL/);
  });
});

describe('parseRoster', () => {
  it('accepts the documented JSON shape', () => {
    const r = parseRoster(JSON.stringify({ timezone: 'Asia/Shanghai', workingGroupChat: 'oc_1', departments: [{ name: '宣传部' }], members: [{ openId: 'ou_1', name: '张三', department: '宣传部', roles: ['liaison'] }] }));
    expect(r.members).toEqual([{ id: 'ou_1', name: '张三', department: '宣传部', roles: ['liaison'] }]);
    expect(r.workingGroupChat).toBe('oc_1');
  });

  it('refuses an unknown time zone in the roster', () => {
    expect(() => parseRoster(JSON.stringify({ timezone: 'Asia/Beijing', members: [{ openId: 'ou_1', name: '张三', roles: ['leader'] }] }))).toThrow(/timezone: not an IANA time zone/);
  });

  it('reports invalid entries by field', () => {
    const yaml = 'departments:\n  - name: 宣传部\nmembers:\n  - openId: ou_1\n    name: 张三\n    department: 财务部\n    roles: [liaison]\n  - openId: ou_2\n    roles: [king]\n';
    try {
      parseRoster(yaml, 'org.yaml');
      throw new Error('expected a RosterError');
    } catch (e) {
      expect(e).toBeInstanceOf(RosterError);
      expect((e as Error).message).toMatch(/members\.1\.name/);
      expect((e as Error).message).toMatch(/members\.1\.roles\.0/);
    }
    expect(() => parseRoster(yaml.replace(/ {2}- openId: ou_2\n {4}roles: \[king\]\n/, ''))).toThrow(/members\.0\.department: "财务部"/);
  });
});

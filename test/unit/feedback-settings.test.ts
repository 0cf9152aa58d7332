import { ConfigError } from '../../src/config';
import { readFeedbackSettings } from '../../src/feedback-module';

describe('feedback settings', () => {
  it('has the documented defaults', () => {
    expect(readFeedbackSettings({})).toMatchObject({ cron: '0 * * * *', windowMs: 72 * 3_600_000, summaryAfterMs: 24 * 3_600_000, failureAlertAfter: 3, webhookSecret: undefined });
  });

  it('reads the variables', () => {
    const s = readFeedbackSettings({ FEEDBACK_CRON: '*/30 * * * *', FEEDBACK_WINDOW_HOURS: '48', SUMMARY_AFTER_HOURS: '12', FEEDBACK_FAILURE_ALERT_AFTER: '5', FEEDBACK_WEBHOOK_SECRET: 'x'.repeat(32) });
    expect(s).toMatchObject({ cron: '*/30 * * * *', windowMs: 48 * 3_600_000, summaryAfterMs: 12 * 3_600_000, failureAlertAfter: 5, webhookSecret: 'x'.repeat(32) });
  });

  it('names every invalid variable at once', () => {
    let err: unknown;
    try {
      readFeedbackSettings({ FEEDBACK_CRON: 'hourly', FEEDBACK_WINDOW_HOURS: '-1', SUMMARY_AFTER_HOURS: 'abc', FEEDBACK_FAILURE_ALERT_AFTER: '2.5', FEEDBACK_WEBHOOK_SECRET: 'short' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.map((p) => p.split(':')[0]).sort();
    expect(problems).toEqual(['FEEDBACK_CRON', 'FEEDBACK_FAILURE_ALERT_AFTER', 'FEEDBACK_WEBHOOK_SECRET', 'FEEDBACK_WINDOW_HOURS', 'SUMMARY_AFTER_HOURS']);
  });
});

import { DRAFT_STATES, canTransition, transition, type DraftAction, type DraftState } from '../../../src/domain/draft';
import { AppError } from '../../../src/domain/errors';

describe('draft state machine', () => {
  it('walks the happy path from submission to publication', () => {
    let s: DraftState | null = null;
    for (const a of ['submit', 'approve_step', 'approve_final', 'schedule', 'start_publishing', 'publish_succeeded'] as DraftAction[]) s = transition(s, a);
    expect(s).toBe('published');
  });

  it('sends back, revises and reviews again', () => {
    expect(transition('in_review', 'request_changes')).toBe('changes_requested');
    expect(transition('changes_requested', 'revise')).toBe('in_review');
  });

  it('retries a failed publication and cancels and re-schedules', () => {
    expect(transition('publishing', 'publish_failed')).toBe('publish_failed');
    expect(transition('publish_failed', 'retry')).toBe('scheduled');
    expect(transition('scheduled', 'cancel')).toBe('cancelled');
    expect(transition('cancelled', 'schedule')).toBe('scheduled');
  });

  it.each<[DraftState, DraftAction]>([
    ['published', 'withdraw'],
    ['rejected', 'approve_final'],
    ['withdrawn', 'revise'],
    ['changes_requested', 'approve_step'],
    ['in_review', 'start_publishing'],
    ['scheduled', 'publish_succeeded'],
    ['published', 'schedule'],
  ])('refuses %s --%s--> with an AppError', (from, action) => {
    expect(() => transition(from, action)).toThrow(AppError);
    try {
      transition(from, action);
    } catch (e) {
      expect((e as AppError).code).toBe('illegal_transition');
    }
  });

  it('final states accept nothing but what the table allows', () => {
    const actions: DraftAction[] = ['submit', 'approve_step', 'approve_final', 'request_changes', 'reject', 'revise', 'withdraw', 'schedule', 'cancel', 'start_publishing', 'publish_succeeded', 'publish_failed', 'retry'];
    for (const s of ['rejected', 'withdrawn', 'published'] as DraftState[]) {
      expect(actions.filter((a) => canTransition(s, a))).toEqual([]);
    }
    expect(DRAFT_STATES).toHaveLength(10);
  });

  it('only a new draft can be submitted', () => {
    expect(transition(null, 'submit')).toBe('in_review');
    expect(() => transition('in_review', 'submit')).toThrow(AppError);
  });
});

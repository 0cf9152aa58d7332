import { AppError } from './errors';

/**
 * The life of a draft (policy 第七条/第八条): submitted drafts wait for the approval chain,
 * approved ones are scheduled, then published. Illegal transitions throw `AppError('illegal_transition')`.
 */
export const DRAFT_STATES = [
  'in_review',
  'changes_requested',
  'rejected',
  'withdrawn',
  'approved',
  'scheduled',
  'cancelled',
  'publishing',
  'published',
  'publish_failed',
] as const;
export type DraftState = (typeof DRAFT_STATES)[number];

export type DraftAction =
  | 'submit'
  | 'approve_step'
  | 'approve_final'
  | 'request_changes'
  | 'reject'
  | 'revise'
  | 'withdraw'
  | 'schedule'
  | 'cancel'
  | 'start_publishing'
  | 'publish_succeeded'
  | 'publish_failed'
  | 'retry';

const TRANSITIONS: Record<DraftAction, { from: readonly (DraftState | null)[]; to: DraftState }> = {
  submit: { from: [null], to: 'in_review' },
  approve_step: { from: ['in_review'], to: 'in_review' },
  approve_final: { from: ['in_review'], to: 'approved' },
  request_changes: { from: ['in_review'], to: 'changes_requested' },
  reject: { from: ['in_review'], to: 'rejected' },
  revise: { from: ['in_review', 'changes_requested'], to: 'in_review' },
  withdraw: { from: ['in_review', 'changes_requested', 'approved', 'scheduled', 'cancelled'], to: 'withdrawn' },
  schedule: { from: ['approved', 'scheduled', 'cancelled'], to: 'scheduled' },
  cancel: { from: ['scheduled'], to: 'cancelled' },
  start_publishing: { from: ['scheduled', 'publishing'], to: 'publishing' },
  publish_succeeded: { from: ['publishing'], to: 'published' },
  publish_failed: { from: ['publishing'], to: 'publish_failed' },
  retry: { from: ['publish_failed'], to: 'scheduled' },
};

export const STATE_LABELS: Record<DraftState, string> = {
  in_review: '审核中',
  changes_requested: '退回修改',
  rejected: '不予发布',
  withdrawn: '已撤回',
  approved: '已通过',
  scheduled: '待发布',
  cancelled: '已取消排期',
  publishing: '发布中',
  published: '已发布',
  publish_failed: '发布失败',
};

const ACTION_LABELS: Record<DraftAction, string> = {
  submit: '提交',
  approve_step: '通过',
  approve_final: '终审通过',
  request_changes: '退回修改',
  reject: '不予发布',
  revise: '修改',
  withdraw: '撤回',
  schedule: '排期',
  cancel: '取消排期',
  start_publishing: '开始发布',
  publish_succeeded: '发布',
  publish_failed: '发布失败',
  retry: '重试发布',
};

/** Returns the state after `action`, or throws when the action is not allowed from `from`. */
export function transition(from: DraftState | null, action: DraftAction): DraftState {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(from)) {
    const where = from ? STATE_LABELS[from] : '新建';
    throw new AppError('illegal_transition', `稿件当前为「${where}」，不能${ACTION_LABELS[action]}。`);
  }
  return rule.to;
}

export const canTransition = (from: DraftState | null, action: DraftAction): boolean => TRANSITIONS[action].from.includes(from);

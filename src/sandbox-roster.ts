import type { Member } from './domain/roster';

/** The demo roster of the sandbox: one person per role, so a visitor can play each part. */
export const SANDBOX_ROSTER: Member[] = [
  { id: 'ou_sandbox_liaison', name: '张信息员', department: '人力资源部', roles: ['liaison'] },
  { id: 'ou_sandbox_editor', name: '李编辑', department: '宣传部', roles: ['editor'] },
  { id: 'ou_sandbox_deputy', name: '赵副组长', department: '党政办公室', roles: ['deputy'] },
  { id: 'ou_sandbox_leader', name: '王组长', department: '党政办公室', roles: ['leader'] },
];

export const SANDBOX_GROUP_CHAT = 'oc_sandbox_group';

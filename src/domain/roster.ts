import type { Role } from './model';

/** A person known to the bot, identified by the chat platform's user id (Feishu `open_id`). */
export interface Member {
  id: string;
  name: string;
  department: string;
  roles: Role[];
}

export const hasRole = (m: Member | undefined | null, role: Role): boolean => !!m && m.roles.includes(role);

/** Editors, deputies and leaders run the schedule (`/schedule`, `/cancel`, retries, manual publishing). */
export const canManagePublishing = (m: Member | undefined | null): boolean =>
  !!m && m.roles.some((r) => r === 'editor' || r === 'deputy' || r === 'leader');

/** Only leaders bind the working-group chat, change roles, take posts down, or override a block finding. */
export const isLeader = (m: Member | undefined | null): boolean => hasRole(m, 'leader');

/** Anyone on the roster may submit; liaisons are the usual authors. */
export const canSubmit = (m: Member | undefined | null): boolean => !!m;

/** Reads `APPROVAL_CHAIN` (`editor,leader`) into steps; each step is decided by any one member of that role. */
export function parseApprovalChain(value: string, validRoles: readonly Role[]): Role[] {
  const steps = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (steps.length === 0) throw new Error('APPROVAL_CHAIN is empty');
  for (const s of steps) if (!validRoles.includes(s as Role)) throw new Error(`APPROVAL_CHAIN: unknown role "${s}"`);
  return steps as Role[];
}

import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { z } from 'zod';
import { ROLES } from '../domain/model';
import type { Member } from '../domain/roster';

const rosterSchema = z.object({
  timezone: z
    .string()
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'not an IANA time zone (e.g. Asia/Shanghai)')
    .optional(),
  workingGroupChat: z.string().min(1).optional(),
  departments: z.array(z.object({ name: z.string().min(1) })).default([]),
  members: z
    .array(
      z.object({
        openId: z.string().min(1),
        name: z.string().min(1),
        department: z.string().default(''),
        roles: z.array(z.enum(ROLES)).min(1),
      }),
    )
    .min(1),
});

export interface Roster {
  timezone?: string;
  workingGroupChat?: string;
  departments: string[];
  members: Member[];
}

export class RosterError extends Error {
  constructor(file: string, readonly problems: string[]) {
    super(`Invalid roster ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'RosterError';
  }
}

/** Parses a roster (YAML or JSON); every invalid entry is reported by its field path. */
export function parseRoster(text: string, file = 'ORG_FILE'): Roster {
  let raw: unknown;
  try {
    raw = YAML.parse(text);
  } catch (e) {
    throw new RosterError(file, [`not valid YAML/JSON: ${(e as Error).message}`]);
  }
  const parsed = rosterSchema.safeParse(raw);
  if (!parsed.success) throw new RosterError(file, parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  const r = parsed.data;
  const problems: string[] = [];
  const departments = r.departments.map((d) => d.name);
  const seen = new Set<string>();
  r.members.forEach((m, i) => {
    if (seen.has(m.openId)) problems.push(`members.${i}.openId: duplicate ${m.openId}`);
    seen.add(m.openId);
    if (m.department && departments.length && !departments.includes(m.department)) problems.push(`members.${i}.department: "${m.department}" is not listed in departments`);
  });
  if (problems.length) throw new RosterError(file, problems);
  return {
    timezone: r.timezone,
    workingGroupChat: r.workingGroupChat,
    departments,
    members: r.members.map((m) => ({ id: m.openId, name: m.name, department: m.department, roles: [...new Set(m.roles)] })),
  };
}

export const loadRoster = (file: string): Roster => parseRoster(readFileSync(file, 'utf8'), file);

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A tiny template language for the JSON card files in `cards/<channel>/`:
 * - `"{{a.b}}"` inside a string interpolates a value; a string that is exactly one placeholder
 *   takes the raw value (object, array, number, boolean);
 * - an object with `"$if": "path"` (or `"$unless"`) is kept only when the value is truthy (falsy);
 * - an array item `{"$each": "path", "$as": "name", "$do": {...}}` expands once per element.
 */
export type Scope = Record<string, unknown>;

const PLACEHOLDER = /\{\{\s*([\w.$]+)\s*\}\}/g;
const WHOLE = /^\{\{\s*([\w.$]+)\s*\}\}$/;

export function lookup(scope: Scope, path: string): unknown {
  let value: unknown = scope;
  for (const part of path.split('.')) {
    if (value === null || value === undefined || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

const truthy = (v: unknown): boolean => (Array.isArray(v) ? v.length > 0 : Boolean(v));

const DROP = Symbol('drop');

function expand(node: unknown, scope: Scope): unknown {
  if (typeof node === 'string') {
    const whole = WHOLE.exec(node);
    if (whole) {
      const v = lookup(scope, whole[1]);
      return v === undefined || v === null ? '' : v;
    }
    return node.replace(PLACEHOLDER, (_m, path: string) => {
      const v = lookup(scope, path);
      return v === undefined || v === null ? '' : String(v);
    });
  }
  if (Array.isArray(node)) {
    const out: unknown[] = [];
    for (const item of node) {
      if (item && typeof item === 'object' && !Array.isArray(item) && '$each' in item) {
        const spec = item as { $each: string; $as?: string; $do: unknown };
        const list = lookup(scope, spec.$each);
        if (!Array.isArray(list)) continue;
        list.forEach((element, index) => {
          const v = expand(spec.$do, { ...scope, [spec.$as ?? 'item']: element, $index: index });
          if (v !== DROP) out.push(v);
        });
        continue;
      }
      const v = expand(item, scope);
      if (v !== DROP) out.push(v);
    }
    return out;
  }
  if (node && typeof node === 'object') {
    const obj = node as Record<string, unknown>;
    if (typeof obj.$if === 'string' && !truthy(lookup(scope, obj.$if))) return DROP;
    if (typeof obj.$unless === 'string' && truthy(lookup(scope, obj.$unless))) return DROP;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(obj)) {
      if (key === '$if' || key === '$unless') continue;
      const v = expand(value, scope);
      if (v !== DROP) out[key] = v;
    }
    return out;
  }
  return node;
}

/** Fills a parsed template with data. */
export function fillTemplate(template: unknown, data: Scope): unknown {
  const v = expand(template, data);
  return v === DROP ? null : v;
}

/** Loads `cards/<channel>/<name>.json` once and renders it with data. */
export function createTemplateRenderer(channelDir: string) {
  const cache = new Map<string, unknown>();
  return (name: string, data: Scope): unknown => {
    if (!/^[\w-]+$/.test(name)) throw new Error(`bad card template name: ${name}`);
    let template = cache.get(name);
    if (template === undefined) {
      template = JSON.parse(readFileSync(join(channelDir, `${name}.json`), 'utf8'));
      cache.set(name, template);
    }
    return fillTemplate(template, data);
  };
}

/** Directory of the card templates shipped with the repository. */
export const CARDS_DIR = join(__dirname, '..', '..', 'cards');

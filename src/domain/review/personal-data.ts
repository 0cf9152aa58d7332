/**
 * Personal and secret data, validated rather than pattern-only. Runs on a light fold of the
 * text (normaliseForData) so full-width, circled and zero-width-split numbers are seen too;
 * every finding carries a masked `replacement` for one-tap 一键脱敏.
 */
import validator from 'validator';
import type { Severity } from '../model';
import { isValidCreditCode, isValidResidentId, luhnValid } from './checksums';
import { normaliseForData, type Normalised } from './fold';
import { maskBankCard, maskCreditCode, maskEmail, maskIp, maskMiddle, maskMobile, maskPassport, maskPlate, maskResidentId } from './masking';

export interface DataHit {
  rule: string;
  severity: Severity;
  start: number;
  end: number;
  text: string;
  replacement: string;
  suggestion: string;
}

interface Detector {
  rule: string;
  severity: Severity;
  label: string;
  /** Added to the suggestion, e.g. when the data is often published on purpose. */
  hint?: string;
  pattern: RegExp;
  /** Returns the masked replacement, or null when the candidate is not valid. */
  accept(match: RegExpExecArray, view: string): string | null;
}

const NB = '(?<![0-9A-Za-z])';
const NA = '(?![0-9A-Za-z])';
const digitsOf = (s: string) => s.replace(/[^0-9Xx]/g, '');
/** 18 characters shaped like a resident ID (region, birth date, sequence): never a card or a credit code. */
const ID_SHAPED = /^[1-8]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]$/;

const DETECTORS: Detector[] = [
  {
    rule: 'pii.resident-id',
    severity: 'block',
    label: '居民身份证号',
    pattern: new RegExp(`${NB}[1-9]\\d{5}[-\\s]?(?:18|19|20)\\d{2}[-\\s]?\\d{4}[-\\s]?\\d{3}[0-9Xx]${NA}`, 'g'),
    accept: (m) => (isValidResidentId(digitsOf(m[0])) ? maskResidentId(m[0]) : null),
  },
  {
    rule: 'pii.credit-code',
    severity: 'warn',
    hint: '企业信息公示中的信用代码可忽略',
    label: '统一社会信用代码',
    pattern: new RegExp(`${NB}[0-9A-HJ-NPQRTUWXY]{2}\\d{6}[0-9A-HJ-NPQRTUWXY]{10}${NA}`, 'g'),
    accept: (m) => (isValidCreditCode(m[0]) && !ID_SHAPED.test(m[0]) ? maskCreditCode(m[0]) : null),
  },
  {
    rule: 'pii.bank-card',
    severity: 'block',
    label: '银行卡号',
    pattern: new RegExp(`${NB}[3-6]\\d{3}(?:[-\\s]?\\d){12,15}${NA}`, 'g'),
    accept: (m) => {
      const d = digitsOf(m[0]);
      return d.length >= 16 && d.length <= 19 && luhnValid(d) && !ID_SHAPED.test(d) ? maskBankCard(m[0]) : null;
    },
  },
  {
    rule: 'pii.mobile',
    severity: 'warn',
    label: '手机号码',
    pattern: new RegExp(`${NB}(?:(?:\\+|00)?86[-\\s]?)?1[3-9]\\d[-\\s]?\\d{4}[-\\s]?\\d{4}${NA}`, 'g'),
    accept: (m) => {
      const d = m[0].replace(/[^0-9+]/g, '');
      if (!validator.isMobilePhone(d, 'zh-CN')) return null;
      const local = /1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}$/.exec(m[0])!;
      return m[0].slice(0, local.index) + maskMobile(local[0]);
    },
  },
  {
    rule: 'pii.landline',
    severity: 'warn',
    hint: '若为单位对外公开的咨询电话可忽略',
    label: '固定电话',
    pattern: new RegExp(`${NB}(?:\\(0\\d{2,3}\\)|0\\d{2,3})[-\\s]?[2-9]\\d{6,7}(?:-\\d{1,5})?${NA}`, 'g'),
    accept: (m) => {
      const a = /^\(?(0\d{2,3})\)?/.exec(m[0])!;
      const area = a[1];
      if (!(area === '010' || /^02\d$/.test(area) || /^0[3-9]\d{2}$/.test(area))) return null;
      return a[0] + maskMiddle(m[0].slice(a[0].length), 0, 2);
    },
  },
  {
    rule: 'pii.passport',
    severity: 'block',
    label: '护照号码',
    pattern: new RegExp(`${NB}(?:G\\d{8}|E[A-HJ-NP-Z0-9]\\d{7})${NA}`, 'g'),
    accept: (m) => (validator.isPassportNumber(m[0], 'CN') ? maskPassport(m[0]) : null),
  },
  {
    rule: 'pii.email',
    severity: 'warn',
    hint: '若为单位对外公开的投稿或联系邮箱可忽略',
    label: '电子邮箱',
    pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g,
    accept: (m) => (validator.isEmail(m[0]) ? maskEmail(m[0]) : null),
  },
  {
    rule: 'pii.ip',
    severity: 'warn',
    label: 'IP 地址',
    pattern: /(?<![0-9A-Za-z.])(?:\d{1,3}\.){3}\d{1,3}(?![0-9A-Za-z]|\.\d)/g,
    accept: (m, view) => {
      const before = view.slice(Math.max(0, m.index - 3), m.index);
      if (/[vV]\s*$|版本\s*$/.test(before)) return null;
      return validator.isIP(m[0], 4) ? maskIp(m[0]) : null;
    },
  },
  {
    rule: 'pii.plate',
    severity: 'warn',
    label: '机动车号牌',
    pattern: new RegExp(`[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][·•・.\\s-]?[A-HJ-NP-Z0-9]{5,6}${NA}`, 'g'),
    accept: (m) => {
      const tail = m[0].slice(2).replace(/^[·•・.\s-]/, '');
      return /\d/.test(tail) && (tail.length === 5 || /^[DF]|[DF]$/.test(tail)) ? maskPlate(m[0]) : null;
    },
  },
];

/** Finds validated personal data in `text`; spans index the original text. */
export function findPersonalData(text: string, view: Normalised = normaliseForData(text)): DataHit[] {
  const v = view.text;
  const taken: Array<[number, number]> = [];
  const out: DataHit[] = [];
  for (const d of DETECTORS) {
    d.pattern.lastIndex = 0;
    for (let m = d.pattern.exec(v); m; m = d.pattern.exec(v)) {
      let a = m.index;
      let b = a + m[0].length;
      // trim separators the pattern may have taken at the edges
      while (a < b && /\s/.test(v[a])) a++;
      while (b > a && /\s/.test(v[b - 1])) b--;
      if (taken.some(([x, y]) => a < y && x < b)) continue;
      const replacement = d.accept(m, v);
      if (replacement === null) continue;
      taken.push([a, b]);
      const start = view.starts[a];
      const end = view.ends[b - 1];
      out.push({
        rule: d.rule,
        severity: d.severity,
        start,
        end,
        text: text.slice(start, end),
        replacement,
        suggestion: `疑似${d.label}，发布前请删除或脱敏（可一键脱敏为 ${replacement}）${d.hint ? `；${d.hint}` : ''}`,
      });
    }
  }
  return out.sort((x, y) => x.start - y.start);
}

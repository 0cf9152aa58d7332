import fc from 'fast-check';
import { applyReplacements, findPersonalData, maskMiddle } from '../../../src/domain/review';
import { badCard, badId, validCard, validId, validUscc } from './helpers';

const rules = (t: string) => findPersonalData(t).map((h) => h.rule);

describe('personal data', () => {
  const id = validId('32010219900307451');
  it('finds a valid resident ID with its exact span and masks it', () => {
    const text = `申请人身份证号${id}，请核对。`;
    const [h] = findPersonalData(text);
    expect(h.rule).toBe('pii.resident-id');
    expect(text.slice(h.start, h.end)).toBe(id);
    expect(h.replacement).toBe(`320***********${id.slice(14)}`);
    expect(h.severity).toBe('block');
  });
  it('ignores an ID with a wrong check digit or a bad date', () => {
    expect(rules(`号码${badId('32010219900307451')}。`)).not.toContain('pii.resident-id');
    expect(rules(`号码${validId('32010219900230451')}。`)).not.toContain('pii.resident-id');
  });
  it('sees through full-width digits, spaces and zero-width characters', () => {
    const wide = id.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
    expect(rules(`身份证：${wide}`)).toEqual(['pii.resident-id']);
    expect(rules(`身份证：${id.slice(0, 6)} ${id.slice(6, 14)} ${id.slice(14)}`)).toEqual(['pii.resident-id']);
    const h = findPersonalData(`电话1\u200b38１２３４5678`)[0];
    expect(h.rule).toBe('pii.mobile');
    expect(h.replacement).toBe('138****5678');
  });
  it('finds mobile numbers, with country code and separators, and not invalid prefixes', () => {
    expect(rules('联系13812345678')).toEqual(['pii.mobile']);
    expect(rules('联系+86 138-1234-5678')).toEqual(['pii.mobile']);
    expect(findPersonalData('联系138 1234 5678')[0].replacement).toBe('138 **** 5678');
    expect(rules('编号12812345678')).toEqual([]);
    expect(rules('订单号138123456789')).toEqual([]);
  });
  it('finds landlines with a real area code', () => {
    expect(rules('电话：010-62345678')).toEqual(['pii.landline']);
    expect(rules('电话：0571-87654321')).toEqual(['pii.landline']);
    expect(findPersonalData('电话：0571-87654321')[0].replacement).toBe('0571-******21');
    expect(rules('编号：001-23456789')).toEqual([]);
  });
  it('finds bank cards that pass Luhn only', () => {
    const card = validCard('622202000000123456');
    expect(rules(`卡号${card}`)).toEqual(['pii.bank-card']);
    expect(findPersonalData(`卡号${card}`)[0].replacement).toBe(`6222***********${card.slice(15)}`);
    expect(rules(`卡号${badCard('622202000000123456')}`)).toEqual([]);
    expect(rules(`卡号 ${card.slice(0, 4)} ${card.slice(4, 8)} ${card.slice(8, 12)} ${card.slice(12, 16)} ${card.slice(16)}`)).toEqual(['pii.bank-card']);
  });
  it('finds unified social credit codes with a valid check character', () => {
    const code = validUscc('91330100MA2AXYW1K');
    expect(rules(`统一社会信用代码：${code}`)).toEqual(['pii.credit-code']);
    const wrong = code.slice(0, 17) + (code[17] === '0' ? '1' : '0');
    expect(rules(`统一社会信用代码：${wrong}`)).toEqual([]);
  });
  it('finds e-mail, IPv4, passport and licence plates', () => {
    expect(rules('邮箱 li.lei@example.com.cn')).toEqual(['pii.email']);
    expect(findPersonalData('邮箱 li.lei@example.com.cn')[0].replacement).toBe('l***@example.com.cn');
    expect(rules('服务器 10.12.0.254 已停用')).toEqual(['pii.ip']);
    expect(rules('版本 v1.2.3.4 发布')).toEqual([]);
    expect(rules('地址 300.1.1.1')).toEqual([]);
    expect(rules('护照号E12345678')).toEqual(['pii.passport']);
    expect(rules('护照号EI1234567')).toEqual([]);
    expect(rules('车牌京A·12345')).toEqual(['pii.plate']);
    expect(rules('车牌粤BD12345')).toEqual(['pii.plate']);
    expect(rules('粤港澳大湾区')).toEqual([]);
  });
  it('leaves ordinary numbers alone', () => {
    expect(rules('2024年第一季度GDP增长5.3%，投资1234567890元，同比增长12.5%。')).toEqual([]);
    expect(rules('会议于2025年3月15日10:30召开，参会人数2000人。')).toEqual([]);
  });

  it('one-tap masking removes the data and keeps the rest', () => {
    const text = `张三，电话13812345678，身份证${id}。`;
    const out = applyReplacements(text, findPersonalData(text));
    expect(out).toBe(`张三，电话138****5678，身份证320***********${id.slice(14)}。`);
  });

  it('masking never leaves a digit outside the kept prefix and suffix (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ' ', '-'), { minLength: 1, maxLength: 30 }).map((a) => a.join('')),
        fc.nat(6),
        fc.nat(6),
        (value, keepStart, keepEnd) => {
          const masked = maskMiddle(value, keepStart, keepEnd);
          const digits = value.replace(/\D/g, '');
          const shown = masked.replace(/[^0-9]/g, '');
          expect(masked.length).toBe(value.length);
          const n = digits.length;
          const kept = Math.min(n, keepStart + keepEnd);
          expect(shown.length).toBeLessThanOrEqual(kept);
          // every shown digit is in its own place, inside the prefix or the suffix
          let k = 0;
          for (let i = 0; i < value.length; i++) {
            if (!/\d/.test(value[i])) continue;
            if (/\d/.test(masked[i])) {
              expect(masked[i]).toBe(value[i]);
              expect(k < keepStart || k >= n - keepEnd).toBe(true);
            } else expect(masked[i]).toBe('*');
            k++;
          }
        },
      ),
    );
  });

  it('every finding keeps its span on the original text and masks its digits (property)', () => {
    const gen = fc.tuple(fc.constantFrom('手机', '电话', '卡号', ''), fc.constantFrom('13812345678', '１３９０００００００１', '010-62345678', validCard('622202000000123456'), id));
    fc.assert(
      fc.property(fc.array(gen, { minLength: 1, maxLength: 5 }), (parts) => {
        const text = parts.map(([a, b]) => `${a}${b}。`).join('');
        for (const h of findPersonalData(text)) {
          expect(text.slice(h.start, h.end)).toBe(h.text);
          const digits = h.text.replace(/[^0-9０-９]/g, '');
          const visible = h.replacement.replace(/[^0-9]/g, '');
          expect(visible.length).toBeLessThan(digits.length);
        }
      }),
    );
  });
});

describe('applyReplacements', () => {
  it('applies non-overlapping replacements, earliest first, and skips overlaps', () => {
    const text = 'abcdefghij';
    const out = applyReplacements(text, [
      { start: 2, end: 4, replacement: 'XX' },
      { start: 3, end: 6, replacement: 'YYY' },
      { start: 7, end: 8, replacement: '' },
      { start: 0, end: 1 },
    ]);
    expect(out).toBe('abXXefgij');
  });
  it('applies only the findings of the given field', () => {
    const findings = [
      { field: 'title' as const, start: 0, end: 2, replacement: 'T' },
      { field: 'body' as const, start: 0, end: 2, replacement: 'B' },
    ];
    expect(applyReplacements('abcd', findings, 'body')).toBe('Bcd');
    expect(applyReplacements('abcd', findings, 'title')).toBe('Tcd');
  });
  it('is the identity without replacements (property)', () => {
    fc.assert(fc.property(fc.string(), (t) => applyReplacements(t, []) === t));
  });
});

describe('personal data: ID-shaped numbers', () => {
  it('does not report an ID-shaped number with a wrong check digit as a bank card or credit code', () => {
    // passes Luhn / GB 32100 by chance, but is shaped like an ID with a wrong check digit
    expect(findPersonalData('档案编号420102195507117690已归档。')).toEqual([]);
    expect(findPersonalData('编号320102197802308643')).toEqual([]);
  });
});

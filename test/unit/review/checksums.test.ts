import { idCheckChar, isValidCreditCode, isValidResidentId, luhnValid, usccCheckChar } from '../../../src/domain/review';
import { badId, validId, validUscc } from './helpers';

describe('GB 11643 resident ID', () => {
  it('computes the published example check character', () => {
    // GB 11643-1999 appendix example: 11010519491231002X
    expect(idCheckChar('11010519491231002')).toBe('X');
    expect(isValidResidentId('11010519491231002X')).toBe(true);
    expect(isValidResidentId('11010519491231002x')).toBe(true);
  });
  it('rejects a wrong check character', () => {
    expect(isValidResidentId(badId('44030419880815123'))).toBe(false);
    expect(isValidResidentId(validId('44030419880815123'))).toBe(true);
  });
  it('rejects impossible dates and future births', () => {
    expect(isValidResidentId(validId('44030419880230123'))).toBe(false); // 30 February
    expect(isValidResidentId(validId('44030419881315123'))).toBe(false); // month 13
    expect(isValidResidentId(validId('44030421990101123'))).toBe(false); // year 2199
  });
  it('rejects wrong shapes', () => {
    expect(isValidResidentId('1234567890')).toBe(false);
    expect(isValidResidentId('04030419880815123X')).toBe(false);
  });
});

describe('GB 32100 unified social credit code', () => {
  it('accepts real-looking codes with the right check character', () => {
    expect(isValidCreditCode('91350100M000100Y43')).toBe(true);
    expect(isValidCreditCode(validUscc('91110000MA01ABCD1'))).toBe(true);
  });
  it('rejects a wrong check character or a letter outside the code set', () => {
    const good = validUscc('91110000MA01ABCD1');
    const other = '0123456789ABCDEFGHJKLMNPQRTUWXY'.split('').find((c) => c !== good[17])!;
    expect(isValidCreditCode(good.slice(0, 17) + other)).toBe(false);
    expect(usccCheckChar('91110000MA01ABCDI')).toBeNull(); // I is not in the code set
  });
});

describe('Luhn', () => {
  it('accepts valid and rejects invalid numbers', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('62220200000000000x')).toBe(false);
  });
});

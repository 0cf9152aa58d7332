import { idCheckChar, luhnCheckDigit, usccCheckChar } from '../../../src/domain/review';

/** A resident ID with a correct check character. */
export const validId = (first17: string) => first17 + idCheckChar(first17);
/** The same ID with a wrong check character. */
export const badId = (first17: string) => {
  const good = idCheckChar(first17);
  return first17 + (good === '0' ? '1' : '0');
};
export const validCard = (payload: string) => payload + luhnCheckDigit(payload);
export const badCard = (payload: string) => payload + ((Number(luhnCheckDigit(payload)) + 1) % 10);
export const validUscc = (first17: string) => first17 + usccCheckChar(first17);

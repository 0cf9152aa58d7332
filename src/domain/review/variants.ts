/**
 * A small table of the commonest character substitutions used to dodge lexicons: homophones
 * (赌搏 for 赌博, 百佳乐 / 百家了 for 百家乐) and digits for numerals (6合彩, ⑥合彩 and 陆合彩 for
 * 六合彩; ⑥ already folds to 6), 老湖机 for 老虎机, 约泡 for 约炮. Each Chinese term of two or more characters is also compiled
 * with *one* of its characters replaced by a variant, so spans stay exact (the variant is just
 * another pattern in the automaton) and ordinary words are not rewritten.
 *
 * Kept short on purpose: every entry makes more patterns, and a homophone that is itself a common
 * character in a common word (佳 in 最佳) only matters inside a whole lexicon term.
 */
export const CHARACTER_VARIANTS: Readonly<Record<string, readonly string[]>> = {
  博: ['搏'],
  家: ['佳'],
  乐: ['了'],
  六: ['6', '陆'],
  虎: ['湖'],
  炮: ['泡'],
};

/** Spellings of `term` (already folded) with one character replaced by a variant; the term itself is not included. */
export function termVariants(term: string, table: Readonly<Record<string, readonly string[]>> = CHARACTER_VARIANTS): string[] {
  const chars = [...term];
  if (chars.length < 2) return [];
  const out: string[] = [];
  chars.forEach((c, i) => {
    for (const v of table[c] ?? []) out.push([...chars.slice(0, i), v, ...chars.slice(i + 1)].join(''));
  });
  return out;
}

declare module 'fastscan' {
  export default class FastScanner {
    constructor(words: string[]);
    search(content: string, options?: { quick?: boolean; longest?: boolean }): Array<[number, string]>;
  }
}

// The package's `exports` map is not visible to TypeScript's node10 resolution used by this repo.
declare module '@monyone/aho-corasick/fast' {
  export class AhoCorasick {
    constructor(keywords: string[]);
    hasKeywordInText(text: string): boolean;
    matchInText(text: string): { begin: number; end: number; keyword: string }[];
  }
}

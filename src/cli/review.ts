/**
 * `copydesk review [--platform wechat,weibo,douyin,kuaishou] [--json] [FILE | -]`
 *
 * Prints the pre-review findings of a text and exits 1 when any `block` finding remains.
 * A first line `标题：…` (or `# …`) is taken as the title. Options: `--lexicon-dir DIR`
 * (default: LEXICON_DIR), `--no-pinyin`, `--no-segment`.
 */
import { readFileSync } from 'node:fs';
import { PLATFORMS, type Finding, type Platform } from '../domain/model';
import { hasBlocking } from '../domain/review';
import { createReviewEngineFromDisk } from '../review-lexicons';

export interface CliIo {
  readStdin(): string;
  out(s: string): void;
  err(s: string): void;
}

const defaultIo: CliIo = {
  readStdin: () => readFileSync(0, 'utf8'),
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
};

const USAGE = 'usage: copydesk review [--platform wechat,weibo,douyin,kuaishou] [--json] [--lexicon-dir DIR] [--no-pinyin] [--no-segment] [FILE | -]\n';

interface Args {
  platforms: Platform[];
  json: boolean;
  file: string;
  lexiconDir?: string;
  pinyin: boolean;
  segment: boolean;
}

export function parseArgs(argv: readonly string[]): Args | string {
  const a: Args = { platforms: [], json: false, file: '-', pinyin: true, segment: true };
  let fileSet = false;
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    const value = (name: string) => {
      const eq = x.indexOf('=');
      if (eq >= 0) return x.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new Error(`${name} needs a value`);
      return v;
    };
    try {
      if (x === '--json') a.json = true;
      else if (x === '--no-pinyin') a.pinyin = false;
      else if (x === '--no-segment') a.segment = false;
      else if (x === '--platform' || x.startsWith('--platform=') || x === '-p') {
        for (const p of value('--platform').split(',').map((s) => s.trim()).filter(Boolean)) {
          if (!(PLATFORMS as readonly string[]).includes(p)) return `unknown platform: ${p} (expected ${PLATFORMS.join(', ')})`;
          a.platforms.push(p as Platform);
        }
      } else if (x === '--lexicon-dir' || x.startsWith('--lexicon-dir=')) a.lexiconDir = value('--lexicon-dir');
      else if (x === '-h' || x === '--help') return '';
      else if (x.startsWith('-') && x !== '-') return `unknown option: ${x}`;
      else if (fileSet) return 'only one FILE may be given';
      else {
        a.file = x;
        fileSet = true;
      }
    } catch (e) {
      return (e as Error).message;
    }
  }
  return a;
}

/** Splits a leading `标题：…` or `# …` line off as the title. */
export function splitTitle(text: string): { title: string | null; body: string; bodyOffset: number } {
  const nl = text.indexOf('\n');
  const first = nl >= 0 ? text.slice(0, nl) : text;
  const m = /^(?:标题[:：]|#\s+)(.*)$/.exec(first.replace(/\r$/, ''));
  if (!m) return { title: null, body: text, bodyOffset: 0 };
  return { title: m[1].trim(), body: nl >= 0 ? text.slice(nl + 1) : '', bodyOffset: nl + 1 };
}

function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `${line}:${offset - before.lastIndexOf('\n')}`;
}

export function formatHuman(findings: readonly Finding[], body: string): string {
  if (findings.length === 0) return '未发现问题。\n';
  const lines = findings.map((f) => {
    const where = f.field === 'title' ? `标题 ${f.start}` : `正文 ${lineCol(body, f.start)}`;
    const plat = f.platform ? ` [${f.platform}]` : '';
    const rep = f.replacement !== undefined ? ` → ${JSON.stringify(f.replacement)}` : '';
    const shown = f.text ? ` 「${f.text.replace(/\n/g, '⏎')}」` : '';
    return `${f.severity.padEnd(5)} ${where.padEnd(10)} ${f.rule}${plat}${shown} ${f.suggestion}${rep}`;
  });
  const n = (s: string) => findings.filter((f) => f.severity === s).length;
  return `${lines.join('\n')}\n共 ${findings.length} 项：block ${n('block')}，warn ${n('warn')}，info ${n('info')}\n`;
}

export async function main(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    io.err(args ? `${args}\n${USAGE}` : USAGE);
    return args ? 2 : 0;
  }
  let text: string;
  try {
    text = args.file === '-' ? io.readStdin() : readFileSync(args.file, 'utf8');
  } catch (e) {
    io.err(`cannot read ${args.file}: ${(e as Error).message}\n`);
    return 2;
  }
  text = text.replace(/^\ufeff/, '');
  const engine = createReviewEngineFromDisk({
    lexiconDir: args.lexiconDir,
    pinyin: args.pinyin,
    ...(args.segment ? {} : { segmenter: undefined }),
  });
  const { title, body } = splitTitle(text);
  let findings: Finding[];
  if (title === null) findings = engine.reviewText(body, { platforms: args.platforms });
  else {
    // The CLI knows nothing of attached media: media rules (and promises of a video or pictures) are left to the bot.
    findings = engine
      .review({ title, body, media: [] }, args.platforms)
      .filter((f) => !/^format\.(media|images|videos|image)/.test(f.rule) && !(f.rule === 'clickbait.promise' && /视频|图/.test(f.text)));
  }
  if (args.json) io.out(`${JSON.stringify({ findings, blocking: hasBlocking(findings) }, null, 2)}\n`);
  else io.out(formatHuman(findings, body));
  return hasBlocking(findings) ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 2;
    },
  );
}

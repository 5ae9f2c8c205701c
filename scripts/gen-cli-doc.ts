/**
 * Generates docs/cli.md: every option of `h2scope`, each with a real command on a real sample and its real
 * output, produced by running the command in-process now (src/cli/run.ts with captured stdout/stderr).
 * test/cli/cli-doc.test.ts fails when the committed file differs from what this produces.
 *
 *   npx tsx scripts/gen-cli-doc.ts          # rewrite docs/cli.md
 *   npx tsx scripts/gen-cli-doc.ts --check  # exit 1 when docs/cli.md is stale
 *
 * Long outputs are cut (and say so); a `| jq` shown after a command is applied here with the same effect
 * (compact JSON of the selected value), so the doc does not depend on jq being installed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { OPTIONS } from '../src/cli/args.js';
import type { CliIo } from '../src/cli/io.js';
import { runCli } from '../src/cli/run.js';
import { FILTER_FIELDS } from '../src/filter/index.js';
import { EXAMPLES, OPTION_DOCS, type Example } from './cli-doc/examples.js';

export const CLI_DOC_PATH = 'docs/cli.md';

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(argv: string[], stdin: Buffer | null): Promise<Ran> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks: [Buffer[], Buffer[]] = [[], []];
  out.on('data', (c: Buffer) => chunks[0].push(c));
  err.on('data', (c: Buffer) => chunks[1].push(c));
  const io: CliIo = {
    stdout: out,
    stderr: err,
    stdin: Readable.from(stdin ? [stdin] : []),
    onInterrupt: () => () => undefined,
    now: () => 0,
  };
  const code = await runCli(argv, io, { interactive: null });
  await new Promise((r) => setImmediate(r));
  return { code, stdout: Buffer.concat(chunks[0]).toString(), stderr: Buffer.concat(chunks[1]).toString() };
}

function cut(text: string, ex: Example): string {
  let lines = text.replace(/\n$/, '').split('\n');
  if (ex.maxWidth)
    lines = lines.map((l) =>
      [...l].length > ex.maxWidth! ? [...l].slice(0, ex.maxWidth).join('') + '…' : l,
    );
  if (ex.maxLines && lines.length > ex.maxLines) {
    const more = lines.length - ex.maxLines;
    lines = [...lines.slice(0, ex.maxLines), `… (${more} more lines)`];
  }
  return lines.join('\n');
}

async function renderExample(ex: Example, tmp: string): Promise<string> {
  // Files an example writes go to a private directory; the doc shows their plain names.
  const argv = ex.argv.map((a) => (ex.writes?.includes(a) ? join(tmp, a) : a));
  const r = await run(argv, ex.stdin ? readFileSync(ex.stdin) : null);
  // Paths in messages are shown relative to the repository, as the commands are.
  const unTmp = (s: string): string =>
    s
      .split(tmp + '/')
      .join('')
      .split(process.cwd() + '/')
      .join('');
  let stdout = unTmp(r.stdout);
  if (ex.jq) stdout = ex.jq.apply(stdout);
  const shown = [
    ex.stdin ? `$ cat ${ex.stdin} | h2scope ${shellJoin(ex.argv)}` : `$ h2scope ${shellJoin(ex.argv)}`,
  ];
  if (ex.jq) shown[0] += ` | jq ${ex.jq.shown}`;
  if (stdout !== '') shown.push(cut(stdout, ex));
  if (r.stderr !== '' && !ex.hideStderr) shown.push(cut(unTmp(r.stderr), { ...ex, maxLines: undefined }));
  if (r.code !== 0) shown.push(`[exit status ${r.code}]`);
  const body = ex.text ? `${ex.text}\n\n` : '';
  const text = shown.join('\n');
  // A longer fence when the output itself contains one (the markdown report does).
  const fence = text.includes('```') ? '````' : '```';
  return `### ${ex.title}\n\n${body}${fence}console\n${text}\n${fence}`;
}

function shellJoin(args: string[]): string {
  return args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

function optionTable(): string {
  const rows = Object.entries(OPTIONS).map(([name, spec]) => {
    const doc = OPTION_DOCS[name];
    if (!doc) throw new Error(`docs: option --${name} has no entry in scripts/cli-doc/examples.ts`);
    const short = 'short' in spec ? `-${spec.short}, ` : '';
    const arg = spec.type === 'string' ? ` ${doc.arg ?? 'VALUE'}` : '';
    const repeat = 'multiple' in spec ? ' (repeatable)' : '';
    const seeAlso = doc.example ? ` [example](#${anchor(doc.example)})` : '';
    // A | inside a table cell ends the cell, even in code: GFM wants it escaped.
    return `| \`${short}--${name}${arg.replace(/\|/g, '\\|')}\` | ${doc.text}${repeat}${seeAlso} |`;
  });
  return ['| Option | What it does |', '|---|---|', ...rows].join('\n');
}

function anchor(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^\w\s-]/g, '')
    .trim()
    .replace(/\s+/g, '-');
}

function fieldTable(): string {
  const rows = FILTER_FIELDS.map((f) => {
    const name = f.parametric ? `${f.name}.NAME` : f.name;
    const type = f.boolean
      ? 'boolean'
      : [f.number ? 'number' : '', f.string ? 'text' : ''].filter(Boolean).join(' or ');
    const on = [f.call && 'calls', f.frame && 'frames', f.conn && 'all', f.diagnostic && 'diagnostics']
      .filter(Boolean)
      .join(', ');
    return `| \`${name}\` | ${type} | ${on} | ${f.description.replace(/\|/g, '\\|')} |`;
  });
  return ['| Field | Type | Records | Meaning |', '|---|---|---|---|', ...rows].join('\n');
}

export async function generateCliDoc(): Promise<string> {
  const tmp = mkdtempSync(join(tmpdir(), 'h2scope-doc-'));
  try {
    const sections: string[] = [];
    for (const group of EXAMPLES) {
      sections.push(`## ${group.title}\n\n${group.text}`);
      for (const ex of group.examples) sections.push(await renderExample(ex, tmp));
    }
    const template = readFileSync(new URL('./cli-doc/template.md', import.meta.url), 'utf8');
    return template
      .replace('{{OPTIONS}}', optionTable())
      .replace('{{FIELDS}}', fieldTable())
      .replace('{{EXAMPLES}}', sections.join('\n\n'));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const doc = await generateCliDoc();
  if (process.argv.includes('--check')) {
    const current = readFileSync(CLI_DOC_PATH, 'utf8');
    if (current !== doc) {
      process.stderr.write(`${CLI_DOC_PATH} is stale: run npx tsx scripts/gen-cli-doc.ts\n`);
      process.exit(1);
    }
    return;
  }
  writeFileSync(CLI_DOC_PATH, doc);
  process.stdout.write(`wrote ${CLI_DOC_PATH}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();

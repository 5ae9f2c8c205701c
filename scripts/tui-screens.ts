/**
 * Screenshots-as-text for docs/tui.md: runs h2scope on real samples in tmux panes (one tmux server of
 * its own), sends keys, captures the panes and writes each into the block between
 * `<!-- screen:NAME -->` and `<!-- /screen -->` in docs/tui.md.
 *
 *   node --import tsx scripts/tui-screens.ts           # rewrite the screenshots in docs/tui.md
 *   node --import tsx scripts/tui-screens.ts --check   # exit 1 when docs/tui.md is not current
 *
 * Needs tmux. CI is unset for the child (ink writes nothing until exit when CI is set).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const ROOT = new URL('../', import.meta.url).pathname;
const DOC = `${ROOT}docs/tui.md`;
const SOCKET = `h2scope-screens-${process.pid}`;
const CLI = 'env -u CI NODE_ENV=production node --import tsx src/cli/main.ts';

interface Shot {
  name: string;
  /** tmux send-keys arguments, sent in order ("Enter", "Tab", "Escape" are key names). */
  keys: string[];
  /** Text the pane shows once the screen is ready. */
  wait: string;
}

interface Session {
  sample: string;
  columns: number;
  rows: number;
  shots: Shot[];
}

const SESSIONS: Session[] = [
  {
    sample: 'samples/grpc-js-unary.pcap',
    columns: 100,
    rows: 30,
    shots: [
      { name: 'overview', keys: [], wait: 'loaded · 31 pkts' },
      { name: 'calls', keys: ['2'], wait: 'Calls  5 of 5' },
      { name: 'calls-filter', keys: ['/', 'grpc.status != 0', 'Enter'], wait: 'filter: grpc.status != 0' },
      { name: 'call', keys: ['Escape', 'G', 'Enter'], wait: 'Call c1 stream 9' },
      {
        name: 'call-status',
        keys: ['Tab', 'Tab', 'Tab', 'Tab', 'Tab', 'Tab', 'Tab'],
        wait: 'google.rpc.ErrorInfo',
      },
      { name: 'frames', keys: ['Escape', 'Escape', '4', 'j', 'j', 'j'], wait: 'Frame 4  c1 #3' },
      { name: 'frames-hex', keys: ['j', 'x'], wait: '── Bytes' },
      { name: 'hpack', keys: ['Tab', 'k', 'H'], wait: 'Header block of frame 4' },
      { name: 'connection-flow', keys: ['Escape', '3', 'Enter'], wait: '[Flow graph]' },
      { name: 'connection-summary', keys: ['Tab'], wait: 'RST_STREAM  none' },
      { name: 'help', keys: ['?'], wait: 'every key' },
    ],
  },
  {
    sample: 'samples/grpc-small-window.pcap',
    columns: 100,
    rows: 30,
    shots: [
      {
        name: 'connection-windows',
        keys: ['3', 'Enter', 'Tab', 'Tab', ']'],
        wait: 'server → client stream 1',
      },
    ],
  },
  {
    sample: 'samples/grpc-too-many-pings.pcap',
    columns: 100,
    rows: 30,
    shots: [
      { name: 'diagnostics', keys: ['5'], wait: 'analysis.goaway.too-many-pings' },
      { name: 'diagnostic', keys: ['Enter'], wait: 'What happened' },
      { name: 'diagnostic-jump', keys: ['Tab', 'j', 'Enter'], wait: 'ENHANCE_YOUR_CALM (0xb)' },
    ],
  },
  {
    sample: 'samples/showcase.pcapng',
    columns: 100,
    rows: 30,
    shots: [
      { name: 'stats-methods', keys: ['6'], wait: 'Stats  3 methods' },
      { name: 'stats-io', keys: ['Tab', 'Tab', 'Tab'], wait: 'RST_STREAM / GOAWAY' },
      { name: 'stats-latency', keys: ['Tab'], wait: 'share of call time per component' },
    ],
  },
  {
    sample: 'samples/grpc-pinned.pcap',
    columns: 100,
    rows: 30,
    shots: [
      { name: 'stats-frames', keys: ['6', 'Tab'], wait: 'C→S frames' },
      { name: 'stats-endpoints', keys: ['Tab'], wait: 'share of calls' },
    ],
  },
  {
    sample: 'samples/grpc-js-status.pcap',
    columns: 100,
    rows: 30,
    shots: [{ name: 'overview-failures', keys: [], wait: 'loaded · 60 pkts' }],
  },
  {
    sample: 'samples/late-start-grpc-js.pcap',
    columns: 100,
    rows: 30,
    shots: [{ name: 'diagnostics-group', keys: ['5', 'G', 'k', 'k', 'Enter'], wait: '▾ INFO' }],
  },
  {
    sample: 'samples/grpc-js-deadline.pcap',
    columns: 80,
    rows: 24,
    shots: [
      { name: 'small-overview', keys: [], wait: 'loaded · 32 pkts' },
      { name: 'small-calls', keys: ['2'], wait: 'Calls  3 of 3' },
    ],
  },
  {
    sample: 'samples/damaged-notacapture.pcap',
    columns: 100,
    rows: 20,
    shots: [{ name: 'error', keys: [], wait: 'The input could not be read.' }],
  },
];

function tmux(...args: string[]): string {
  const r = spawnSync('tmux', ['-L', SOCKET, ...args], { cwd: ROOT, encoding: 'utf8' });
  if (r.error) throw new Error(`tmux: ${r.error.message}`);
  return r.stdout ?? '';
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The pane once it shows `text` and has stopped changing (ink redraws at most every 33 ms). */
async function capture(session: string, text: string | RegExp): Promise<string> {
  const deadline = Date.now() + 60_000;
  let last = '';
  let stable = 0;
  while (Date.now() < deadline) {
    const now = tmux('capture-pane', '-p', '-t', session);
    const shows = typeof text === 'string' ? now.includes(text) : text.test(now);
    stable = now === last && shows ? stable + 1 : 0;
    // The empty middle of a short screen is shortened to one blank line (the doc says so).
    if (stable >= 3) return now.replace(/\s+$/, '').replace(/\n{3,}/g, '\n\n');
    last = now;
    await sleep(100);
  }
  throw new Error(`${session}: the pane never showed "${String(text)}":\n${last}`);
}

const KEY_NAMES = /^(Enter|Tab|BTab|Escape|BSpace|Up|Down|PageUp|PageDown)$/;

/** A tmux key name, or literal text. A lone Escape gets a moment alone: ESC then "G" reads as Alt-G. */
async function send(session: string, key: string): Promise<void> {
  if (KEY_NAMES.test(key)) tmux('send-keys', '-t', session, key);
  else tmux('send-keys', '-t', session, '-l', key);
  await sleep(key === 'Escape' ? 300 : 50);
}

async function shoot(s: Session, index: number): Promise<Map<string, string>> {
  const name = `s${index}`;
  tmux(
    'new-session',
    '-d',
    '-s',
    name,
    '-x',
    String(s.columns),
    '-y',
    String(s.rows),
    `${CLI} ${s.sample}; sleep 60`,
  );
  const out = new Map<string, string>();
  try {
    // Keys sent before the UI listens are lost: wait until the capture is read.
    await capture(name, /(loaded|input ended|input error) · /);
    for (const shot of s.shots) {
      for (const k of shot.keys) await send(name, k);
      const pane = await capture(name, shot.wait);
      out.set(
        shot.name,
        `$ h2scope ${s.sample.replace('samples/', '')}   # ${s.columns}x${s.rows}${shot.keys.length ? `, keys: ${shot.keys.join(' ')}` : ''}\n${pane}`,
      );
    }
  } finally {
    tmux('kill-session', '-t', name);
  }
  return out;
}

function fill(doc: string, shots: Map<string, string>): string {
  return doc.replace(/<!-- screen:([\w-]+) -->\n[\s\S]*?<!-- \/screen -->/g, (whole, name: string) => {
    const pane = shots.get(name);
    if (pane === undefined) throw new Error(`docs/tui.md names a screen "${name}" that no session captures`);
    return `<!-- screen:${name} -->\n\`\`\`text\n${pane}\n\`\`\`\n<!-- /screen -->`;
  });
}

async function main(): Promise<void> {
  const shots = new Map<string, string>();
  // A session that outlives the others: tmux exits with its last session, and a new session started
  // while the old server shuts down fails.
  tmux('new-session', '-d', '-s', 'keep', 'sleep 3600');
  try {
    for (const [i, s] of SESSIONS.entries()) for (const [k, v] of await shoot(s, i)) shots.set(k, v);
  } finally {
    tmux('kill-server');
  }
  const doc = readFileSync(DOC, 'utf8');
  const next = fill(doc, shots);
  if (process.argv.includes('--check')) {
    if (next !== doc) {
      process.stderr.write('docs/tui.md is not current: run node --import tsx scripts/tui-screens.ts\n');
      process.exitCode = 1;
    }
    return;
  }
  writeFileSync(DOC, next);
  process.stdout.write(`docs/tui.md: ${shots.size} screens\n`);
}

await main();

/**
 * The HPACK inspector for one header block: its decoded fields in order with how each was represented
 * (RFC 7541 §6: indexed, literal with incremental indexing, without indexing, never indexed; the index
 * used and Huffman coding), its RFC 7541 §4.1 entry size (name + value + 32 octets), the block's table
 * size updates, the dynamic table of both directions at that block (rebuilt from the store's insertion
 * history), and how the sender's table grew over its earlier blocks.
 */
import { makeClock, type Clock } from './clock.js';
import { captureStart } from './call-rows.js';
import type { HpackRepresentation } from '../h2/hpack-representations.js';
import type { ReplayedTable } from '../h2/hpack-table-replay.js';
import type { CaptureStore } from '../model/store.js';
import { blank, section, text, type DocLine } from './doc.js';
import { bytes, count, safe } from './format.js';
import { seg } from './lines.js';
import { fit } from './text-width.js';

/** RFC 7541 §4.1: the size of an entry is the sum of its name's and value's lengths in octets, plus 32. */
export function entrySize(name: string, value: string): number {
  return Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value, 'utf8') + 32;
}

export function hpackDocument(
  store: CaptureStore,
  frame: number,
  width: number,
  clock: Clock = makeClock('relative', captureStart(store)),
): DocLine[] {
  if (frame < 0 || frame >= store.frames.count) return [text('No such frame.', 'dim')];
  const f = store.frames.record(frame);
  const headers = f.headers ?? [];
  const table = store.frames.table(frame);
  const out: DocLine[] = [
    section(
      `Header block of frame ${frame + 1}`,
      `${f.connection} stream ${f.stream} · ${f.type} from the ${f.from}`,
    ),
    text(`  block ${f.headerBlockLength ?? '?'} bytes on the wire · ${headers.length} fields`),
  ];
  if (f.headersError) out.push(text(`  not fully decoded: ${safe(f.headersError)}`, 'error'));
  const block = store.hpack.view(frame);
  out.push(blank(), section('Fields', 'in order · size = name + value + 32 (RFC 7541 §4.1) · H: Huffman'));
  const nameWidth = Math.min(28, Math.max(8, ...headers.map(([n]) => n.length)));
  headers.forEach(([n, v], i) => {
    const rep = block?.representations[i];
    out.push({
      line: [
        seg(`  ${String(i + 1).padStart(3)} `, 'dim'),
        seg(fit(rep ? representation(rep) : '?', REP_WIDTH) + ' ', rep?.kind === 'indexed' ? 'dim' : 'info'),
        seg(fit(safe(n), nameWidth) + ' ', 'accent'),
        seg(`${String(entrySize(n, v)).padStart(5)}  `, 'dim'),
        seg(safe(v)),
      ],
    });
  });
  if (!block) out.push(text('  representations: not recorded for this frame', 'dim'));
  for (const u of block?.sizeUpdates ?? []) {
    const where =
      u.before === 0 ? 'at the start' : `after field ${u.before} (RFC 7541 §4.2: must open the block)`;
    out.push(
      text(`  dynamic table size update to ${count(u.size)} ${where}`, u.before === 0 ? 'info' : 'warning'),
    );
  }
  out.push(blank(), ...tableLines(store, frame, f.from, table));
  if (block) {
    out.push(...entryLines(block.sender));
    const other = f.from === 'client' ? 'server' : 'client';
    out.push(blank(), section(`${other} encoder's dynamic table at this point`));
    out.push(...tableSummary(block.receiver), ...peerTotals(store, frame, other));
    out.push(...entryLines(block.receiver));
  }
  out.push(blank(), ...history(store, frame, width, clock));
  return out;
}

/** Width of the representation column: `+idx name 24 H` at most, longer indexes are cut. */
const REP_WIDTH = 15;

/** `idx 62`, `+idx name 24`, `+idx new`, `noidx name 4`, `never new`; ` H` when the value was Huffman-coded. */
export function representation(r: HpackRepresentation): string {
  if (r.kind === 'indexed') return `idx ${r.index}`;
  const prefix = {
    'literal-incremental': '+idx',
    'literal-without-indexing': 'noidx',
    'literal-never-indexed': 'never',
  }[r.kind];
  const name = r.index === 0 ? 'new' : `name ${r.index}`;
  return `${prefix} ${name}${r.valueHuffman ? ' H' : ''}`;
}

function tableSummary(t: ReplayedTable): DocLine[] {
  const max = t.maxSize === null ? 'an unknown maximum' : count(t.maxSize);
  const note = t.complete ? '' : ' · older entries unknown (capture joined mid-connection or lost bytes)';
  return [text(`  ${count(t.size)} of ${max} octets used${note}`, t.complete ? undefined : 'warning')];
}

/** One line per entry, newest first: index, name, value, size (RFC 7541 §2.3.3, §4.1). */
function entryLines(t: ReplayedTable): DocLine[] {
  if (t.entries.length === 0) return [text('  (empty)', 'dim')];
  const nameWidth = Math.min(24, Math.max(8, ...t.entries.map((e) => e.name.length)));
  return t.entries.map((e) => ({
    line: [
      seg(`  ${String(e.index).padStart(4)} `, 'dim'),
      seg(fit(safe(e.name), nameWidth) + ' ', 'accent'),
      seg(`${String(e.size).padStart(5)}  `, 'dim'),
      seg(safe(e.value)),
    ],
  }));
}

/** The other side's table over the whole connection, from the connection record once it ended. */
function peerTotals(store: CaptureStore, frame: number, side: 'client' | 'server'): DocLine[] {
  const peer = store.connectionByOrdinal(store.frames.conn.get(frame))?.record?.hpack?.[side];
  return peer
    ? [text(`  over the connection: ${bytes(peer.size)} at the end, peak ${bytes(peer.peak)}`, 'dim')]
    : [];
}

function tableLines(
  store: CaptureStore,
  frame: number,
  from: string,
  table: ReturnType<CaptureStore['frames']['table']>,
): DocLine[] {
  const out: DocLine[] = [
    section(`${from} encoder's dynamic table after this block`, 'index · name · size · value'),
  ];
  if (!table) return [...out, text('  not recorded for this frame', 'dim')];
  const max = table.maxSize === null ? 'an unknown maximum' : `${count(table.maxSize)}`;
  out.push(
    text(
      `  ${count(table.size)} of ${max} octets used${table.known ? '' : ' · not fully known (capture joined mid-connection or lost bytes)'}`,
      table.known ? undefined : 'warning',
    ),
  );
  return out;
}

/** The sender's table size after each of its header blocks up to this one (the last 30). */
/** Times in the format `t` chose, on the capture's time base (the same as Frames shows for each block). */
function history(store: CaptureStore, frame: number, width: number, clock: Clock): DocLine[] {
  const entry = store.connectionByOrdinal(store.frames.conn.get(frame));
  if (!entry) return [];
  const server = store.frames.fromServer(frame);
  let prev: number | null = null;
  const rows: DocLine[] = [];
  for (let i = 0; i < entry.frames.length; i++) {
    const n = entry.frames.get(i);
    if (n > frame) break;
    const t = store.frames.table(n);
    if (!t || store.frames.fromServer(n) !== server) continue;
    const barWidth = Math.max(0, width - 30 - clock.width);
    const time = store.frames.time.get(n);
    const at = clock.text(time, prev).padStart(clock.width);
    prev = time;
    const share = t.maxSize ? Math.min(1, t.size / t.maxSize) : 0;
    rows.push({
      frame: n,
      line: [
        seg(
          `  ${at} stream ${String(store.frames.stream.get(n)).padEnd(6)} ${String(t.size).padStart(6)} `,
          n === frame ? 'accent' : 'dim',
        ),
        seg('█'.repeat(Math.round(share * barWidth)), 'info'),
      ],
    });
  }
  return [
    section('Table size after each block from this side', rows.length > 30 ? 'last 30' : ''),
    ...rows.slice(-30),
  ];
}

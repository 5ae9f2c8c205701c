/**
 * The HPACK inspector for one header block: its decoded fields in order with their RFC 7541 §4.1 entry
 * size (name + value + 32 octets), the sender's dynamic table size after the block, and how that table
 * grew over the sender's earlier blocks. The h2 decoder does not expose each field's representation
 * (indexed, literal with/without indexing, never indexed) nor the table's entries: both are listed as not
 * available rather than guessed.
 */
import type { CaptureStore } from '../model/store.js';
import { blank, section, text, type DocLine } from './doc.js';
import { bytes, count, relativeTime, safe } from './format.js';
import { seg } from './lines.js';
import { fit } from './text-width.js';

/** RFC 7541 §4.1: the size of an entry is the sum of its name's and value's lengths in octets, plus 32. */
export function entrySize(name: string, value: string): number {
  return Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value, 'utf8') + 32;
}

export function hpackDocument(store: CaptureStore, frame: number, width: number): DocLine[] {
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
  out.push(blank(), section('Fields', 'in order · size = name + value + 32 (RFC 7541 §4.1)'));
  const nameWidth = Math.min(28, Math.max(8, ...headers.map(([n]) => n.length)));
  headers.forEach(([n, v], i) => {
    out.push({
      line: [
        seg(`  ${String(i + 1).padStart(3)} `, 'dim'),
        seg(fit(safe(n), nameWidth) + ' ', 'accent'),
        seg(`${String(entrySize(n, v)).padStart(5)}  `, 'dim'),
        seg(safe(v)),
      ],
    });
  });
  out.push(
    text('  representation (indexed / literal / never indexed): not exposed by the decoder', 'dim'),
    blank(),
  );
  out.push(...tableLines(store, frame, f.from, table), blank(), ...history(store, frame, width));
  return out;
}

function tableLines(
  store: CaptureStore,
  frame: number,
  from: string,
  table: ReturnType<CaptureStore['frames']['table']>,
): DocLine[] {
  const out: DocLine[] = [section(`${from} encoder's dynamic table after this block`)];
  if (!table) return [...out, text('  not recorded for this frame', 'dim')];
  const max = table.maxSize === null ? 'an unknown maximum' : `${count(table.maxSize)}`;
  out.push(
    text(
      `  ${count(table.size)} of ${max} octets used${table.known ? '' : ' · not fully known (capture joined mid-connection or lost bytes)'}`,
      table.known ? undefined : 'warning',
    ),
  );
  out.push(text('  entries: not exposed by the decoder (sizes above are exact)', 'dim'));
  const other = store.frames.conn.get(frame);
  const peer = store.connectionByOrdinal(other)?.record?.hpack?.[from === 'client' ? 'server' : 'client'];
  if (peer)
    out.push(text(`  other direction: ${bytes(peer.size)} at the end, peak ${bytes(peer.peak)}`, 'dim'));
  return out;
}

/** The sender's table size after each of its header blocks up to this one (the last 30). */
function history(store: CaptureStore, frame: number, width: number): DocLine[] {
  const entry = store.connectionByOrdinal(store.frames.conn.get(frame));
  if (!entry) return [];
  const server = store.frames.fromServer(frame);
  const start = entry.record?.start ?? entry.firstTime ?? 0;
  const rows: DocLine[] = [];
  for (let i = 0; i < entry.frames.length; i++) {
    const n = entry.frames.get(i);
    if (n > frame) break;
    const t = store.frames.table(n);
    if (!t || store.frames.fromServer(n) !== server) continue;
    const barWidth = Math.max(0, width - 40);
    const share = t.maxSize ? Math.min(1, t.size / t.maxSize) : 0;
    rows.push({
      frame: n,
      line: [
        seg(
          `  +${relativeTime(store.frames.time.get(n), start)} stream ${String(store.frames.stream.get(n)).padEnd(6)} ${String(t.size).padStart(6)} `,
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

#!/usr/bin/env node
// Writes samples/<name>.golden.json: what tshark says about every HTTP/2 frame (and gRPC message) of a
// sample, in tshark's order. Format: /work/briefs/samples-common.md (read by the golden test).
//
//   node scripts/make-golden.mjs              every sample with a meta.json and no `goldenFrom`
//   node scripts/make-golden.mjs NAME...      only these (NAME without extension)
//
// tshark is an oracle with known faults; `notes` says where (from meta.json `goldenNotes`, plus checks
// made here: HEADERS frames with no decoded fields, header values tshark mangled).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SAMPLES = join(REPO, 'samples');
const EXTENSIONS = ['.pcap', '.pcapng', '.pcap.gz', '.pcapng.gz'];
const FLAG_END_HEADERS = 0x4;
const FLAG_PADDED = 0x8;
// RFC 9113 §6: frame types whose payload may carry a Pad Length field (when PADDED is set).
const PADDABLE = new Set([0, 1, 5]);
const HEADER_BLOCK = new Set([1, 5, 9]);

function tshark(args) {
  const r = spawnSync('tshark', args, { cwd: REPO, maxBuffer: 1 << 30, encoding: 'utf8' });
  if (r.error) throw new Error(`cannot run tshark (apt-get install tshark): ${r.error.message}`);
  return r;
}

function tsharkVersion() {
  const m = /TShark \(Wireshark\) (\S+?)(?:\s|\.$|\s*\()/.exec(tshark(['--version']).stdout);
  return m ? m[1].replace(/\.$/, '') : 'unknown';
}

/** Preferences differ between tshark versions: pass only those this one knows. */
function knownPrefs() {
  const prefs = tshark(['-G', 'defaultprefs']).stdout;
  const wanted = [
    'tcp.desegment_tcp_streams:TRUE',
    'http2.decompress_body:FALSE',
    'grpc.embedded_under_http2:TRUE',
  ];
  // grpc.embedded_under_http2 puts each gRPC message inside the HTTP/2 layer of its DATA frame, so the
  // message's stream is known even when one packet carries frames of several streams.
  return wanted.filter((p) => new RegExp(`^#?${p.split(':')[0].replace(/\./g, '\\.')}:`, 'm').test(prefs));
}

// meta.json `tsharkDecodeAs: "http"`: the connections start as HTTP/1.1 (an h2c upgrade); tshark's HTTP
// dissector follows "Upgrade: h2c" + 101 into HTTP/2 itself, while "-d ...,http2" would read the HTTP/1.1
// head as frame headers and show no frame at all.
// meta.json `tsharkDecodeAs: "tls"` (scripts/samples/tls/): HTTP/2 follows ALPN inside TLS, and `keylog` names
// the sample's NSS key log in samples/, given to tshark as tls.keylog_file so it decrypts.
// meta.json `tsharkPrefs`: more tshark preferences for this sample (tcp.reassemble_out_of_order:TRUE for real
// loss, where tshark by default dissects the bytes after a hole before the retransmission fills it).
function tsharkArgs(file, ports, prefs, decodeAs = 'http2', keylog = undefined, extraPrefs = []) {
  const args = ['-r', `samples/${file}`];
  for (const p of [...prefs, ...extraPrefs]) args.push('-o', p);
  if (keylog) args.push('-o', `tls.keylog_file:samples/${keylog}`);
  // An object names the dissector per port (a CONNECT proxy's port is "http": tshark's HTTP dissector
  // follows the CONNECT into the tunnel; the server's port, whose preface may come after its SETTINGS, "http2").
  const as = (port) => (typeof decodeAs === 'string' ? decodeAs : (decodeAs[port] ?? 'http2'));
  for (const port of ports) args.push('-d', `tcp.port==${port},${as(port)}`);
  args.push('-T', 'json', '--no-duplicate-keys', '-J', 'frame ip ipv6 tcp http2');
  return args;
}

const quote = (a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `"${a}"`);
const list = (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function endpoint(layers, side) {
  const ip = layers.ip?.[`ip.${side}`] ?? layers.ipv6?.[`ipv6.${side}`];
  const port = layers.tcp?.[`tcp.${side}port`];
  if (ip === undefined || port === undefined) return null;
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

function headersOf(frame) {
  const fields = list(frame['http2.header']);
  if (fields.length === 0) return null;
  return fields.map((h) => [h['http2.header.name'] ?? '', h['http2.header.value'] ?? '']);
}

/** One golden frame per http2.stream entry that is a frame (the connection preface is not). */
function frameOf(packet, stream) {
  const type = Number(stream['http2.type']);
  const flags = Number(stream['http2.flags']);
  const padded = PADDABLE.has(type) && (flags & FLAG_PADDED) !== 0;
  return {
    ...packet,
    stream: Number(stream['http2.streamid']),
    type,
    length: Number(stream['http2.length']),
    flags,
    // tshark decodes a header block fragment by fragment and shows the fields on the frame that carried
    // them; h2scope lists the whole block on the frame with END_HEADERS. A block that never ends (a
    // CONTINUATION flood, scripts/samples/abuse/) has no such frame: its fragments' fields are left out.
    headers: HEADER_BLOCK.has(type) && (flags & FLAG_END_HEADERS) === 0 ? null : headersOf(stream),
    // tshark prints http2.pad_length "0" for every DATA frame; only a PADDED frame has the field.
    padLength: padded && stream['http2.pad_length'] !== undefined ? Number(stream['http2.pad_length']) : null,
  };
}

function collect(packets) {
  const frames = [];
  const grpc = [];
  for (const p of packets) {
    const layers = p._source.layers;
    const packet = {
      packet: Number(layers.frame['frame.number']),
      time: layers.frame['frame.time_epoch'],
      src: endpoint(layers, 'src'),
      dst: endpoint(layers, 'dst'),
      tcpStream: layers.tcp === undefined ? null : Number(layers.tcp['tcp.stream']),
    };
    for (const layer of list(layers.http2)) {
      let last = null;
      for (const s of list(layer['http2.stream'])) {
        if (s['http2.type'] === undefined) continue;
        last = frameOf(packet, s);
        frames.push(last);
      }
      for (const m of list(layer.grpc)) {
        if (m['grpc.message_length'] === undefined) continue;
        grpc.push({
          packet: packet.packet,
          stream: last === null ? null : last.stream,
          length: Number(m['grpc.message_length']),
          compressed: m['grpc.compressed_flag'] === '1',
        });
      }
    }
  }
  return { frames, grpc };
}

function automaticNotes(frames) {
  const notes = [];
  const undecoded = frames.filter(
    (f) => HEADER_BLOCK.has(f.type) && f.flags & FLAG_END_HEADERS && !f.headers,
  );
  if (undecoded.length > 0) {
    const where = undecoded.map((f) => `${f.packet}/${f.stream}`).join(', ');
    notes.push(
      `tshark decoded no header fields for ${undecoded.length} header block(s) (packet/stream: ${where}); ` +
        'the true header lists are in meta.json expect.',
    );
  }
  const unknown = frames.filter((f) => (f.headers ?? []).some(([n]) => n === '<unknown>'));
  if (unknown.length > 0) {
    notes.push(
      `tshark shows "<unknown>" (value "") for header fields indexing HPACK dynamic table entries it never ` +
        `saw, in packets ${[...new Set(unknown.map((f) => f.packet))].join(', ')}; the true header lists ` +
        'are in meta.json expect.',
    );
  }
  const mangled = frames.filter((f) => (f.headers ?? []).some(([, v]) => v.includes('\ufffd')));
  if (mangled.length > 0) {
    notes.push(
      'tshark 4.0 shows every header value byte >= 0x80 as U+FFFD (even valid UTF-8), in packets ' +
        `${[...new Set(mangled.map((f) => f.packet))].join(', ')}; the wire bytes differ.`,
    );
  }
  return notes;
}

function captureFileOf(name) {
  return EXTENSIONS.map((ext) => name + ext).find((f) => existsSync(join(SAMPLES, f))) ?? null;
}

function makeGolden(name, version, prefs) {
  const meta = JSON.parse(readFileSync(join(SAMPLES, `${name}.meta.json`), 'utf8'));
  const target = join(SAMPLES, `${name}.golden.json`);
  // A sample without a golden of its own must not keep a stale one.
  const skip = (why) => {
    rmSync(target, { force: true });
    return `${name}: skipped, ${why}`;
  };
  if (meta.goldenFrom) return skip(`frames equal ${meta.goldenFrom}'s`);
  const file = captureFileOf(name);
  if (file === null) return skip('no capture file next to the meta.json');
  const args = tsharkArgs(file, meta.ports ?? [], prefs, meta.tsharkDecodeAs, meta.keylog, meta.tsharkPrefs);
  const r = tshark(args);
  const stderr = r.stderr
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('Running as user'))
    .join(' ');
  let packets;
  try {
    packets = JSON.parse(r.stdout);
  } catch {
    packets = [];
  }
  if (packets.length === 0 && r.status !== 0) return skip(`tshark read nothing: ${stderr}`);
  const { frames, grpc } = collect(packets);
  const notes = [...(meta.goldenNotes ?? []), ...automaticNotes(frames)];
  if (r.status !== 0) notes.push(`tshark exited ${r.status} after ${packets.length} packets: ${stderr}`);
  const golden = { sample: file, tshark: version, command: ['tshark', ...args].map(quote).join(' ') };
  Object.assign(golden, { notes, frames, grpc });
  writeFileSync(target, `${JSON.stringify(golden, null, 2)}\n`);
  return `${name}: ${frames.length} frames, ${grpc.length} gRPC messages${notes.length ? `, ${notes.length} notes` : ''}`;
}

function allNames() {
  return readdirSync(SAMPLES)
    .filter((f) => f.endsWith('.meta.json'))
    .map((f) => f.slice(0, -'.meta.json'.length))
    .sort();
}

const names = process.argv.length > 2 ? process.argv.slice(2) : allNames();
const version = tsharkVersion();
const prefs = knownPrefs();
let failed = false;
for (const name of names) {
  try {
    console.log(makeGolden(name, version, prefs));
  } catch (e) {
    failed = true;
    console.error(`${name}: ${e.message}`);
  }
}
process.exit(failed ? 1 : 0);

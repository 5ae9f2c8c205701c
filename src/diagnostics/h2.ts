import type { DiagnosticSpec } from './types.js';

/**
 * Diagnostics raised by the h2 layer. Codes are stable: tests, filters and docs refer to them.
 * Frame diagnostics carry `frameIndex`, `type` and `stream` in their evidence.
 */
export const H2_DIAGNOSTICS = {
  // Frame layout (RFC 9113 §4-§6). Decoding goes on after each of them.
  'h2.frame.bad-length': {
    severity: 'error',
    title: 'Bad frame length',
    text: '{type} frame on stream {stream} has a {length}-byte payload; {expected} (RFC 9113 {section})',
  },
  'h2.frame.bad-padding': {
    severity: 'error',
    title: 'Padding too long',
    text: '{type} frame on stream {stream}: Pad Length {padLength} does not fit in the {room} bytes left of a {length}-byte payload (RFC 9113 §6.1)',
  },
  'h2.frame.bad-stream': {
    severity: 'error',
    title: 'Frame on wrong stream',
    // Every such rule of RFC 9113 §6 makes the frame a connection error of type PROTOCOL_ERROR.
    text: '{type} frame on stream {stream}: {rule} (RFC 9113 {section}), a connection error of type PROTOCOL_ERROR',
  },
  'h2.frame.zero-increment': {
    severity: 'error',
    title: 'WINDOW_UPDATE of 0',
    text: 'WINDOW_UPDATE on stream {stream} has a flow-control window increment of 0 (RFC 9113 §6.9)',
  },
  'h2.frame.settings-ack-payload': {
    severity: 'error',
    title: 'SETTINGS ACK with payload',
    text: 'SETTINGS frame with ACK carries a {length}-byte payload; it must be empty (RFC 9113 §6.5)',
  },
  'h2.frame.bad-setting': {
    severity: 'error',
    title: 'Setting out of range',
    text: 'SETTINGS {name} = {value} is out of range: {rule} (RFC 9113 §6.5.2)',
  },
  'h2.frame.self-dependency': {
    severity: 'error',
    title: 'Stream depends on itself',
    text: '{type} frame on stream {stream} makes the stream depend on itself (RFC 9113 §5.3.1)',
  },
  'h2.frame.too-large': {
    severity: 'error',
    title: 'Frame larger than SETTINGS_MAX_FRAME_SIZE',
    text: '{type} frame on stream {stream} is {length} bytes, above the {limit} the receiver advertised in SETTINGS_MAX_FRAME_SIZE (RFC 9113 §4.2)',
  },
  'h2.frame.incomplete-at-end': {
    severity: 'info',
    title: 'Partial frame at end',
    text: 'The {from} byte stream ends {have} bytes into a {need}-byte {what}',
  },
  // Header blocks (RFC 9113 §4.3, §6.10).
  'h2.continuation-expected': {
    severity: 'error',
    title: 'CONTINUATION expected',
    text: 'Header block on stream {blockStream} was still open, but {type} on stream {stream} came instead of its CONTINUATION (RFC 9113 §6.10); the block is dropped',
  },
  'h2.continuation-unexpected': {
    severity: 'error',
    title: 'Unexpected CONTINUATION',
    text: 'CONTINUATION on stream {stream} does not follow an open header block (RFC 9113 §6.10); its fragment is ignored',
  },
  'h2.header-block-incomplete': {
    severity: 'warning',
    title: 'Header block never ended',
    text: 'Header block on stream {stream} from the {from} has no END_HEADERS before the end of the capture ({bytes} bytes kept)',
  },
  'h2.header-block-too-large': {
    severity: 'error',
    title: 'Header block too large',
    text: 'Header block on stream {blockStream} from the {from} passed {limit} bytes before END_HEADERS (an endless CONTINUATION sequence?): later fragments are dropped, the block is not decoded and HPACK state is lost',
  },
  'h2.headers.too-large': {
    severity: 'warning',
    title: 'Large header list',
    text: 'Header list on stream {stream} is {size} bytes (RFC 9113 §6.5.2 size), above the {limit}-byte limit; {omitted} fields beyond it are counted, not kept',
  },
  'h2.hpack.bomb': {
    severity: 'error',
    title: 'HPACK bomb',
    text: 'Header block on stream {stream} from the {from} is {blockBytes} bytes but decodes to {count} fields of {size} bytes (RFC 9113 §6.5.2 size), an HPACK bomb (cf. CVE-2016-6581); {omitted} fields beyond {limit} are counted, not kept',
  },
  'h2.headers.too-many': {
    severity: 'warning',
    title: 'Many header fields',
    text: 'Header list on stream {stream} has {count} fields, above the limit of {limit}',
  },
  // HPACK (RFC 7541).
  'h2.hpack.decode-error': {
    severity: 'error',
    title: 'HPACK decoding error',
    text: 'Header block on stream {stream} from the {from} could not be decoded: {reason}; later blocks in this direction are decoded without the dynamic table',
  },
  'h2.hpack-lost': {
    severity: 'warning',
    title: 'HPACK state lost',
    text: 'HPACK state of the {from} is unknown: {reason}; fields that use the dynamic table cannot be decoded until it is rebuilt',
  },
  'h2.hpack-kept': {
    severity: 'info',
    title: 'HPACK state kept across a gap',
    text: 'HPACK state of the {from} kept across the {lostBytes} bytes of whole frames lost at offset {offset}: {why}; header blocks after it are decoded with the table and marked assumed until the evidence settles it',
  },
  'h2.hpack-kept-settled': {
    severity: 'info',
    title: 'HPACK state across a gap settled',
    text: 'The {lostBytes} bytes of whole frames the {from} lost at offset {offset} held no header block ({verdict}): {basis}; {blocks} header block(s) were decoded with the kept table{marked}',
  },
  'h2.hpack.resynced': {
    severity: 'info',
    title: 'HPACK state rebuilt',
    text: 'HPACK dynamic table of the {from} is known again ({entries} entries): {how}',
  },
  'h2.hpack.unknown-entries': {
    // Info: a capture that joins a connection late is the normal case; a loss inside the capture has its
    // own warning (h2.hpack-lost) when it happens.
    severity: 'info',
    title: 'Unknown HPACK entries',
    text: "The {from}'s HPACK dynamic table held entries this capture never showed ({reason}): {references} field(s) in {blocks} header block(s) referred to {entries} of them and are shown as <unknown>, {until}",
  },
  'h2.hpack.size-update-above-setting': {
    severity: 'warning',
    title: 'Table size update above setting',
    text: 'Dynamic table size update to {size} on stream {stream} exceeds the SETTINGS_HEADER_TABLE_SIZE of {setting} (RFC 7541 §6.3)',
  },
  'h2.hpack.size-update-missing': {
    severity: 'warning',
    title: 'Table size update missing',
    text: 'SETTINGS_HEADER_TABLE_SIZE dropped to {setting}, below the table size {size} in use, but the next header block (stream {stream}) does not start with a size update (RFC 7541 §4.2)',
  },
  'h2.hpack.size-update-not-at-start': {
    severity: 'warning',
    title: 'Table size update mid-block',
    text: 'Header block on stream {stream} changes the dynamic table size after its first field (RFC 7541 §4.2)',
  },
  // Byte-stream continuity.
  'h2.gap': {
    severity: 'warning',
    title: 'Bytes lost',
    text: 'Lost {lostBytes} bytes of the {from} stream at offset {offset}{dropped}; frames in the lost region are not shown',
  },
  'h2.gap-resync': {
    severity: 'info',
    title: 'Frames resynchronised',
    text: 'Frames of the {from} resume at offset {offset} after skipping {skipped} bytes ({method})',
  },
  'h2.mid-stream-sync': {
    severity: 'info',
    title: 'Joined mid-connection',
    text: 'The {from} stream starts mid-connection; the first frame boundary is {skipped} bytes in ({frames} frames confirm it)',
  },
  'h2.sync-failed': {
    severity: 'warning',
    title: 'No frame boundary found',
    text: 'No HTTP/2 frame boundary found in {bytes} bytes of the {from} stream; they are not decoded',
  },
} as const satisfies Record<string, DiagnosticSpec>;

export type H2DiagnosticCode = keyof typeof H2_DIAGNOSTICS;

import type { DiagnosticSpec } from './types.js';

/**
 * Diagnostics raised by the tcp layer. Codes are stable: tests, filters and docs refer to them.
 * Common params: `conn` (id), `direction` ("client->server" / "server->client", client by the
 * connection's client rule) and `flow` ("10.0.0.1:50000 -> 10.0.0.2:80" in that direction).
 * Stream offsets count bytes from the first byte after the SYN (or the first byte seen); ranges are
 * half-open: [start, end).
 */
export const TCP_DIAGNOSTICS = {
  'tcp.gap': {
    severity: 'warning',
    title: 'TCP gap',
    text:
      '{conn}: lost {bytes} bytes {direction} ({flow}) at stream offsets [{offsetStart}, {offsetEnd}) ' +
      '(seq {seqStart} to {seqEnd}): {reason}',
  },
  'tcp.buffer-overflow': {
    severity: 'warning',
    title: 'TCP out-of-order buffer full',
    text:
      '{conn}: {buffered} out-of-order bytes in {segments} segments buffered {direction} ({flow}), over ' +
      'the limit ({limit} bytes or {segmentLimit} segments): the missing bytes before stream offset ' +
      '{offsetEnd} are declared lost',
  },
  'tcp.mid-stream-start': {
    severity: 'info',
    title: 'TCP stream start not captured',
    text:
      '{conn}: no SYN seen from {flow}; the connection started before the capture or its SYN ' +
      'was not captured. Stream offset 0 is seq {seq}, the first byte seen.',
  },
  'tcp.before-start': {
    severity: 'warning',
    title: 'TCP segment before stream start',
    text:
      '{conn}: ignored {bytes} bytes {direction} ({flow}) at seq {seq}, before the stream start ' +
      '(seq {baseSeq}: the byte after the SYN, or the first byte seen); later ones are only counted',
  },
  'tcp.data-after-fin': {
    severity: 'warning',
    title: 'TCP data after FIN',
    text:
      '{conn}: ignored {bytes} bytes {direction} ({flow}) beyond the FIN at stream offset {finOffset}; ' +
      'later ones in this direction are ignored silently',
  },
  'tcp.connections-capped': {
    severity: 'warning',
    title: 'Too many live connections',
    text: 'More than {limit} TCP connections are live at once: the oldest ({conn} first) are ended (as idle-evicted) to make room',
  },
  'tcp.port-reuse': {
    severity: 'info',
    title: 'TCP 4-tuple reused',
    text: '{conn}: new SYN from {client} to {server} reuses the 4-tuple of {previous} ({previousState})',
  },
  'tcp.retransmission': {
    severity: 'warning',
    title: 'TCP retransmissions (packet loss)',
    text:
      '{conn}: packet {packet} retransmits {bytes} bytes {direction} ({flow}) at relative seq {seq} ({kind} ' +
      'retransmission, {count} so far this way), {delay} after the bytes were first due: segments are ' +
      'being lost (or their ACKs are). Raised once per direction, at a retransmission that held the stream ' +
      '100 ms or more or at the third; the connection record (tcp) counts all of them and their delay',
  },
  'tcp.zero-window': {
    severity: 'warning',
    title: 'TCP zero window',
    text:
      "{conn}: packet {packet} ({flow}) advertises a zero receive window: its sender's application is " +
      'not reading, so the peer must stop sending. The first from this side; the connection record (tcp) ' +
      'counts all of them',
  },
  'tcp.window-full': {
    severity: 'info',
    title: 'TCP window full',
    text:
      '{conn}: packet {packet} ({flow}) fills the {window}-byte receive window its peer advertised, the ' +
      'third segment this way to do so: the sender must wait until the peer reads and ACKs. This is ' +
      "TCP's window (the peer's socket receive buffer), below HTTP/2 flow control: when the HTTP/2 windows " +
      "are open (no analysis.flow.* diagnostic) and the stream still waits, the peer's application reads " +
      'slowly or its receive buffer is small (Linux net.ipv4.tcp_rmem). Raised once per direction; the ' +
      'connection record (tcp.windowFull) counts all of them',
  },
} as const satisfies Record<string, DiagnosticSpec>;

export type TcpDiagnosticCode = keyof typeof TCP_DIAGNOSTICS;

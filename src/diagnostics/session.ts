import type { DiagnosticSpec } from './types.js';

/** Diagnostics raised while recognising what a TCP connection carries (src/session/). */
export const SESSION_DIAGNOSTICS = {
  'session.no-server-settings': {
    severity: 'error',
    title: 'HTTP/2 handshake never completed',
    text: 'The client {client} sent the HTTP/2 connection preface but the server {server} never sent its SETTINGS ({serverBytes} bytes from the server). The client is waiting for a server handshake that never comes (grpc-go: "timed out waiting for server handshake").',
    fix: 'Check that the server speaks HTTP/2 on this port (plaintext h2c vs TLS, a proxy or connection multiplexer such as cmux in front of it).',
  },
  'session.preface-http1-reply': {
    severity: 'error',
    title: 'HTTP/1.1 reply to the HTTP/2 preface',
    text: 'The client {client} sent the HTTP/2 connection preface but the server {server} answered with HTTP/1: "{statusLine}". The server (or a proxy in front of it) does not speak HTTP/2 on this port.',
    fix: 'Enable h2c on it, or use TLS with ALPN h2.',
  },
  'session.preface-http1-error-page': {
    severity: 'error',
    title: 'HTTP/1.x server rejected the HTTP/2 preface',
    text: 'The client {client} sent the HTTP/2 connection preface but the server {server} is an HTTP/1.x server that rejected it: it answered with a bare HTML error page, without a status line (HTTP/0.9 style, as Python\'s http.server does for "PRI * HTTP/2.0"): error code {code}, "{message}". The server does not speak HTTP/2 on this port.',
    fix: 'Enable h2c on it, or use TLS with ALPN h2.',
  },
  'session.h2c-upgrade-inferred': {
    severity: 'info',
    title: 'h2c upgrade proven by the client preface',
    text:
      'The client sent "{requestLine}" with Upgrade: h2c and then the HTTP/2 connection preface, which it sends ' +
      "only after a 101 (RFC 7540 §3.2); the server's 101 was {seen}. HTTP/2 is decoded from there: the " +
      'request is stream 1.',
  },
  'session.bad-server-preface': {
    severity: 'error',
    title: 'Server did not answer with HTTP/2',
    text:
      'The client {client} sent the HTTP/2 connection preface but the server {server} did not answer with the ' +
      'SETTINGS frame that starts every HTTP/2 server preface; it sent {what}. The server (or a proxy in front of ' +
      'it) does not speak HTTP/2 with prior knowledge on this port.',
  },
  'session.http1-client-h2-server': {
    severity: 'error',
    title: 'HTTP/1.1 client talking to an HTTP/2-only server',
    text: 'The client {client} sent an HTTP/1 request ("{requestLine}") and the server {server} answered with HTTP/2 frames: the server only speaks HTTP/2 (prior knowledge) on this port.',
    fix: 'Configure the client for HTTP/2 (e.g. curl --http2-prior-knowledge, a gRPC client) or put an HTTP/1-capable proxy in front.',
  },
  'session.connect-tunnel': {
    severity: 'info',
    title: 'CONNECT tunnel',
    text: 'HTTP CONNECT tunnel to {target} through the proxy at {server} ("{statusLine}"); it carries {carries}',
  },
  'session.h2c-upgrade': {
    severity: 'info',
    title: 'h2c upgrade',
    text:
      'HTTP/1.1 request "{requestLine}" upgraded to HTTP/2 (h2c) by "{statusLine}"; the upgrade request is ' +
      'stream 1, its response arrives as HTTP/2 frames.',
  },
  'session.h2c-upgrade-settings': {
    severity: 'warning',
    title: 'h2c upgrade without valid HTTP2-Settings',
    text:
      'The h2c upgrade request from {client} has {problem}. RFC 7540 §3.2.1 requires exactly one HTTP2-Settings ' +
      'header (the base64url SETTINGS payload) and a server must not upgrade without it; {server} upgraded ' +
      'anyway. Client settings that could not be decoded are taken to be their RFC defaults.',
  },
  'session.h2c-upgrade-declined': {
    severity: 'info',
    title: 'h2c upgrade declined',
    text: 'The client asked to upgrade to h2c but the server answered "{statusLine}": the connection stays HTTP/1.',
  },
  'session.mid-connection': {
    severity: 'info',
    title: 'HTTP/2 recognised without a preface',
    text:
      'The capture starts in the middle of this connection: HTTP/2 was recognised from a plausible frame ' +
      'sequence in the {direction} direction at byte {offset}. Header blocks that depend on earlier HPACK ' +
      'state cannot be fully decoded.',
  },
  'session.unrecognised': {
    severity: 'info',
    title: 'Not HTTP/2',
    text: 'Connection {client} -> {server} does not carry HTTP/2 ({what}); it is listed but not decoded.',
  },
} as const satisfies Record<string, DiagnosticSpec>;

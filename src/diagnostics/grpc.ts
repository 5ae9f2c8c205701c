import type { DiagnosticSpec } from './types.js';

/**
 * Diagnostics raised by the grpc layer. Codes are stable: tests, filters and docs refer to them.
 * Spec references are to grpc/grpc doc/PROTOCOL-HTTP2.md unless said otherwise.
 */
export const GRPC_DIAGNOSTICS = {
  // Length-Prefixed-Message framing
  'grpc.bad-compressed-flag': {
    severity: 'warning',
    title: 'Bad Compressed-Flag',
    text: 'gRPC message prefix has flag byte {flag}; only 0 or 1 are allowed (bytes lost, or the body is not gRPC framing)',
  },
  'grpc.message-too-large': {
    severity: 'warning',
    title: 'gRPC message over the cap',
    text: 'gRPC message of {length} bytes is larger than the {max}-byte cap: its length is reported, its bytes are not kept',
  },
  'grpc.message-incomplete': {
    severity: 'warning',
    title: 'Unfinished gRPC message',
    text: 'The {side} stream ended in the middle of a gRPC message ({pendingBytes} bytes of it seen)',
  },
  // Compression (Message-Encoding, Compressed-Flag)
  'grpc.unknown-encoding': {
    severity: 'warning',
    title: 'Unknown message encoding',
    text: "Message compressed with '{encoding}', which h2scope cannot decompress: bytes are shown as sent",
  },
  'grpc.decompress-failed': {
    severity: 'error',
    title: 'Decompression failed',
    text: 'Could not decompress a {encoding} message of {length} bytes: {reason}',
  },
  'grpc.decompressed-too-large': {
    severity: 'warning',
    title: 'Decompressed message over the cap',
    text: 'A {encoding} message inflates to more than {max} bytes: bytes are shown compressed',
  },
  'grpc.open-calls-capped': {
    severity: 'warning',
    title: 'Too many open calls',
    text: 'More than {limit} calls are open at once on this connection: the oldest (stream {stream} first) are ended as incomplete to make room',
  },
  'grpc.decompression-budget-spent': {
    severity: 'warning',
    title: 'Decompression budget spent',
    text: "The capture's messages have inflated to {budget} bytes, the decompression budget: this {encoding} message and every later compressed one are shown compressed (each message record says so)",
  },
  'grpc.compressed-without-encoding': {
    severity: 'warning',
    title: 'Compressed message without grpc-encoding',
    text: 'Compressed-Flag is 1 but grpc-encoding is {encoding}: the flag must be 0 when no encoding is declared',
  },
  // Headers
  'grpc.bad-timeout': {
    severity: 'warning',
    title: 'Invalid grpc-timeout',
    text: "Invalid grpc-timeout '{value}': {reason}",
  },
  'grpc.bad-binary-metadata': {
    severity: 'warning',
    title: 'Undecodable binary metadata',
    text: "'{name}' is neither base64 nor true-binary (NUL-prefixed): value kept as raw bytes",
  },
  'grpc.bad-path': {
    severity: 'warning',
    title: 'Unusual :path',
    text: "':path' {path} is not of the form /Service/Method",
  },
  'grpc.headers-undecoded': {
    severity: 'warning',
    title: 'Header block lost',
    text: 'The {side} header block of stream {stream} could not be decoded ({reason}): the call is reconstructed from what remains',
  },
  // Status
  'grpc.bad-status': {
    severity: 'warning',
    title: 'Invalid grpc-status',
    text: "grpc-status '{value}' is not a decimal integer",
  },
  'grpc.missing-status': {
    severity: 'warning',
    title: 'No grpc-status',
    text: 'The response ended without grpc-status: status {status} ({statusName}) synthesized from HTTP status {httpStatus}',
  },
  'grpc.bad-status-details': {
    severity: 'warning',
    title: 'Undecodable grpc-status-details-bin',
    text: 'grpc-status-details-bin is not a google.rpc.Status: {reason}',
  },
  'grpc.status-details-mismatch': {
    severity: 'warning',
    title: 'Status details disagree',
    text: 'grpc-status-details-bin says code {detailsCode} but grpc-status is {status}',
  },
  // Call outcomes
  'grpc.http-error': {
    severity: 'error',
    title: 'Non-200 HTTP status on a gRPC call',
    text: 'gRPC call {method} got HTTP :status {httpStatus} (content-type {contentType}): maps to {statusName}',
  },
  'grpc.call-reset': {
    severity: 'warning',
    title: 'gRPC call reset',
    text: 'gRPC call {method} was reset by the {side} with RST_STREAM {errorCode}',
  },
  'grpc.call-refused': {
    severity: 'warning',
    title: 'gRPC call refused by GOAWAY',
    text: 'gRPC call {method} on stream {stream} is above GOAWAY last-stream-id {lastStreamId}: the server never processed it',
  },
  'grpc.guessed-call': {
    severity: 'info',
    title: 'gRPC call recognised without request headers',
    text: 'Stream {stream} is treated as a gRPC call from {evidence}: its request headers were not seen. Later calls of this connection recognised the same way are marked guessed on their own records (json `guessed`, `guesses`), without a diagnostic each',
  },
  'grpc.decode-as-call': {
    severity: 'info',
    title: 'gRPC call by --decode-as',
    text: 'Stream {stream} is treated as a gRPC call because port {port} is decoded as gRPC (--decode-as): {why}',
  },
  // Protobuf payloads
  'grpc.schema-mismatch': {
    severity: 'warning',
    title: 'Message does not match its schema',
    text: 'A {direction} message of {method} does not decode as {type} ({reason}): shown as raw protobuf',
  },
  'grpc.schema-load-failed': {
    severity: 'error',
    title: 'Schema not loaded',
    text: 'The --proto / --descriptor-set schema could not be loaded ({error}): messages are shown as raw protobuf',
  },
  'grpc.method-not-in-schema': {
    severity: 'info',
    title: 'Method not in the loaded schema',
    text: 'Method {method} is not in the loaded .proto files: messages are shown as raw protobuf',
  },
  // Schemas learned from gRPC server reflection (grpc.reflection.v1 / v1alpha ServerReflectionInfo)
  'grpc.schema-from-reflection': {
    severity: 'info',
    title: 'Schema learned from server reflection',
    text: 'A {method} response carried {files}: calls whose request headers come after it decode with that schema ({services})',
  },
  'grpc.reflection-schema-unusable': {
    severity: 'warning',
    title: 'Reflected schema not usable',
    text: 'The FileDescriptorProtos of {method} ({files}) do not build a schema yet: {error}',
  },
  'grpc.reflection-schema-late': {
    severity: 'info',
    title: 'Calls before the reflected schema',
    text:
      '{count} calls of methods in the reflected schema ({methods}) started before the reflection response and ' +
      'are shown as raw protobuf; --reflection-first decodes them too (it reads the capture file twice)',
  },
  'grpc.reflection-schema-first-pass': {
    severity: 'info',
    title: 'Calls decoded late with the reflected schema',
    text:
      '{count} calls started before the reflection response that carried their schema and are decoded with ' +
      'it, learned in a first pass over the capture (--reflection-first; {files}): {calls}',
  },
} as const satisfies Record<string, DiagnosticSpec>;

export type GrpcDiagnosticCode = keyof typeof GRPC_DIAGNOSTICS;

/**
 * RFC 9113 §7 error codes in plain words: what the sender of a GOAWAY or RST_STREAM is telling the peer,
 * and what usually causes it.
 */
const MEANINGS: Record<string, string> = {
  NO_ERROR: 'a graceful close, not an error.',
  PROTOCOL_ERROR: 'the peer broke the HTTP/2 protocol (a bad preface, a frame not allowed in its state).',
  INTERNAL_ERROR:
    'the sender hit an internal fault (a crash in a handler, a proxy losing its upstream); see its logs.',
  FLOW_CONTROL_ERROR: 'the peer sent more DATA than the window allowed (RFC 9113 §6.9.1).',
  SETTINGS_TIMEOUT: 'the peer did not acknowledge SETTINGS in time (RFC 9113 §6.5.3).',
  STREAM_CLOSED: 'the peer sent frames on a stream it had already closed.',
  FRAME_SIZE_ERROR: 'a frame had an invalid size, e.g. above SETTINGS_MAX_FRAME_SIZE (RFC 9113 §4.2).',
  REFUSED_STREAM: 'the stream was refused before any processing: safe to retry (RFC 9113 §8.7).',
  CANCEL: 'the stream is no longer needed (a cancelled request).',
  COMPRESSION_ERROR: 'the HPACK compression state could not be maintained (RFC 7541).',
  CONNECT_ERROR: 'the TCP connection of a CONNECT request failed.',
  ENHANCE_YOUR_CALM: 'the peer is generating excessive load (too many requests, resets or PINGs).',
  INADEQUATE_SECURITY: 'the TLS version or cipher suite is below what HTTP/2 requires (RFC 9113 §9.2).',
  HTTP_1_1_REQUIRED: 'the server wants this request over HTTP/1.1 instead (RFC 9113 §7).',
};

export function errorMeaning(code: string): string {
  return (
    MEANINGS[code] ?? `${code} is not an RFC 9113 error code; the sender's documentation says what it means.`
  );
}

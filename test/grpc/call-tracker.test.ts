import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { CallRecord, GrpcEvent } from '../../src/records/call.js';
import { GrpcCallTracker } from '../../src/grpc/call-tracker.js';
import type { H2Event } from '../../src/h2/types.js';
import {
  REQUEST,
  RESPONSE,
  continuation,
  data,
  goaway,
  headers,
  headersStart,
  lostHeaders,
  lpm,
  rst,
} from './h2-events.js';

function run(
  events: H2Event[],
  end?: { time: number; reason?: 'capture-end' | 'fin' },
  tracker = new GrpcCallTracker({ connection: 'c1' }),
): GrpcEvent[] {
  const out = events.flatMap((e) => tracker.push(e));
  if (end !== undefined) out.push(...tracker.finish(end.time, end.reason));
  return out;
}
const calls = (evs: GrpcEvent[]): CallRecord[] => evs.flatMap((e) => (e.kind === 'call' ? [e.call] : []));
const codes = (evs: GrpcEvent[]): string[] =>
  evs.flatMap((e) => (e.kind === 'diagnostic' ? [e.diagnostic.code] : []));
function one(evs: GrpcEvent[]): CallRecord {
  const c = calls(evs);
  expect(c).toHaveLength(1);
  return c[0] as CallRecord;
}

// HelloRequest { name = 1 } "world" / HelloReply { message = 1 } "Hello world", hand-encoded (0a = field 1 LEN)
const HELLO_REQ = '0a05776f726c64';
const HELLO_REP = '0a0b48656c6c6f20776f726c64';

describe('GrpcCallTracker: the PROTOCOL-HTTP2.md unary example', () => {
  const path = '/google.pubsub.v2.PublisherService/CreateTopic';
  const events = [
    headers('client', 1, 100.0, [
      [':method', 'POST'],
      [':scheme', 'http'],
      [':path', path],
      [':authority', 'pubsub.googleapis.com'],
      ['grpc-timeout', '1S'],
      ['content-type', 'application/grpc+proto'],
      ['grpc-encoding', 'gzip'],
      ['authorization', 'Bearer y235.wef315yfh138vh31hv93hv8h3v'],
    ]),
    data('client', 1, 100.001, lpm(gzipSync(Buffer.from(HELLO_REQ, 'hex')), 1), true),
    headers('server', 1, 100.01, [
      [':status', '200'],
      ['grpc-encoding', 'gzip'],
      ['content-type', 'application/grpc+proto'],
    ]),
    data('server', 1, 100.02, lpm(HELLO_REP)),
    headers(
      'server',
      1,
      100.025,
      [
        ['grpc-status', '0'],
        ['trace-proto-bin', 'jher831yy13JHy3hc'],
      ],
      true,
    ),
  ];

  it('emits the call exactly when the trailers end the stream', () => {
    const tracker = new GrpcCallTracker({ connection: 'c1' });
    const perEvent = events.map((e) => calls(tracker.push(e)).length);
    expect(perEvent).toEqual([0, 0, 0, 0, 1]);
    expect(tracker.finish(200)).toEqual([]);
  });

  it('fills the record', () => {
    const c = one(run(events));
    expect(c).toMatchObject({
      connection: 'c1',
      stream: 1,
      method: path,
      service: 'google.pubsub.v2.PublisherService',
      methodName: 'CreateTopic',
      authority: 'pubsub.googleapis.com',
      status: 0,
      statusName: 'OK',
      statusSource: 'trailers',
      message: null,
      statusDetails: null,
      outcome: 'ok',
      reset: null,
      kind: 'unary',
      kindInferred: true,
      start: 100,
      end: 100.025,
      durationMs: 25,
      firstResponseMs: 10,
      deadlineMs: 1000,
      contentType: 'application/grpc+proto',
      requestEncoding: 'gzip',
      responseEncoding: 'gzip',
      requestCount: 1,
      responseCount: 1,
      trailersOnly: false,
      httpStatus: 200,
      responseBody: null,
      guessed: false,
      guesses: [],
    });
    expect(c.requests).toEqual([
      {
        length: 27,
        compressed: true,
        decompressedLength: 7,
        firstTime: 100.001,
        time: 100.001,
        packet: (events[1] as Extract<H2Event, { kind: 'frame' }>).frame.packet,
        decoded: {
          kind: 'raw',
          fields: [{ field: 1, wire: 'len', value: { kind: 'string', text: 'world' } }],
        },
      },
    ]);
    expect(c.responses[0]?.decoded).toEqual({
      kind: 'raw',
      fields: [{ field: 1, wire: 'len', value: { kind: 'string', text: 'Hello world' } }],
    });
    expect(c.trailers).toEqual([
      ['grpc-status', '0'],
      ['trace-proto-bin', 'jher831yy13JHy3hc'],
    ]);
    expect(c.metadata.request).toEqual([
      { name: 'authorization', value: 'Bearer y235.wef315yfh138vh31hv93hv8h3v', binary: false },
    ]);
    // "jher831yy13JHy3hc" is 17 base64 characters: 1 mod 4, so not base64; kept raw with a diagnostic
    expect(c.metadata.trailers).toEqual([
      {
        name: 'trace-proto-bin',
        value: Buffer.from('jher831yy13JHy3hc').toString('hex'),
        binary: true,
        encoding: 'raw',
      },
    ]);
    expect(c.requestHeaders[2]).toEqual([':path', path]);
    expect(c.responseHeaders).toHaveLength(3);
  });

  it('reports the undecodable -bin trailer', () => {
    expect(codes(run(events))).toEqual(['grpc.bad-binary-metadata']);
  });
});

describe('GrpcCallTracker: status and outcome', () => {
  it('decodes grpc-message and grpc-status-details-bin of an error', () => {
    // google.rpc.Status { code = 5; message = "gone" }: 08 05 12 04 67 6f 6e 65
    const details = Buffer.from('08051204676f6e65', 'hex').toString('base64').replace(/=+$/, '');
    const c = one(
      run([
        headers('client', 3, 1, REQUEST('/pkg.Svc/Get')),
        data('client', 3, 1.1, lpm(''), true),
        headers('server', 3, 1.2, RESPONSE),
        headers(
          'server',
          3,
          1.3,
          [
            ['grpc-status', '5'],
            ['grpc-message', 'no%20such%20thing%3A%20%E2%9C%97'],
            ['grpc-status-details-bin', details],
          ],
          true,
        ),
      ]),
    );
    expect(c.outcome).toBe('error');
    expect(c.status).toBe(5);
    expect(c.statusName).toBe('NOT_FOUND');
    expect(c.message).toBe('no such thing: ✗');
    expect(c.statusDetails).toEqual({ code: 5, codeName: 'NOT_FOUND', message: 'gone', details: [] });
    expect(c.requests[0]).toMatchObject({ length: 0, decoded: { kind: 'raw', fields: [] } });
  });

  it('flags status details that disagree with grpc-status', () => {
    const details = Buffer.from('0805', 'hex').toString('base64'); // code 5
    const evs = run([
      headers('client', 1, 1, REQUEST('/p.S/M'), true),
      headers(
        'server',
        1,
        2,
        [...RESPONSE, ['grpc-status', '13'], ['grpc-status-details-bin', details]],
        true,
      ),
    ]);
    expect(codes(evs)).toEqual(['grpc.status-details-mismatch']);
  });

  it('handles Trailers-Only responses', () => {
    const evs = run([
      headers('client', 1, 5, REQUEST('/p.S/Missing')),
      data('client', 1, 5.001, lpm(HELLO_REQ), true),
      headers(
        'server',
        1,
        5.002,
        [...RESPONSE, ['grpc-status', '12'], ['grpc-message', 'unknown method Missing']],
        true,
      ),
    ]);
    const c = one(evs);
    expect(c).toMatchObject({
      outcome: 'error',
      status: 12,
      statusName: 'UNIMPLEMENTED',
      trailersOnly: true,
      httpStatus: 200,
    });
    expect(c.responseHeaders).toEqual([]);
    expect(c.trailers).toHaveLength(4);
    expect(c.responseCount).toBe(0);
    expect(c.firstResponseMs).toBe(2);
  });

  it('joins a Trailers-Only block split into HEADERS + CONTINUATION (END_STREAM on HEADERS)', () => {
    const evs = run([
      headers('client', 1, 1, REQUEST('/p.S/M'), true),
      headersStart('server', 1, 2, true),
      continuation('server', 1, 2.5, [...RESPONSE, ['grpc-status', '14']]),
    ]);
    expect(one(evs)).toMatchObject({ outcome: 'error', status: 14, trailersOnly: true, end: 2.5 });
  });

  it('skips 1xx informational blocks', () => {
    const evs = run([
      headers('client', 1, 1, REQUEST('/p.S/M'), true),
      headers('server', 1, 1.5, [[':status', '100']]),
      headers('server', 1, 2, RESPONSE),
      headers('server', 1, 3, [['grpc-status', '0']], true),
    ]);
    expect(one(evs)).toMatchObject({
      outcome: 'ok',
      httpStatus: 200,
      trailersOnly: false,
      firstResponseMs: 1000,
    });
  });

  it('synthesizes UNKNOWN when the response ends without grpc-status', () => {
    const evs = run([
      headers('client', 1, 1, REQUEST('/p.S/M'), true),
      headers('server', 1, 2, RESPONSE),
      data('server', 1, 3, lpm(HELLO_REP), true),
    ]);
    expect(one(evs)).toMatchObject({
      outcome: 'error',
      status: 2,
      statusName: 'UNKNOWN',
      statusSource: 'http-status',
    });
    expect(codes(evs)).toEqual(['grpc.missing-status']);
  });

  it('reports an invalid grpc-status', () => {
    const evs = run([
      headers('client', 1, 1, REQUEST('/p.S/M'), true),
      headers('server', 1, 2, [...RESPONSE, ['grpc-status', 'OK']], true),
    ]);
    expect(codes(evs)).toEqual(['grpc.bad-status', 'grpc.missing-status']);
    expect(one(evs).status).toBe(2);
  });

  it('marks a 503 with a JSON body as http-error, mapped to UNAVAILABLE, with the body', () => {
    const body = '{"error":"upstream connect error"}';
    const evs = run([
      headers('client', 1, 1, REQUEST('/p.S/M')),
      data('client', 1, 1.1, lpm(HELLO_REQ), true),
      headers('server', 1, 1.2, [
        [':status', '503'],
        ['content-type', 'application/json'],
      ]),
      data('server', 1, 1.3, Buffer.from(body), true),
    ]);
    const c = one(evs);
    expect(c).toMatchObject({
      outcome: 'http-error',
      httpStatus: 503,
      status: 14,
      statusName: 'UNAVAILABLE',
      statusSource: 'http-status',
    });
    expect(c.responseBody).toEqual({ length: body.length, text: body, truncated: false });
    expect(c.responseCount).toBe(0);
    const d = evs.find((e) => e.kind === 'diagnostic');
    expect(d?.kind === 'diagnostic' && d.diagnostic.message).toBe(
      'gRPC call /p.S/M got HTTP :status 503 (content-type application/json): maps to UNAVAILABLE',
    );
  });

  it('keeps grpc-status when a non-200 response carries one', () => {
    const evs = run([
      headers('client', 1, 1, REQUEST('/p.S/M'), true),
      headers(
        'server',
        1,
        2,
        [
          [':status', '429'],
          ['content-type', 'application/grpc'],
          ['grpc-status', '8'],
        ],
        true,
      ),
    ]);
    expect(one(evs)).toMatchObject({ outcome: 'http-error', status: 8, statusSource: 'trailers' });
  });
});

describe('GrpcCallTracker: abnormal ends', () => {
  it('records an RST_STREAM with side and code', () => {
    const evs = run([
      headers('client', 1, 1, REQUEST('/p.S/Watch')),
      data('client', 1, 1, lpm(HELLO_REQ), true),
      headers('server', 1, 2, RESPONSE),
      data('server', 1, 3, lpm(HELLO_REP)),
      rst('client', 1, 4, 'CANCEL'),
    ]);
    const c = one(evs);
    expect(c).toMatchObject({
      outcome: 'reset',
      reset: { by: 'client', errorCode: 'CANCEL' },
      status: 1,
      statusSource: 'rst-stream',
      end: 4,
    });
    // A client CANCEL is explained by the analysis layer (analysis.cancel.client), not flagged here.
    expect(codes(evs)).toEqual([]);
  });

  it('flags a reset that is not a client cancel', () => {
    const evs = run([
      headers('client', 1, 1, REQUEST('/p.S/Watch')),
      data('client', 1, 1, lpm(HELLO_REQ), true),
      rst('server', 1, 2, 'INTERNAL_ERROR'),
    ]);
    expect(one(evs)).toMatchObject({
      outcome: 'reset',
      reset: { by: 'server', errorCode: 'INTERNAL_ERROR' },
    });
    expect(codes(evs)).toEqual(['grpc.call-reset']);
  });

  it('ignores RST_STREAM NO_ERROR after the trailers (early server closure)', () => {
    const evs = run([
      headers('client', 1, 1, REQUEST('/p.S/Upload')),
      data('client', 1, 1, lpm(HELLO_REQ)),
      headers('server', 1, 2, [...RESPONSE, ['grpc-status', '3']], true),
      rst('server', 1, 2, 'NO_ERROR'),
      data('client', 1, 3, lpm(HELLO_REQ), true),
    ]);
    expect(one(evs)).toMatchObject({ outcome: 'error', status: 3, reset: null });
    expect(codes(evs)).toEqual([]);
  });

  it('calls a cancel after the deadline deadline-exceeded', () => {
    // grpc-timeout 100m; the client gives up (RST_STREAM CANCEL) 150 ms later
    const evs = run([
      headers('client', 1, 10, REQUEST('/p.S/Slow', [['grpc-timeout', '100m']])),
      data('client', 1, 10, lpm(HELLO_REQ), true),
      rst('client', 1, 10.15, 'CANCEL'),
    ]);
    expect(one(evs)).toMatchObject({
      outcome: 'deadline-exceeded',
      status: 4,
      statusSource: 'deadline',
      deadlineMs: 100,
      reset: { by: 'client', errorCode: 'CANCEL' },
    });
    // The outcome carries it; analysis.deadline.exceeded explains it.
    expect(codes(evs)).toEqual([]);
  });

  it('refuses streams above GOAWAY last-stream-id that got no response', () => {
    const evs = run(
      [
        headers('client', 1, 1, REQUEST('/p.S/A'), true),
        headers('client', 3, 1.1, REQUEST('/p.S/B'), true),
        goaway('server', 1.2, 1),
        headers('server', 1, 1.3, [...RESPONSE, ['grpc-status', '0']], true),
        headers('client', 5, 1.4, REQUEST('/p.S/C'), true),
      ],
      { time: 2 },
    );
    const cs = calls(evs);
    expect(cs.map((c) => [c.stream, c.outcome, c.status, c.statusSource, c.end])).toEqual([
      [3, 'refused', 14, 'goaway', 1.2],
      [1, 'ok', 0, 'trailers', 1.3],
      [5, 'refused', 14, 'goaway', 1.4],
    ]);
    expect(codes(evs)).toEqual(['grpc.call-refused', 'grpc.call-refused']);
  });

  it('ignores a GOAWAY from the client', () => {
    const evs = run([headers('client', 3, 1, REQUEST('/p.S/B'), true), goaway('client', 1.2, 0)], {
      time: 2,
    });
    expect(one(evs).outcome).toBe('incomplete');
  });

  it('ends open calls at finish: incomplete at capture end, connection-closed otherwise', () => {
    const evs = [headers('client', 1, 1, REQUEST('/p.S/M')), data('client', 1, 1.5, lpm(HELLO_REQ))];
    expect(one(run(evs, { time: 3 }))).toMatchObject({
      outcome: 'incomplete',
      status: null,
      statusName: null,
      end: 3,
      durationMs: 2000,
    });
    expect(one(run(evs, { time: 3, reason: 'fin' }))).toMatchObject({
      outcome: 'connection-closed',
      status: 14,
      statusSource: 'connection',
    });
  });

  it('marks an open call whose deadline passed before capture end as deadline-exceeded', () => {
    const evs = run([headers('client', 1, 1, REQUEST('/p.S/M', [['grpc-timeout', '1S']]), true)], {
      time: 2.5,
    });
    expect(one(evs).outcome).toBe('deadline-exceeded');
  });
});

describe('GrpcCallTracker: what is and is not a call', () => {
  it('ignores streams whose request content-type is not gRPC', () => {
    const evs = run(
      [
        headers('client', 1, 1, [
          [':method', 'POST'],
          [':path', '/api'],
          ['content-type', 'application/json'],
        ]),
        data('client', 1, 1, Buffer.from('{}'), true),
        headers('server', 1, 2, [[':status', '200']]),
        data('server', 1, 2, lpm(HELLO_REP), true),
      ],
      { time: 3 },
    );
    expect(evs).toEqual([]);
  });

  it('recognises a mid-call stream from its grpc-status trailer and marks it guessed', () => {
    const evs = run([
      data('client', 7, 1, lpm(HELLO_REQ), true),
      data('server', 7, 2, lpm(HELLO_REP)),
      headers('server', 7, 3, [['grpc-status', '0']], true),
    ]);
    const c = one(evs);
    expect(c).toMatchObject({
      stream: 7,
      method: null,
      outcome: 'ok',
      guessed: true,
      start: 1,
      requestCount: 1,
      responseCount: 1,
    });
    expect(c.guesses).toEqual([
      { what: 'grpc-call', reason: 'request headers not in the capture; recognised by grpc-status trailer' },
    ]);
    expect(codes(evs)).toEqual(['grpc.guessed-call']);
  });

  it('recognises a stream with lost request headers from the response content-type', () => {
    const evs = run(
      [
        lostHeaders('client', 1, 1),
        data('client', 1, 1, lpm(HELLO_REQ), true),
        headers('server', 1, 2, RESPONSE),
      ],
      { time: 3 },
    );
    const c = one(evs);
    expect(c.guesses).toEqual([
      {
        what: 'grpc-call',
        reason: 'request headers not decodable; recognised by response content-type application/grpc',
      },
    ]);
    expect(c.outcome).toBe('incomplete');
    expect(codes(evs)).toEqual(['grpc.guessed-call', 'grpc.headers-undecoded']);
  });

  it('uses the partial fields of a damaged request block', () => {
    // content-type survived: a call, not a guess; :path survived too
    const withType = run(
      [
        lostHeaders('client', 1, 1, true, [
          [':path', '/p.S/M'],
          ['content-type', 'application/grpc'],
        ]),
      ],
      { time: 2 },
    );
    expect(one(withType)).toMatchObject({ method: '/p.S/M', guessed: false, outcome: 'incomplete' });
    expect(codes(withType)).toEqual(['grpc.headers-undecoded']);
    // only :path survived: a candidate, recognised later, keeping the path
    const pathOnly = run([
      lostHeaders('client', 3, 1, true, [[':path', '/p.S/N']]),
      headers('server', 3, 2, [...RESPONSE, ['grpc-status', '0']], true),
    ]);
    expect(one(pathOnly)).toMatchObject({ method: '/p.S/N', methodName: 'N', guessed: true, outcome: 'ok' });
    // a surviving non-gRPC content-type: not a call
    expect(run([lostHeaders('client', 5, 1, true, [['content-type', 'text/plain']])], { time: 2 })).toEqual(
      [],
    );
  });

  it('reads grpc-status from a damaged trailer block', () => {
    const evs = run([
      headers('client', 1, 1, REQUEST('/p.S/M'), true),
      headers('server', 1, 2, RESPONSE),
      lostHeaders('server', 1, 3, true, [['grpc-status', '7']]),
    ]);
    expect(one(evs)).toMatchObject({ outcome: 'error', status: 7, trailers: [['grpc-status', '7']] });
  });

  // regression: a lost trailer block (HPACK state lost mid-connection) used to be reported as a peer that
  // forgot grpc-status (outcome error, UNKNOWN synthesized); we simply could not read the status.
  it('leaves the status unknown when the trailer block could not be decoded', () => {
    const evs = run([
      headers('client', 1, 1, REQUEST('/p.S/M'), true),
      headers('server', 1, 2, RESPONSE),
      data('server', 1, 3, lpm(HELLO_REP)),
      lostHeaders('server', 1, 4, true),
    ]);
    expect(one(evs)).toMatchObject({
      outcome: 'status-unknown',
      status: null,
      statusName: null,
      statusSource: null,
      responseCount: 1,
      end: 4,
    });
    expect(codes(evs)).toEqual(['grpc.headers-undecoded']);
  });

  it('recognises a stream from clean Length-Prefixed DATA alone', () => {
    const evs = run([data('client', 9, 1, lpm(HELLO_REQ), true), rst('server', 9, 2, 'CANCEL')]);
    const c = one(evs);
    expect(c.guesses[0]?.reason).toBe(
      'request headers not in the capture; recognised by length-prefixed DATA',
    );
    expect(c.outcome).toBe('reset');
  });

  it('drops candidates whose DATA is not gRPC framing, without diagnostics', () => {
    const evs = run(
      [
        data('server', 11, 1, Buffer.from('<html>not grpc</html>'), true),
        data('client', 13, 1, Buffer.from('GET')),
      ],
      { time: 2 },
    );
    expect(evs).toEqual([]);
  });

  it('drops candidates whose response content-type is not gRPC', () => {
    const evs = run([
      lostHeaders('client', 1, 1, true),
      headers('server', 1, 2, [
        [':status', '200'],
        ['content-type', 'text/html'],
      ]),
      data('server', 1, 2, lpm(''), true),
    ]);
    expect(evs).toEqual([]);
  });
});

describe('GrpcCallTracker: messages and kinds', () => {
  it('reassembles messages across DATA frames and splits many per frame', () => {
    const two = Buffer.concat([lpm(HELLO_REP), lpm(HELLO_REP)]);
    const evs = run([
      headers('client', 1, 1, REQUEST('/p.S/M')),
      data('client', 1, 1.1, lpm(HELLO_REQ).subarray(0, 3)),
      data('client', 1, 1.2, lpm(HELLO_REQ).subarray(3), true),
      headers('server', 1, 2, RESPONSE),
      data('server', 1, 2.1, two),
      headers('server', 1, 3, [['grpc-status', '0']], true),
    ]);
    const c = one(evs);
    expect(c.requests.map((m) => [m.length, m.time])).toEqual([[7, 1.2]]);
    expect(c.responses.map((m) => [m.length, m.time])).toEqual([
      [13, 2.1],
      [13, 2.1],
    ]);
    expect(c.kind).toBe('server-streaming');
  });

  it.each([
    ['unary', 1, 1, false],
    ['client-streaming', 3, 1, false],
    ['server-streaming', 1, 3, false],
    ['bidi', 2, 2, false],
    ['client-streaming', 1, 1, true], // one message each, but the response came before the half-close
  ])('infers %s from %d requests, %d responses (interleaved: %s)', (kind, nReq, nRes, interleaved) => {
    const evs: H2Event[] = [headers('client', 1, 1, REQUEST('/p.S/M'))];
    for (let i = 0; i < nReq; i++) evs.push(data('client', 1, 1 + i * 0.01, lpm(HELLO_REQ)));
    if (!interleaved) evs.push(data('client', 1, 1.5, Buffer.alloc(0), true));
    evs.push(headers('server', 1, 2, RESPONSE));
    for (let i = 0; i < nRes; i++) evs.push(data('server', 1, 2 + i * 0.01, lpm(HELLO_REP)));
    if (interleaved) evs.push(data('client', 1, 2.5, Buffer.alloc(0), true));
    evs.push(headers('server', 1, 3, [['grpc-status', '0']], true));
    expect(one(run(evs))).toMatchObject({
      kind,
      kindInferred: true,
      requestCount: nReq,
      responseCount: nRes,
    });
  });

  it('counts but does not keep messages past maxMessagesPerCall', () => {
    const tracker = new GrpcCallTracker({ connection: 'c1', maxMessagesPerCall: 2 });
    const evs = run(
      [
        headers('client', 1, 1, REQUEST('/p.S/M')),
        data('client', 1, 1, Buffer.concat([lpm('0801'), lpm('0802'), lpm('0803')]), true),
      ],
      { time: 2 },
      tracker,
    );
    const c = one(evs);
    expect(c.requestCount).toBe(3);
    expect(c.requests).toHaveLength(2);
  });

  it('shows +json messages as text', () => {
    const evs = run(
      [
        headers('client', 1, 1, [
          ...REQUEST('/p.S/M').filter(([n]) => n !== 'content-type'),
          ['content-type', 'application/grpc+json'],
        ]),
        data('client', 1, 1, lpm(Buffer.from('{"name":"x"}')), true),
      ],
      { time: 2 },
    );
    expect(one(evs).requests[0]?.decoded).toEqual({ kind: 'text', text: '{"name":"x"}' });
  });

  it('reports a bad compressed flag, an unfinished message and an unknown encoding', () => {
    const evs = run([
      headers('client', 1, 1, REQUEST('/p.S/M', [['grpc-encoding', 'snappy']])),
      data('client', 1, 1, Buffer.concat([lpm('0801', 1), lpm('0801', 2), lpm('0801').subarray(0, 6)]), true),
      headers('server', 1, 2, [...RESPONSE, ['grpc-status', '0']], true),
    ]);
    const c = one(evs);
    expect(codes(evs)).toEqual([
      'grpc.unknown-encoding',
      'grpc.bad-compressed-flag',
      'grpc.message-incomplete',
    ]);
    expect(c.requests[0]?.decoded).toEqual({ kind: 'skipped', reason: 'compressed (snappy), not inflated' });
    expect(c.requests[1]?.decoded.kind).toBe('raw');
  });

  it('reports an invalid grpc-timeout and an unusual :path', () => {
    const evs = run([headers('client', 1, 1, REQUEST('/justone', [['grpc-timeout', '5 seconds']]), true)], {
      time: 2,
    });
    expect(codes(evs)).toEqual(['grpc.bad-path', 'grpc.bad-timeout']);
    expect(one(evs)).toMatchObject({ method: '/justone', service: null, methodName: null, deadlineMs: null });
  });

  it('ignores frames on stream 0 and other frame types', () => {
    const tracker = new GrpcCallTracker({ connection: 'c1' });
    expect(tracker.push(data('client', 0, 1, Buffer.from('x')))).toEqual([]);
    expect(
      tracker.push({ kind: 'diagnostic', diagnostic: { severity: 'info', code: 'h2.x', message: 'x' } }),
    ).toEqual([]);
    expect(tracker.finish(1)).toEqual([]);
  });
});

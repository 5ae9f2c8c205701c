/** grpc.* fields: one gRPC call (CallSummary, src/records/call.ts). */
import type { CallOutcome, CallKind, CallSummary } from '../records/call.js';
import { GRPC_STATUS_NAMES } from '../grpc/status.js';
import { present, type FieldDef } from './field-types.js';

// Every CallOutcome: a Record keyed by the union makes the compiler say when one is missing.
const OUTCOME_SET: Record<CallOutcome, true> = {
  ok: true,
  error: true,
  reset: true,
  refused: true,
  'connection-closed': true,
  'deadline-exceeded': true,
  incomplete: true,
  'http-error': true,
  'status-unknown': true,
};
const OUTCOMES = Object.keys(OUTCOME_SET) as CallOutcome[];
const KINDS: readonly CallKind[] = ['unary', 'server-streaming', 'client-streaming', 'bidi'];

function text(description: string, call: (c: CallSummary) => string | null): FieldDef {
  return { name: '', number: false, string: true, description, call };
}

function num(description: string, call: (c: CallSummary) => number | null): FieldDef {
  return { name: '', number: true, string: false, description, call };
}

const defs: Record<string, FieldDef> = {
  'grpc.method': text('full method path, e.g. "/helloworld.Greeter/SayHello"', (c) => c.method),
  'grpc.service': text('service name, e.g. "helloworld.Greeter"', (c) => c.service),
  'grpc.method_name': text('method name without the service, e.g. "SayHello"', (c) => c.methodName),
  'grpc.authority': text(':authority of the request', (c) => c.authority),
  'grpc.status': {
    name: '',
    number: true,
    string: true,
    ignoreCase: true,
    names: { list: GRPC_STATUS_NAMES, also: /^CODE_\d+$/i },
    description: 'status code, as a number (14) or a name (UNAVAILABLE)',
    call: (c) => present(c.status, c.statusName),
  },
  'grpc.message': text('grpc-message, percent-decoded', (c) => c.message),
  'grpc.outcome': {
    name: '',
    number: false,
    string: true,
    ignoreCase: true,
    names: { list: OUTCOMES },
    description: `how the call ended: ${OUTCOMES.join(', ')}`,
    call: (c) => c.outcome,
  },
  'grpc.kind': {
    name: '',
    number: false,
    string: true,
    ignoreCase: true,
    names: { list: KINDS },
    description: `call kind: ${KINDS.join(', ')}`,
    call: (c) => c.kind,
  },
  'grpc.duration': num('call duration in ms (units allowed: 250ms, 1.5s, 800us)', (c) => c.durationMs),
  'grpc.first_response': num('ms from the request to the first response frame', (c) => c.firstResponseMs),
  'grpc.deadline': num('grpc-timeout of the request, in ms', (c) => c.deadlineMs),
  'grpc.requests': num('request messages', (c) => c.requestCount),
  'grpc.responses': num('response messages', (c) => c.responseCount),
  'grpc.http_status': num(':status of the response', (c) => c.httpStatus),
  'grpc.content_type': text('content-type of the request', (c) => c.contentType),
  'grpc.encoding': {
    name: '',
    number: false,
    string: true,
    ignoreCase: true,
    description: 'grpc-encoding of either direction, e.g. gzip',
    call: (c) => present(c.requestEncoding, c.responseEncoding),
  },
  'grpc.reset': {
    name: '',
    number: false,
    string: true,
    ignoreCase: true,
    description: 'RST_STREAM error code that ended the call, e.g. CANCEL',
    call: (c) => c.reset?.errorCode ?? null,
  },
  'grpc.guessed': {
    name: '',
    number: false,
    string: false,
    boolean: true,
    description: 'the call was recognised without its request headers',
    call: (c) => c.guessed,
  },
};

export const GRPC_FIELDS: FieldDef[] = Object.entries(defs).map(([name, def]) => ({ ...def, name }));

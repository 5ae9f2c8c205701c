// grpc-status-details-bin: a google.rpc.Status with ErrorInfo, RetryInfo and BadRequest details
// (https://google.aip.dev/193), encoded with protobufjs from scripts/samples/protos/rpc-status.proto.
import { encodeMessage, packAny } from './codec.js';

const ERROR_INFO = {
  reason: 'QUOTA_EXCEEDED',
  domain: 'lab.scope.v1',
  metadata: { tenant: 'lab', limit: '10' },
};
const RETRY_INFO = { retry_delay: { seconds: 2, nanos: 500_000_000 } };
const BAD_REQUEST = {
  field_violations: [
    { field: 'text', description: 'must not be empty' },
    { field: 'labels[1]', description: 'unknown label' },
  ],
};

export interface StatusDetails {
  bytes: Buffer;
  /** What `bytes` decodes to, each Any's value decoded by its type URL. */
  json: unknown;
}

export function statusDetails(code: number, message: string): StatusDetails {
  const details = [
    ['google.rpc.ErrorInfo', ERROR_INFO],
    ['google.rpc.RetryInfo', RETRY_INFO],
    ['google.rpc.BadRequest', BAD_REQUEST],
  ] as const;
  const bytes = encodeMessage('google.rpc.Status', {
    code,
    message,
    details: details.map(([type, value]) => packAny(type, value)),
  });
  const json = {
    code,
    message,
    details: details.map(([type, value]) => ({ type_url: `type.googleapis.com/${type}`, value })),
  };
  return { bytes, json };
}

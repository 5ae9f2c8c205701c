/**
 * What an accepted h2c upgrade (RFC 7540 §3.2) contributes to the connection: the HTTP/1.1 request that
 * becomes stream 1, the 101 status line, and the client's HTTP2-Settings, which count as its first SETTINGS
 * frame, acknowledged by the 101 (§3.2.1). Pure: parsed heads in, values out.
 */
import { settingName } from '../h2/constants.js';
import type { UpgradeRecord } from '../records/records.js';
import { decodeHttp2SettingsHeader, type Http1Head } from './http1.js';

export interface H2cUpgrade {
  record: UpgradeRecord;
  /** The decoded settings as [id, value] pairs in header order, for the HTTP/2 decoder. */
  settings: Array<[number, number]>;
}

/** `statusLine`: the 101's, or what stood for it when it was not captured or not readable. */
export function describeH2cUpgrade(req: Http1Head, statusLine: string): H2cUpgrade {
  const values = req.headers.filter(([name]) => name === 'http2-settings').map(([, value]) => value);
  const decoded = values.length === 1 ? decodeHttp2SettingsHeader(values[0]!) : null;
  const settings = decoded ?? [];
  const record: UpgradeRecord = {
    request: { method: req.method ?? '', target: req.target ?? '', headers: req.headers },
    statusLine,
    settings: Object.fromEntries(settings.map(([id, value]) => [settingName(id), value])),
  };
  // §3.2.1: exactly one HTTP2-Settings header, base64url of a SETTINGS payload; a server must not upgrade otherwise.
  if (values.length === 0) record.settingsError = 'no HTTP2-Settings header';
  else if (values.length > 1)
    record.settingsError = `${values.length} HTTP2-Settings headers, exactly one allowed`;
  else if (decoded === null)
    record.settingsError = 'HTTP2-Settings is not base64url of whole 6-octet settings';
  return { record, settings };
}

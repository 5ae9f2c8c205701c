import { describe, expect, it } from 'vitest';
import { alertDiagnostic, decodeAlerts } from '../../src/tls/alert.js';
import { cipherSuiteName } from '../../src/tls/cipher-suites.js';
import { extensionName, groupName, isGrease, versionName } from '../../src/tls/constants.js';

describe('decodeAlerts (RFC 8446 §6)', () => {
  it('names level and description', () => {
    expect(decodeAlerts(Buffer.from('0100', 'hex')).alerts).toEqual([
      { level: 1, levelName: 'warning', description: 0, descriptionName: 'close_notify' },
    ]);
    expect(decodeAlerts(Buffer.from('0278', 'hex')).alerts[0]).toMatchObject({
      levelName: 'fatal',
      descriptionName: 'no_application_protocol',
    });
    expect(decodeAlerts(Buffer.from('02fe', 'hex')).alerts[0]!.descriptionName).toBe('0xfe');
  });

  it('decodes coalesced alerts and flags an odd byte or an empty record', () => {
    const r = decodeAlerts(Buffer.from('022801', 'hex'), { connection: 'c3' });
    expect(r.alerts.map((a) => a.descriptionName)).toEqual(['handshake_failure']);
    expect(r.diagnostics.map((d) => [d.code, d.connection, d.evidence])).toEqual([
      ['tls.alert-malformed', 'c3', { length: 3 }],
    ]);
    expect(decodeAlerts(Buffer.alloc(0)).diagnostics.map((d) => d.code)).toEqual(['tls.alert-malformed']);
    expect(decodeAlerts(Buffer.from('01000100', 'hex')).alerts).toHaveLength(2);
  });
});

describe('alertDiagnostic', () => {
  const [closeNotify, handshakeFailure, userCanceled] = decodeAlerts(
    Buffer.from('01000228015a', 'hex'),
  ).alerts;

  it('picks the code by alert and phase', () => {
    expect(alertDiagnostic(closeNotify!, 'client', false)?.message).toBe(
      'The client closed the TLS connection (close_notify)',
    );
    expect(alertDiagnostic(handshakeFailure!, 'server', true, { connection: 'c1', time: 3 })).toMatchObject({
      code: 'tls.handshake-alert',
      severity: 'error',
      connection: 'c1',
      time: 3,
      message:
        'The server sent a fatal handshake_failure alert during the TLS handshake; the connection failed',
    });
    expect(alertDiagnostic(handshakeFailure!, 'server', false)?.code).toBe('tls.fatal-alert');
    expect(userCanceled?.descriptionName).toBe('user_canceled');
    expect(alertDiagnostic(userCanceled!, 'client', false)).toBeUndefined();
  });
});

describe('registry names', () => {
  it('names suites, versions, extensions and groups, and shows GREASE and unknown values', () => {
    expect(cipherSuiteName(0x1301)).toBe('TLS_AES_128_GCM_SHA256');
    expect(cipherSuiteName(0xcca8)).toBe('TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256');
    expect(cipherSuiteName(0xc014)).toBe('TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA');
    expect(cipherSuiteName(0xdada)).toBe('GREASE 0xdada');
    expect(cipherSuiteName(0x1234)).toBe('0x1234');
    expect(versionName(0x0304)).toBe('TLS 1.3');
    expect(versionName(0x7f1c)).toBe('TLS 1.3 draft 28');
    expect(versionName(0x0a0a)).toBe('GREASE 0x0a0a');
    expect(extensionName(0xfe0d)).toBe('encrypted_client_hello');
    expect(extensionName(0x1234)).toBe('0x1234');
    expect(groupName(0x11ec)).toBe('X25519MLKEM768');
    expect([0x0a0a, 0xfafa, 0x0a1a, 0x1a0a, 0x0b0b].map(isGrease)).toEqual([true, true, false, false, false]);
  });
});

import { diag } from '../diagnostics/make.js';
import { TLS_DIAGNOSTICS } from '../diagnostics/tls.js';
import type { Diagnostic, DiagnosticWhere } from '../diagnostics/types.js';
import { AlertDescription, AlertLevel, alertDescriptionName, alertLevelName } from './constants.js';

/** RFC 8446 §6: struct { AlertLevel level; AlertDescription description; } Alert. */
export interface TlsAlert {
  level: number;
  levelName: string;
  description: number;
  descriptionName: string;
}

/**
 * Decodes the plaintext of an alert record: one alert normally, several in TLS 1.2 (which allows
 * coalescing). An odd trailing byte is reported, not decoded.
 */
export function decodeAlerts(
  fragment: Buffer,
  where: DiagnosticWhere = {},
): { alerts: TlsAlert[]; diagnostics: Diagnostic[] } {
  const alerts: TlsAlert[] = [];
  for (let i = 0; i + 1 < fragment.length; i += 2) {
    const level = fragment[i]!;
    const description = fragment[i + 1]!;
    alerts.push({
      level,
      levelName: alertLevelName(level),
      description,
      descriptionName: alertDescriptionName(description),
    });
  }
  const diagnostics =
    fragment.length % 2 === 0 && fragment.length > 0
      ? []
      : [diag(TLS_DIAGNOSTICS, 'tls.alert-malformed', { length: fragment.length }, where)];
  return { alerts, diagnostics };
}

/**
 * The diagnostic an alert deserves: close_notify is a normal end; during the handshake any other alert
 * means the handshake failed; afterwards a fatal one closes the connection. Warning-level alerts after
 * the handshake (user_canceled, TLS 1.2 no_renegotiation) get none.
 */
export function alertDiagnostic(
  alert: TlsAlert,
  side: 'client' | 'server',
  duringHandshake: boolean,
  where: DiagnosticWhere = {},
): Diagnostic | undefined {
  if (alert.description === AlertDescription.close_notify) {
    return diag(TLS_DIAGNOSTICS, 'tls.close-notify', { side }, where);
  }
  if (duringHandshake) {
    const params = { side, level: alert.levelName, description: alert.descriptionName };
    return diag(TLS_DIAGNOSTICS, 'tls.handshake-alert', params, where);
  }
  if (alert.level === AlertLevel.fatal) {
    return diag(TLS_DIAGNOSTICS, 'tls.fatal-alert', { side, description: alert.descriptionName }, where);
  }
  return undefined;
}

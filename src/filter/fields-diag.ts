/** diag.* fields: a diagnostic (src/diagnostics/types.ts); codes are listed in docs/diagnostics.md. */
import type { FieldDef } from './field-types.js';

const SEVERITIES = ['error', 'warning', 'info'] as const;

const defs: Record<string, FieldDef> = {
  'diag.code': {
    name: '',
    number: false,
    string: true,
    description: 'stable code, e.g. "tcp.gap" (docs/diagnostics.md)',
    diagnostic: (d) => d.code,
  },
  'diag.severity': {
    name: '',
    number: false,
    string: true,
    ignoreCase: true,
    names: { list: SEVERITIES },
    description: 'error, warning or info',
    diagnostic: (d) => d.severity,
  },
  'diag.message': {
    name: '',
    number: false,
    string: true,
    description: 'the message text',
    diagnostic: (d) => d.message,
  },
};

export const DIAG_FIELDS: FieldDef[] = Object.entries(defs).map(([name, def]) => ({ ...def, name }));

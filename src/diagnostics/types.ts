/**
 * Diagnostics are values, never exceptions across layers (docs/architecture.md).
 * Every layer owns a catalogue file (capture.ts, net.ts, tcp.ts, h2.ts, ...) of specs keyed by a stable
 * code; catalogue.ts merges them into the one closed catalogue that docs/diagnostics.md is generated from.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface DiagnosticSpec {
  severity: Severity;
  /** Short title, e.g. "TCP gap". */
  title: string;
  /** Message template; `{name}` placeholders are filled from the params given to makeDiagnostic. */
  text: string;
  /**
   * What to change, as a template like `text`: kept apart so a reader (the TUI's detail page, markdown)
   * shows exactly the fix, not sentences guessed from the message. The message is `text` then `fix`.
   */
  fix?: string;
}

export interface Diagnostic {
  severity: Severity;
  /** Stable identifier, e.g. `tcp.gap`. Tests and filters use it. */
  code: string;
  /** Connection id (`"c3"`), when the diagnostic belongs to a connection. */
  connection?: string;
  /** HTTP/2 stream id, when it belongs to a stream. */
  stream?: number;
  /** Epoch seconds (capture time) of the evidence. */
  time?: number;
  /** Plain words a person can act on: what happened, then (when the catalogue names one) the fix. */
  message: string;
  /** The fix alone, exactly as it ends `message`; absent when the catalogue names none. */
  fix?: string;
  /** Machine-readable evidence: byte offsets, record numbers, sequence numbers, frame indexes... */
  evidence?: Record<string, unknown>;
}

export interface DiagnosticWhere {
  connection?: string;
  stream?: number;
  time?: number;
}

export type DiagnosticParams = Record<string, string | number | boolean | bigint | null | undefined>;

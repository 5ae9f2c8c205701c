import { ABUSE_DIAGNOSTICS } from './abuse.js';
import { ANALYSIS_DIAGNOSTICS } from './analysis.js';
import { CAPTURE_DIAGNOSTICS } from './capture.js';
import { ENGINE_DIAGNOSTICS } from './engine.js';
import { GRPC_DIAGNOSTICS } from './grpc.js';
import { H2_DIAGNOSTICS } from './h2.js';
import { NET_DIAGNOSTICS } from './net.js';
import { SESSION_DIAGNOSTICS } from './session.js';
import { TCP_DIAGNOSTICS } from './tcp.js';
import { TLS_DIAGNOSTICS } from './tls.js';
import type { DiagnosticSpec } from './types.js';

/** The one closed catalogue: every code any layer can raise. docs/diagnostics.md is generated from it. */
export const DIAGNOSTICS: Record<string, DiagnosticSpec> = {
  ...CAPTURE_DIAGNOSTICS,
  ...NET_DIAGNOSTICS,
  ...TCP_DIAGNOSTICS,
  ...SESSION_DIAGNOSTICS,
  ...H2_DIAGNOSTICS,
  ...GRPC_DIAGNOSTICS,
  ...TLS_DIAGNOSTICS,
  ...ANALYSIS_DIAGNOSTICS,
  ...ABUSE_DIAGNOSTICS,
  ...ENGINE_DIAGNOSTICS,
};

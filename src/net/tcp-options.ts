/** RFC 9293 §3.2 option kinds this decoder reads (RFC 7323 §2.2 for window scale). */
const TCPOPT_EOL = 0;
const TCPOPT_NOP = 1;
const TCPOPT_MSS = 2;
const TCPOPT_WINDOW_SCALE = 3;
const MSS_LENGTH = 4;
const WINDOW_SCALE_LENGTH = 3;
/** RFC 7323 §2.3: a shift count above 14 MUST be treated as 14. */
const MAX_WINDOW_SCALE = 14;

/** Options of a SYN that matter downstream. Reused scratch: read it before the next parse. */
export class TcpSynOptions {
  mss: number | undefined = undefined;
  windowScale: number | undefined = undefined;
  /** What was wrong, when something was; parsing stops at a broken option and keeps what came before. */
  problem: string | undefined = undefined;
}

/** Reads the options area [start, end) of a SYN (MSS and window scale are only meaningful there). */
export function parseSynOptions(data: Buffer, start: number, end: number, out: TcpSynOptions): void {
  out.mss = undefined;
  out.windowScale = undefined;
  out.problem = undefined;
  let p = start;
  while (p < end) {
    const kind = data[p]!;
    if (kind === TCPOPT_EOL) return;
    if (kind === TCPOPT_NOP) {
      p++;
      continue;
    }
    if (p + 1 >= end) return fail(out, `option ${kind} has no length byte`);
    const length = data[p + 1]!;
    if (length < 2 || p + length > end)
      return fail(out, `option ${kind} has length ${length}, ${end - p} bytes left`);
    if (kind === TCPOPT_MSS) {
      if (length !== MSS_LENGTH) return fail(out, `MSS option length ${length} (expected ${MSS_LENGTH})`);
      out.mss = data.readUInt16BE(p + 2);
    } else if (kind === TCPOPT_WINDOW_SCALE) {
      if (length !== WINDOW_SCALE_LENGTH) {
        return fail(out, `window scale option length ${length} (expected ${WINDOW_SCALE_LENGTH})`);
      }
      readWindowScale(data[p + 2]!, out);
    }
    p += length;
  }
}

function readWindowScale(shift: number, out: TcpSynOptions): void {
  out.windowScale = Math.min(shift, MAX_WINDOW_SCALE);
  if (shift > MAX_WINDOW_SCALE) out.problem = `window scale ${shift} above ${MAX_WINDOW_SCALE}, using 14`;
}

function fail(out: TcpSynOptions, problem: string): void {
  out.problem = problem;
}

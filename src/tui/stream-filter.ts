/**
 * The display filter `T` (follow stream) puts on Frames, and reading it back: Frames under that filter is
 * the Follow stream view, where `w` writes the stream's packets instead of its connection's.
 */

export interface StreamRef {
  connection: string;
  stream: number;
}

export function streamFilter(s: StreamRef): string {
  return `conn.id == "${s.connection}" && http2.stream == ${s.stream}`;
}

/** The stream a Follow stream filter names, or null for any other filter. */
export function followedStream(filter: string): StreamRef | null {
  const m = /^conn\.id == "([^"\\]+)" && http2\.stream == (\d+)$/.exec(filter.trim());
  return m ? { connection: m[1]!, stream: Number(m[2]) } : null;
}

/**
 * The call lines of one connection that has not ended, waiting for its section of the text report (the
 * report lists each connection's calls under it, by stream). A connection that stays open for a day at 50
 * calls a second would hold 4 million lines (~300 MB) in memory; with a spool they go to its file in
 * sorted runs of RUN lines, and memory holds one Piece per run plus at most 2 x RUN lines. Streams are
 * opened in increasing order, so calls end nearly in stream order: each spill writes the lowest RUN of the
 * pending lines and keeps the others for calls that end later; a call that ends after a higher stream was
 * spilled (a long stream among short ones) waits in `late`, in memory, and is merged back when the section
 * is written. The order is the one a sort of all lines by stream gives (ties in order of arrival).
 */
import type { Piece, TextSpool } from './text-spool.js';

/** Lines per spilled run. */
export const RUN = 512;

interface Line {
  stream: number;
  line: string;
}

export class CallLines {
  private pending: Line[] = [];
  private readonly late: Line[] = [];
  private readonly runs: Piece[] = [];
  /** Highest stream spilled so far. */
  private spilledMax = -Infinity;

  constructor(private readonly spool: TextSpool | null) {}

  /** Some lines are in the spool file. */
  get spilled(): boolean {
    return this.runs.length > 0;
  }

  add(stream: number, line: string): void {
    if (stream < this.spilledMax) this.late.push({ stream, line });
    else this.pending.push({ stream, line });
    if (this.spool === null || this.spool.dir === null || this.pending.length < 2 * RUN) return;
    // Stable: equal streams keep their order of arrival, as the in-memory sort does.
    this.pending.sort((a, b) => a.stream - b.stream);
    const run = this.pending.slice(0, RUN);
    this.pending = this.pending.slice(RUN);
    this.spilledMax = run[RUN - 1]!.stream;
    this.runs.push(this.spool.put(run.map((c) => `${c.stream} ${c.line.length} ${c.line}`).join('')));
  }

  /** Every line, by stream, each as the report shows it (reads the runs back one at a time). */
  *lines(format: (line: string) => string): Generator<string> {
    const extra = [...this.late, ...this.pending].sort((a, b) => a.stream - b.stream);
    let i = 0;
    for (const run of this.runs) {
      for (const c of this.parse(run)) {
        while (i < extra.length && extra[i]!.stream < c.stream) yield format(extra[i++]!.line);
        yield format(c.line);
      }
    }
    while (i < extra.length) yield format(extra[i++]!.line);
  }

  private *parse(run: Piece): Generator<Line> {
    // Whole before decoding: a read part may end inside a UTF-8 sequence.
    const parts = [...this.spool!.read(run)].map((p) => (typeof p === 'string' ? Buffer.from(p) : p));
    const text = Buffer.concat(parts).toString('utf8');
    for (let at = 0; at < text.length;) {
      const sp1 = text.indexOf(' ', at);
      const sp2 = text.indexOf(' ', sp1 + 1);
      const length = Number(text.slice(sp1 + 1, sp2));
      yield { stream: Number(text.slice(at, sp1)), line: text.slice(sp2 + 1, sp2 + 1 + length) };
      at = sp2 + 1 + length;
    }
  }
}

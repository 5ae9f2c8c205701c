/**
 * The per-code cap as observers see it (DiagnosticBudget): a diagnostic past the cap is counted without
 * being built, and the counts engine.diagnostics-suppressed reports are those of diagnostics built in full.
 */
import { describe, expect, it } from 'vitest';
import { analysisObserverFactory } from '../../src/analysis/connection-analyzer.js';
import { CaptureAnalyzer } from '../../src/analysis/capture-analyzer.js';
import { withCallLatency } from '../../src/analysis/latency-observer.js';
import { readCaptureFile } from '../../src/capture/source.js';
import type { CaptureEvent } from '../../src/capture/types.js';
import type { Diagnostic } from '../../src/diagnostics/types.js';
import { Engine, type RecordSink } from '../../src/engine/engine.js';
import type { ConnectionObserverFactory, DiagnosticBudget } from '../../src/engine/observer.js';
import { grpcObserverFactory } from '../../src/grpc/call-observer.js';

/** Both samples have a stream that starved for window (analysis.flow.starvation). */
const SAMPLES = ['samples/grpc-small-window.pcap', 'samples/showcase.pcapng'];

interface Run {
  diagnostics: Diagnostic[];
  /** Diagnostics the analysis counted through its budget instead of building them, by code. */
  counted: Map<string, number>;
}

function run(events: CaptureEvent[], limit: number): Run {
  const diagnostics: Diagnostic[] = [];
  const counted = new Map<string, number>();
  const analysis = analysisObserverFactory();
  // The analysis gets the engine's budget through a spy that notes what it counted without building.
  const spied: ConnectionObserverFactory = (conn, budget) =>
    analysis(
      conn,
      budget && {
        passes: (code) => budget.passes(code),
        count: (code) => {
          counted.set(code, (counted.get(code) ?? 0) + 1);
          budget.count(code);
        },
      },
    );
  const sink: RecordSink = {
    connection: () => undefined,
    frame: () => undefined,
    diagnostic: (d) => diagnostics.push(d),
    capture: () => undefined,
  };
  const engine = new Engine(
    {
      file: 'x',
      observers: [withCallLatency(grpcObserverFactory(null, { payload: 'none' })), spied],
      captureObservers: [new CaptureAnalyzer()],
      maxDiagnosticsPerCode: limit,
    },
    sink,
  );
  engine.push(events);
  engine.finish();
  return { diagnostics, counted };
}

function countsByCode(ds: Diagnostic[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const d of ds) m.set(d.code, (m.get(d.code) ?? 0) + 1);
  return m;
}

describe('DiagnosticBudget', () => {
  for (const file of SAMPLES) {
    it(`counts past the cap what a full build reports, ${file}`, async () => {
      const events = await readCaptureFile(file);
      const all = run(events, Infinity);
      const capped = run(events, 0);
      expect(all.counted.size).toBe(0);
      expect(countsByCode(all.diagnostics).get('analysis.flow.starvation')).toBeGreaterThan(0);
      // Nothing passes a cap of 0: every code is reported as suppressed, with the full run's count.
      const suppressed = new Map(
        capped.diagnostics.map((d) => [d.evidence?.['suppressedCode'], d.evidence?.['suppressed']]),
      );
      expect(capped.diagnostics.every((d) => d.code === 'engine.diagnostics-suppressed')).toBe(true);
      expect(suppressed).toEqual(countsByCode(all.diagnostics));
      // The starvations were counted, not built.
      expect(capped.counted.get('analysis.flow.starvation')).toBe(
        countsByCode(all.diagnostics).get('analysis.flow.starvation'),
      );
    });
  }

  it('the cap answers for a code what it will do with the next diagnostic', () => {
    const passed: Diagnostic[] = [];
    const engine = new Engine(
      { file: 'x', maxDiagnosticsPerCode: 1 },
      {
        connection: () => undefined,
        frame: () => undefined,
        diagnostic: (d) => passed.push(d),
        capture: () => undefined,
      },
    );
    // The engine's sink is the cap; its observers get it as their budget.
    const budget = (engine as unknown as { sink: DiagnosticBudget }).sink;
    expect(budget.passes('a')).toBe(true);
    budget.count('a');
    expect(budget.passes('a')).toBe(false);
    expect(budget.passes('b')).toBe(true);
    budget.count('a'); // what an observer does with one it did not build: one suppressed
    engine.finish();
    expect(passed.map((d) => [d.code, d.evidence?.['suppressed']])).toEqual([
      ['engine.diagnostics-suppressed', 1],
    ]);
  });
});

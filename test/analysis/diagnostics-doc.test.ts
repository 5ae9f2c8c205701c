/** docs/diagnostics.md is generated from the catalogue and must be regenerated when the catalogue changes. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOC_PATH, renderDiagnosticsDoc } from '../../scripts/gen-diagnostics-doc.js';
import { ANALYSIS_DIAGNOSTICS } from '../../src/diagnostics/analysis.js';
import { DIAGNOSTICS } from '../../src/diagnostics/catalogue.js';

describe('docs/diagnostics.md', () => {
  it('is up to date with src/diagnostics/catalogue.ts (npx tsx scripts/gen-diagnostics-doc.ts)', () => {
    expect(readFileSync(DOC_PATH, 'utf8')).toBe(renderDiagnosticsDoc());
  });

  it('documents every code once, with its severity and template', () => {
    const doc = renderDiagnosticsDoc();
    for (const [code, spec] of Object.entries(DIAGNOSTICS)) {
      expect(doc.split(`### \`${code}\`\n`)).toHaveLength(2);
      expect(doc).toContain(`**${spec.severity}** · ${spec.title}`);
    }
  });

  it('renders one entry the same way whatever the catalogue', () => {
    const doc = renderDiagnosticsDoc({ 'x.y': { severity: 'info', title: 'T', text: 'a {b} c {b} {d}' } });
    expect(doc).toContain('## x\n\n### `x.y`\n\n**info** · T\n\n> a {b} c {b} {d}\n\nEvidence: `b`, `d`.\n');
  });
});

describe('the analysis catalogue', () => {
  it('uses analysis.<topic>.<what> codes and titles for every entry', () => {
    for (const [code, spec] of Object.entries(ANALYSIS_DIAGNOSTICS)) {
      expect(code).toMatch(/^analysis\.[a-z]+\.[a-z-]+$/);
      expect(spec.title.length, code).toBeGreaterThan(5);
    }
  });
});

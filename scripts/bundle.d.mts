/** scripts/bundle.mjs: src/ bundled into `outdir` (emptied first), as bin/h2scope.js runs it. */
export function bundleCli(root: string, outdir: string): Promise<void>;

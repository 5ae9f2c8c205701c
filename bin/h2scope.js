#!/usr/bin/env node
// The development reconciler of React is several times slower; the TUI always runs in production mode.
process.env.NODE_ENV ??= 'production';
await import('../dist/cli/main.js');

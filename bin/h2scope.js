#!/usr/bin/env -S node --max-semi-space-size=64
// --max-semi-space-size=64: a young generation of 2 x 64 MiB instead of V8's 2 x 16 MiB. Decoding allocates
// about 1 GB/s of short-lived objects; fewer scavenges, each promoting less, made a 300 MB capture 10 %
// faster (CPU and wall) for about 140 MiB more resident memory, a constant (docs/performance.md).
// `npm start` passes the same flag; `node bin/h2scope.js` without it runs the same code with V8's default.
// The development reconciler of React is several times slower; the TUI always runs in production mode.
process.env.NODE_ENV ??= 'production';
await import('../dist/cli/main.js');

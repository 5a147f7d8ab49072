#!/usr/bin/env -S node --optimize-for-size --max-semi-space-size=1
// The installed `lxcfs-node` command (package.json "bin"). Kept apart from cli.ts so
// that importing the CLI never runs it, and running it never depends on how the file
// was reached (npm installs bins as symlinks). Run it as itself (scripts/run.sh, the
// benchmark and the image do): requests make only short-lived garbage, so V8's
// defaults cost RSS for nothing. `--max-semi-space-size=1` keeps each young-generation
// semi-space at 1 MiB (V8 otherwise grows them to 16 MiB under load: 107 MiB RSS at K=32
// vs 65–78 MiB with 2 MiB). `--optimize-for-size` grows the old generation's limit in
// small steps, so promoted garbage is collected at ~7 + 2 MiB instead of ~7 + 8 MiB
// (K=32 over all files: 59 MiB vs 64–65 MiB, same reads/s). `node dist/bin.js` runs
// without either.
import { run } from './cli.js';

await run(process.argv.slice(2));

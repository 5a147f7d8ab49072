#!/usr/bin/env -S node --max-semi-space-size=2
// The installed `lxcfs-node` command (package.json "bin"). Kept apart from cli.ts so
// that importing the CLI never runs it, and running it never depends on how the file
// was reached (npm installs bins as symlinks). Run it as itself (scripts/run.sh, the
// benchmark and the image do): the V8 flag above caps each young-generation semi-space
// at 2 MiB — V8 otherwise grows them to 16 MiB under load, ~40 MiB more RSS for nothing
// (measured at K=32: 107 MiB vs 65–78 MiB), as requests make only short-lived garbage.
// `node dist/bin.js` runs without it.
import { run } from './cli.js';

await run(process.argv.slice(2));

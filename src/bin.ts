#!/usr/bin/env node
// The installed `lxcfs-node` command (package.json "bin"). Kept apart from cli.ts so
// that importing the CLI never runs it, and running it never depends on how the file
// was reached (npm installs bins as symlinks).
import { run } from './cli.js';

await run(process.argv.slice(2));

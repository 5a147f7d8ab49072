// A swap file for the duration of a test, so swap figures are not all zero on a host
// without swap. swapoff and removal happen in teardown, even when the test fails.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Test } from 'tap';
import { tempDir } from './daemon.js';

export function withHostSwap(t: Test, mib: number): void {
  const file = join(tempDir(t), 'swap');
  const run = (cmd: string, ...args: string[]) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  };
  run('fallocate', '-l', `${mib}M`, file);
  run('chmod', '600', file);
  run('mkswap', file);
  t.teardown(() => {
    spawnSync('swapoff', [file]);
    try {
      rmSync(file, { force: true });
    } catch {
      // Never throw from a teardown; after-tests.sh reports a swap file left active.
    }
  });
  run('swapon', file);
}

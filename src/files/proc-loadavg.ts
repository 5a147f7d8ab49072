// /proc/loadavg (spec §10). Without -l the host's file verbatim. With -l the caller's cpu
// cgroup's figures from the LoadavgSampler (services/loadavg.ts), which does all the
// sampling; gather() only looks up stored numbers, so a read costs no /proc scan.
// Invariant: the -l line always matches /^\d+\.\d\d \d+\.\d\d \d+\.\d\d \d+\/\d+ \d+\n$/.
import { FIXED_1, type LoadavgFigures } from '../services/loadavg.js';
import type { GatherContext, HostPath, VirtualFile } from './types.js';

export type LoadavgInput =
  | { readonly kind: 'host'; readonly text: string }
  | { readonly kind: 'cgroup'; readonly figures: LoadavgFigures };

const HOST: HostPath = Object.freeze({ root: 'proc', path: 'loadavg' });

/** The kernel's LOAD_INT/LOAD_FRAC with its +FIXED_1/200 rounding: 164 → `0.08`. */
export function formatLoad(fixed: number): string {
  const a = (Number.isFinite(fixed) && fixed > 0 ? Math.trunc(fixed) : 0) + FIXED_1 / 200;
  const whole = Math.floor(a / FIXED_1);
  const frac = Math.floor(((a % FIXED_1) * 100) / FIXED_1);
  return `${whole}.${String(frac).padStart(2, '0')}`;
}

/** `I.FF I.FF I.FF running/total last_pid\n`, as the kernel and lxcfs print it. */
export function loadavgLine(f: LoadavgFigures): string {
  const count = (n: number): number => (Number.isSafeInteger(n) && n > 0 ? n : 0);
  const loads = f.loads.map(formatLoad).join(' ');
  return `${loads} ${count(f.running)}/${count(f.total)} ${count(f.lastPid)}\n`;
}

function render(input: LoadavgInput): string {
  return input.kind === 'host' ? input.text : loadavgLine(input.figures);
}

export const procLoadavg: VirtualFile<LoadavgInput> = Object.freeze({
  path: 'proc/loadavg',
  host: HOST,
  size: 0,
  summary: 'with -l the load average of the container (its cpu cgroup\'s threads, sampled every 5 s); else the host\'s',
  gather(ctx: GatherContext): LoadavgInput {
    const sampler = ctx.services.loadavg;
    if (!ctx.options.loadavg || sampler === null) return { kind: 'host', text: ctx.hostFile(HOST) };
    // cgroupPath first: it throws when the caller is gone, and then nothing is registered.
    const path = ctx.cgroupPath('cpu');
    return { kind: 'cgroup', figures: sampler.read(path, ctx.initPid()) };
  },
  render,
});

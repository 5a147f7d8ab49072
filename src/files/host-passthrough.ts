// A virtual file that, for now, shows the host's own file. Used for the files whose
// container-aware renderers are not written yet, so the tree already has lxcfs's shape.
import type { GatherContext, HostPath, VirtualFile } from './types.js';

export function hostPassthrough(path: string, host: HostPath, size: number, summary: string): VirtualFile<string> {
  return Object.freeze({
    path,
    host,
    size,
    summary,
    gather: (ctx: GatherContext) => ctx.hostFile(host),
    render: (text: string) => text,
  });
}

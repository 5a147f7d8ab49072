// The realistic cgroup v2 fixture tree (a Kubernetes node, test/fixtures/cgroup-v2) for tests
// through a real mount on this v1 machine: values come from the fixture given as
// --cgroup-root, membership is real — the tree is re-rooted under the test's own unified
// cgroup path, so a reader placed at the same path there is found through /proc/<pid>/cgroup.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestCgroups } from './cgroups.js';

const FIXTURE = resolve(import.meta.dirname, '../fixtures/cgroup-v2');
export const POD = 'kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod7c1e4f2a_93b8_4d5e_a6f1_2b9c8d7e6f50.slice';
/** 256 MiB, swap.max 0 */
export const LIMITED = `${POD}/cri-containerd-9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d.scope`;
/** memory.max max under the 512 MiB pod; 50 MiB in swap under the pod's 1 GiB swap.max */
export const UNLIMITED = `${POD}/cri-containerd-1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809.scope`;

/** Copies the fixture to `root` and again under the tests' unified path; returns that copy's directory. */
export function rootedV2Fixture(root: string, cgroups: TestCgroups): string {
  cpSync(FIXTURE, root, { recursive: true });
  const base = join(root, cgroups.path());
  mkdirSync(base, { recursive: true });
  writeFileSync(join(base, 'memory.max'), 'max\n');
  writeFileSync(join(base, 'memory.swap.max'), 'max\n');
  cpSync(join(FIXTURE, 'kubepods.slice'), join(base, 'kubepods.slice'), { recursive: true });
  return base;
}

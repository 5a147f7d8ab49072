// The injector's decision, as a pure function: AdmissionRequest → RFC 6902 JSON patch that
// mounts lxcfs-node's files over a pod's /proc. Idempotent per container (run it on its own
// output and the patch is empty), so reinvocation after another webhook added a container is
// safe; a path a container already mounts something at is left alone and reported. The pod
// is untrusted JSON: every field is checked before use, and nothing here throws on odd shapes.
import { posix } from 'node:path';
import { NAMESPACE, servedFiles } from '../deploy/manifests.js';
import type { AdmissionRequest } from './review.js';

export const INJECT_LABEL = 'lxcfs-node.io/inject';
export const STATUS_ANNOTATION = 'lxcfs-node.io/injected';
/** Comma-separated subset of the files, e.g. "meminfo,cpuinfo" or "/proc/meminfo". */
export const FILES_ANNOTATION = 'lxcfs-node.io/files';
/** Comma-separated container names that get nothing, e.g. "istio-proxy". */
export const EXCLUDE_ANNOTATION = 'lxcfs-node.io/exclude-containers';
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
const OPT_OUT = new Set(['false', 'disabled']);
/** Never injected: the control plane's own namespaces, and ours. */
export const SYSTEM_NAMESPACES: readonly string[] = Object.freeze(['kube-system', 'kube-public', 'kube-node-lease', NAMESPACE]);

export interface InjectedFile {
  /** The registry path, e.g. 'proc/meminfo': how annotations name it. */
  readonly key: string;
  readonly volume: string;
  readonly host: string;
  readonly container: string;
}

/** One hostPath volume per served file, named after it. */
export const INJECTED_FILES: readonly InjectedFile[] = Object.freeze(servedFiles().map((f) => ({
  key: f.container.slice(1),
  volume: `lxcfs-node-${f.container.slice(1).replaceAll('/', '-')}`,
  host: f.host,
  container: f.container,
})));

export type PatchOperation =
  | { readonly op: 'add'; readonly path: string; readonly value: unknown }
  | { readonly op: 'replace'; readonly path: string; readonly value: unknown };

export type SkipReason =
  | 'not-a-pod' | 'operation' | 'no-object' | 'system-namespace' | 'opted-out' | 'mirror-pod'
  | 'user-namespace' | 'no-files' | 'no-containers';

export type Outcome =
  | { readonly kind: 'injected' }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'skipped'; readonly reason: SkipReason };

export interface Mutation {
  readonly patch: readonly PatchOperation[];
  readonly warnings: readonly string[];
  readonly outcome: Outcome;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectsOf(value: unknown): Json[] | null {
  return Array.isArray(value) ? value.filter(isObject) : null;
}

function stringMap(value: unknown): Readonly<Record<string, string>> {
  if (!isObject(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** RFC 6901: '~' and '/' in a key. */
export function pointerToken(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

function skipped(reason: SkipReason, warnings: string[] = []): Mutation {
  return { patch: [], warnings, outcome: { kind: 'skipped', reason } };
}

function list(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** The files a pod asked for (all by default); names it does not know become warnings. */
function selectFiles(annotation: string | undefined, warnings: string[]): readonly InjectedFile[] {
  if (annotation === undefined) return INJECTED_FILES;
  const wanted = new Set<InjectedFile>();
  for (const name of list(annotation)) {
    const bare = name.replace(/^\/+/, '');
    const file = INJECTED_FILES.find((f) => f.key === bare || f.key === `proc/${bare}`);
    if (file === undefined) warnings.push(`lxcfs-node: ${FILES_ANNOTATION} names "${name}", which lxcfs-node does not serve`);
    else wanted.add(file);
  }
  return INJECTED_FILES.filter((f) => wanted.has(f));
}

function normalMountPath(path: unknown): string | null {
  if (typeof path !== 'string' || !path.startsWith('/')) return null;
  const normal = posix.normalize(path);
  return normal.length > 1 ? normal.replace(/\/+$/, '') : normal;
}

/** Our volume, or why it cannot be used: absent (we may add it) or taken by another definition. */
function volumeState(volumes: readonly Json[], file: InjectedFile): 'ours' | 'absent' | 'taken' {
  const volume = volumes.find((v) => v.name === file.volume);
  if (volume === undefined) return 'absent';
  const hostPath = volume.hostPath;
  return isObject(hostPath) && hostPath.path === file.host ? 'ours' : 'taken';
}

interface ContainerList {
  readonly field: 'initContainers' | 'containers' | 'ephemeralContainers';
  readonly items: Json[] | null;
}

export function mutate(request: AdmissionRequest): Mutation {
  if (request.resource.group !== '' || request.resource.resource !== 'pods') return skipped('not-a-pod');
  const ephemeral = request.operation === 'UPDATE' && request.subResource === 'ephemeralcontainers';
  if (!(request.operation === 'CREATE' && request.subResource === undefined) && !ephemeral) return skipped('operation');
  const pod = request.object;
  if (pod === undefined || !isObject(pod.spec)) return skipped('no-object');
  const metadata = isObject(pod.metadata) ? pod.metadata : undefined;
  const namespace = request.namespace ?? (typeof metadata?.namespace === 'string' ? metadata.namespace : '');
  if (SYSTEM_NAMESPACES.includes(namespace)) return skipped('system-namespace');
  const labels = stringMap(metadata?.labels);
  const annotations = stringMap(metadata?.annotations);
  if (OPT_OUT.has(labels[INJECT_LABEL] ?? '')) return skipped('opted-out');
  if (annotations[MIRROR_ANNOTATION] !== undefined) return skipped('mirror-pod');
  const spec = pod.spec;
  if (spec.hostUsers === false) {
    return skipped('user-namespace', ['lxcfs-node: not injected into a pod with hostUsers: false (user namespaces); its files would not be readable there']);
  }

  const warnings: string[] = [];
  const files = selectFiles(annotations[FILES_ANNOTATION], warnings);
  if (files.length === 0) return skipped('no-files', warnings);
  const excluded = new Set(list(annotations[EXCLUDE_ANNOTATION]));
  const volumes = objectsOf(spec.volumes) ?? [];
  const lists: ContainerList[] = ephemeral
    ? [{ field: 'ephemeralContainers', items: objectsOf(spec.ephemeralContainers) }]
    : [{ field: 'initContainers', items: objectsOf(spec.initContainers) }, { field: 'containers', items: objectsOf(spec.containers) }];

  const patch: PatchOperation[] = [];
  const neededVolumes = new Set<InjectedFile>();
  const mounted = new Set<InjectedFile>();
  const conflicts: string[] = [];
  let containers = 0;
  for (const { field, items } of lists) {
    (items ?? []).forEach((container, index) => {
      const name = typeof container.name === 'string' ? container.name : `${field}[${index}]`;
      if (excluded.has(name)) return;
      containers++;
      const mounts = objectsOf(container.volumeMounts);
      const paths = (mounts ?? []).map((m) => ({ name: m.name, path: normalMountPath(m.mountPath) }));
      const additions: Json[] = [];
      for (const file of files) {
        const same = paths.find((m) => m.path === file.container);
        if (same !== undefined) {
          if (same.name === file.volume && volumeState(volumes, file) === 'ours') mounted.add(file);
          else conflicts.push(`${name}:${file.container}`);
          continue;
        }
        const parent = paths.find((m) => m.path !== null && m.path !== '/' && file.container.startsWith(`${m.path}/`));
        if (parent !== undefined) {
          conflicts.push(`${name}:${file.container}`);
          continue;
        }
        const state = volumeState(volumes, file);
        if (state === 'taken') {
          conflicts.push(`${name}:${file.container}`);
          continue;
        }
        // The ephemeralcontainers subresource cannot add volumes: only existing ones are mounted.
        if (state === 'absent' && ephemeral) continue;
        if (state === 'absent') neededVolumes.add(file);
        mounted.add(file);
        additions.push({ name: file.volume, mountPath: file.container, readOnly: true });
      }
      if (additions.length === 0) return;
      const base = `/spec/${field}/${index}/volumeMounts`;
      if (mounts === null) patch.push({ op: 'add', path: base, value: additions });
      else for (const mount of additions) patch.push({ op: 'add', path: `${base}/-`, value: mount });
    });
  }
  if (containers === 0) return skipped('no-containers', warnings);

  const newVolumes = INJECTED_FILES.filter((f) => neededVolumes.has(f))
    .map((f) => ({ name: f.volume, hostPath: { path: f.host, type: 'File' } }));
  if (newVolumes.length > 0) {
    // Volumes first, so each mount added after them names a volume that exists.
    const volumeOps: PatchOperation[] = Array.isArray(spec.volumes)
      ? newVolumes.map((v) => ({ op: 'add', path: '/spec/volumes/-', value: v }))
      : [{ op: 'add', path: '/spec/volumes', value: newVolumes }];
    patch.unshift(...volumeOps);
  }
  const takenVolumes = files.filter((f) => volumeState(volumes, f) === 'taken').map((f) => f.volume);
  if (takenVolumes.length > 0) warnings.push(`lxcfs-node: volumes ${takenVolumes.join(', ')} exist with another definition; their files were not mounted`);
  if (conflicts.length > 0) warnings.push(`lxcfs-node: left alone, something else is mounted there: ${conflicts.join(', ')}`);

  // The subresource changes ephemeral containers only; the status annotation is the pod's, set at creation.
  if (!ephemeral) {
    const status = `v1;files=${INJECTED_FILES.filter((f) => mounted.has(f)).map((f) => f.key).join(',')};skipped=${conflicts.join(',')}`;
    if (!isObject(pod.metadata)) patch.push({ op: 'add', path: '/metadata', value: { annotations: { [STATUS_ANNOTATION]: status } } });
    else if (!isObject(pod.metadata.annotations)) patch.push({ op: 'add', path: '/metadata/annotations', value: { [STATUS_ANNOTATION]: status } });
    else if (annotations[STATUS_ANNOTATION] !== status) {
      const path = `/metadata/annotations/${pointerToken(STATUS_ANNOTATION)}`;
      patch.push({ op: STATUS_ANNOTATION in pod.metadata.annotations ? 'replace' : 'add', path, value: status });
    }
  }
  const changedMounts = patch.some((op) => op.path.startsWith('/spec/'));
  return { patch, warnings, outcome: { kind: changedMounts ? 'injected' : 'unchanged' } };
}

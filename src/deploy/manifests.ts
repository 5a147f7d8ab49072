// The Kubernetes objects that run lxcfs-node on every Linux node, as plain data. Pure: no I/O.
// daemonset/*.yaml is generated from here (npm run manifests) and a test checks the committed
// files still match, so the paths, the port and the served file list exist once — the paths
// in config.ts, the files in the registry.
//
// Why each field is what it is, is said next to it; daemonset/README.md says it for users.
import { dirname, posix } from 'node:path';
import type { IDaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { DEFAULT_MOUNTPOINT } from '../config.js';
import { REGISTRY } from '../files/registry.js';

export const NAMESPACE = 'lxcfs-node';
export const NAME = 'lxcfs-node';
export const IMAGE_REPOSITORY = 'ghcr.io/lxcfs-node/lxcfs-node';
export const HTTP_PORT = 9558;

/** Where containers' /proc files come from on the host: lxcfs's path, so existing pod specs keep working. */
export const HOST_MOUNTPOINT = DEFAULT_MOUNTPOINT;
/**
 * The hostPath volume is the mountpoint's parent, never the mountpoint itself: a hostPath of
 * the mountpoint would be bound into the pod as whatever is there when the pod starts — after a
 * crash, the dead FUSE mount — and the daemon could not replace it (the lxcfs DaemonSets' most
 * reported failure). Through the parent the daemon sees the host's directory and owns its mount.
 */
export const HOST_PARENT = dirname(HOST_MOUNTPOINT);
/** The host's root as seen in the pod: paths below it are the host's paths. */
const HOST_PREFIX = '/host';
export const CONTAINER_PARENT = posix.join(HOST_PREFIX, HOST_PARENT);
export const CONTAINER_MOUNTPOINT = posix.join(HOST_PREFIX, HOST_MOUNTPOINT);
/** On the host too, so a second daemon on the node (a surge pod, a host install) meets the lock. */
export const RUN_DIR = '/run/lxcfs-node';
export const PIDFILE = posix.join(RUN_DIR, 'lxcfs-node.pid');

const LABELS = Object.freeze({ 'app.kubernetes.io/name': NAME, 'app.kubernetes.io/component': 'daemon' });

/** The host paths containers bind over their own (`/var/lib/lxcfs/proc/meminfo` → `/proc/meminfo`). */
export function servedFiles(): readonly { readonly host: string; readonly container: string }[] {
  return REGISTRY.map((file) => ({ host: posix.join(HOST_MOUNTPOINT, file.path), container: `/${file.path}` }));
}

export function namespace(): INamespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: NAMESPACE,
      labels: {
        // Pod Security Admission: the daemon is privileged and hostPID by necessity.
        'pod-security.kubernetes.io/enforce': 'privileged',
        'pod-security.kubernetes.io/audit': 'privileged',
        'pod-security.kubernetes.io/warn': 'privileged',
        // Never inject lxcfs-node's own files into its own pods (see the injector).
        'lxcfs-node.io/inject': 'disabled',
      },
    },
  };
}

/**
 * The daemon never talks to the API server, so its account gets no Role and no token: the
 * minimal RBAC is none. (Events or node labels would add a Role here, scoped to that need.)
 */
export function serviceAccount(): IServiceAccount {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: NAME, namespace: NAMESPACE, labels: { ...LABELS } },
    automountServiceAccountToken: false,
  };
}

export function daemonSet(version: string): IDaemonSet {
  const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
    httpGet: { path, port: 'http-metrics' },
    periodSeconds,
    timeoutSeconds: 5,
    failureThreshold,
  });
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: NAME, namespace: NAMESPACE, labels: { ...LABELS } },
    spec: {
      selector: { matchLabels: { ...LABELS } },
      // The new pod starts beside the old one and the old one goes only once the new one is
      // ready: never a moment without a daemon on the node. Taking the connection over from
      // the old pod is the hand-over's job (until then the new pod waits; daemonset/README.md).
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: {
          labels: { ...LABELS, 'lxcfs-node.io/inject': 'disabled' },
          annotations: {
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(HTTP_PORT),
            'prometheus.io/path': '/metrics',
          },
        },
        spec: {
          serviceAccountName: NAME,
          automountServiceAccountToken: false,
          // FUSE requests carry host pids; the daemon reads /proc/<pid>/cgroup under those numbers.
          hostPID: true,
          // Evicting it breaks /proc in every container on the node that uses it.
          priorityClassName: 'system-node-critical',
          // Containers that use the files run on tainted nodes too (GPU, dedicated pools).
          tolerations: [{ operator: 'Exists' }],
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          // SIGTERM unmounts and exits within a second; the margin covers a slow node.
          terminationGracePeriodSeconds: 30,
          containers: [{
            name: 'lxcfs-node',
            image: `${IMAGE_REPOSITORY}:${version}`,
            imagePullPolicy: 'IfNotPresent',
            // --take-over: a surge pod of a rolling update takes the live connection over from
            // the old pod (through the socket beside the pidfile, on the shared hostPath), so
            // an upgrade fails no read; the old pod then waits, unready, for its deletion.
            args: ['--http', `0.0.0.0:${HTTP_PORT}`, '--take-over', '--pidfile', PIDFILE, CONTAINER_MOUNTPOINT],
            // mount(2), /dev/fuse, and Bidirectional propagation (only allowed when privileged).
            securityContext: { privileged: true },
            ports: [{ name: 'http-metrics', containerPort: HTTP_PORT, protocol: 'TCP' }],
            // /readyz: our mount is on top at the mountpoint and a child's read through the kernel answers.
            startupProbe: probe('/readyz', 2, 30),
            readinessProbe: probe('/readyz', 10, 3),
            // /livez is the event loop only: restarting on a FUSE problem would make it worse.
            livenessProbe: probe('/livez', 10, 6),
            // No memory limit: an OOM kill breaks /proc for every container on the node, and
            // the daemon's memory is bounded by design, not by a limit: the keeper (~20 MiB)
            // plus the serving process (~80 MiB RSS under load, ~40 MiB of it shared code).
            resources: { requests: { cpu: '50m', memory: '128Mi' } },
            volumeMounts: [
              { name: 'host-parent', mountPath: CONTAINER_PARENT, mountPropagation: 'Bidirectional' },
              { name: 'cgroup', mountPath: '/sys/fs/cgroup', readOnly: true },
              { name: 'run', mountPath: RUN_DIR },
            ],
          }],
          volumes: [
            { name: 'host-parent', hostPath: { path: HOST_PARENT, type: 'DirectoryOrCreate' } },
            // The host's whole cgroup tree, not the pod's cgroup namespace view of it.
            { name: 'cgroup', hostPath: { path: '/sys/fs/cgroup', type: 'Directory' } },
            { name: 'run', hostPath: { path: RUN_DIR, type: 'DirectoryOrCreate' } },
          ],
        },
      },
    },
  };
}

/** One YAML file: its objects, as documents in this order. */
export interface ManifestFile {
  readonly name: string;
  readonly objects: readonly { readonly apiVersion?: string; readonly kind?: string }[];
}

/** In apply order: the namespace before what lives in it. */
export function manifestFiles(version: string): readonly ManifestFile[] {
  return [
    { name: 'namespace.yaml', objects: [namespace()] },
    { name: 'serviceaccount.yaml', objects: [serviceAccount()] },
    { name: 'daemonset.yaml', objects: [daemonSet(version)] },
  ];
}

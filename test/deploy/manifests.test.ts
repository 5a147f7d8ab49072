// The DaemonSet objects: valid against the Kubernetes schemas (kubernetes-models, offline),
// shaped as the node needs (hostPID, privileged, the mountpoint's parent shared both ways), and
// consistent with the daemon itself: its arguments go through the daemon's own parser and the
// mountpoint they name is, on the host, the one every container binds files from.
import { posix } from 'node:path';
import t from 'tap';
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { parseCommandLine } from '../../src/cli.js';
import { DEFAULT_MOUNTPOINT } from '../../src/config.js';
import {
  CONTAINER_MOUNTPOINT, HOST_MOUNTPOINT, HOST_PARENT, HTTP_PORT, IMAGE_REPOSITORY, NAMESPACE,
  daemonSet, manifestFiles, namespace, serviceAccount, servedFiles,
} from '../../src/deploy/manifests.js';
import { REGISTRY } from '../../src/files/registry.js';

const ds = daemonSet('1.2.3');
const pod = ds.spec!.template.spec!;
const container = pod.containers[0]!;

t.test('every object validates against its Kubernetes schema', async (t) => {
  t.doesNotThrow(() => new Namespace(namespace()).validate(), 'Namespace');
  t.doesNotThrow(() => new ServiceAccount(serviceAccount()).validate(), 'ServiceAccount');
  t.doesNotThrow(() => new DaemonSet(ds).validate(), 'DaemonSet');
  t.same(manifestFiles('1.2.3').flatMap((f) => f.objects.map((o) => o.kind)), ['Namespace', 'ServiceAccount', 'DaemonSet'], 'namespace first');
});

t.test('the validator rejects a broken copy (so the test above can fail)', async (t) => {
  const broken = structuredClone(ds) as unknown as { spec: { template: { spec: Record<string, unknown> } } };
  broken.spec.template.spec.hostPID = 'true';
  t.throws(() => new DaemonSet(broken as never).validate(), /hostPID must be boolean/);
  const noContainers = structuredClone(ds);
  delete (noContainers.spec!.template.spec as { containers?: unknown }).containers;
  t.throws(() => new DaemonSet(noContainers).validate(), /containers/);
});

t.test('the pod runs where and as the daemon must', async (t) => {
  t.equal(ds.metadata?.namespace, NAMESPACE);
  t.equal(pod.hostPID, true, 'hostPID: FUSE requests carry host pids');
  t.equal(container.securityContext?.privileged, true);
  t.equal(pod.priorityClassName, 'system-node-critical');
  t.same(pod.tolerations, [{ operator: 'Exists' }], 'tolerates every taint');
  t.same(pod.nodeSelector, { 'kubernetes.io/os': 'linux' });
  t.same(ds.spec?.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
  t.ok(pod.terminationGracePeriodSeconds! >= 10 && pod.terminationGracePeriodSeconds! <= 120, 'time to unmount');
  t.equal(container.image, `${IMAGE_REPOSITORY}:1.2.3`, 'image tag is the version');
  t.same(ds.spec?.selector.matchLabels, Object.fromEntries(
    Object.entries(ds.spec!.template.metadata!.labels!).filter(([k]) => k.startsWith('app.kubernetes.io/'))), 'selector matches the pod');
  t.equal(ds.spec?.template.metadata?.labels?.['lxcfs-node.io/inject'], 'disabled', 'never injected into itself');
  t.equal(pod.automountServiceAccountToken, false, 'no API token: the daemon never calls the API');
  t.equal(serviceAccount().automountServiceAccountToken, false);
  t.equal(namespace().metadata?.labels?.['pod-security.kubernetes.io/enforce'], 'privileged');
});

t.test('resources request but never tightly limit memory', async (t) => {
  t.ok(container.resources?.requests?.memory, 'a memory request');
  t.equal(container.resources?.limits?.memory, undefined, 'no memory limit: an OOM kill breaks every container');
});

t.test('the arguments are the daemon\'s own, parsed by its parser', async (t) => {
  const command = parseCommandLine(container.args!);
  if (command.kind !== 'run') throw new Error(`args parse as ${command.kind}`);
  t.equal(command.options.mountpoint, CONTAINER_MOUNTPOINT);
  t.same(command.http, { host: '0.0.0.0', port: HTTP_PORT }, 'reachable by the kubelet and Prometheus');
  t.same(container.ports, [{ name: 'http-metrics', containerPort: HTTP_PORT, protocol: 'TCP' }]);
  const pidfile = command.options.pidfile;
  const run = container.volumeMounts!.find((m) => pidfile.startsWith(`${m.mountPath}/`));
  t.ok(run, 'the pidfile is on a host directory, so a second daemon on the node meets its lock');
  t.equal(pod.volumes!.find((v) => v.name === run?.name)?.hostPath?.path, run?.mountPath);
});

t.test('the mountpoint reaches the host through its parent, shared both ways', async (t) => {
  t.equal(HOST_MOUNTPOINT, DEFAULT_MOUNTPOINT, 'the host path is the daemon default (and lxcfs\'s)');
  t.equal(HOST_PARENT, posix.dirname(HOST_MOUNTPOINT));
  const covering = container.volumeMounts!.filter((m) => CONTAINER_MOUNTPOINT.startsWith(`${m.mountPath}/`));
  t.equal(covering.length, 1, 'one volume holds the mountpoint');
  const mount = covering[0]!;
  t.equal(mount.mountPropagation, 'Bidirectional', 'our FUSE mount propagates to the host');
  t.not(mount.mountPath, CONTAINER_MOUNTPOINT, 'the volume is the parent, never the mountpoint itself');
  const volume = pod.volumes!.find((v) => v.name === mount.name)!;
  t.equal(volume.hostPath?.type, 'DirectoryOrCreate');
  const onHost = posix.join(volume.hostPath!.path, posix.relative(mount.mountPath, CONTAINER_MOUNTPOINT));
  t.equal(onHost, HOST_MOUNTPOINT, 'the container mountpoint is the host mountpoint');
  const cgroup = container.volumeMounts!.find((m) => m.mountPath === '/sys/fs/cgroup');
  t.equal(cgroup?.readOnly, true, 'cgroups are read, never written');
  t.equal(pod.volumes!.find((v) => v.name === cgroup?.name)?.hostPath?.path, '/sys/fs/cgroup', 'the host\'s tree');
});

t.test('probes: startup and readiness on /readyz, liveness on /livez, on the named port', async (t) => {
  t.equal(container.startupProbe?.httpGet?.path, '/readyz');
  t.equal(container.readinessProbe?.httpGet?.path, '/readyz');
  t.equal(container.livenessProbe?.httpGet?.path, '/livez', 'liveness never depends on FUSE');
  for (const probe of [container.startupProbe, container.readinessProbe, container.livenessProbe]) {
    t.equal(probe?.httpGet?.port, 'http-metrics');
  }
  const annotations = ds.spec!.template.metadata!.annotations!;
  t.equal(annotations['prometheus.io/port'], String(HTTP_PORT));
});

t.test('served files come from the registry, under the one mountpoint', async (t) => {
  t.same(servedFiles().map((f) => f.container), REGISTRY.map((f) => `/${f.path}`));
  for (const file of servedFiles()) t.equal(file.host, posix.join(DEFAULT_MOUNTPOINT, file.container));
  t.ok(servedFiles().some((f) => f.host === '/var/lib/lxcfs/proc/meminfo'));
});

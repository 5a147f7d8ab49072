// The mutation over hand-written pod shapes and over generated ones (fast-check): the patch
// applies with a JSON-patch library, the result is a valid Pod (kubernetes-models, offline),
// mutating the result again gives an empty patch, no volume name or mountPath appears twice,
// excluded containers and paths a container already uses are left alone.
import t, { type Test } from 'tap';
import fc from 'fast-check';
import jsonpatch from 'fast-json-patch';
import { Pod } from 'kubernetes-models/v1/Pod';
import { servedFiles } from '../../src/deploy/manifests.js';
import {
  EXCLUDE_ANNOTATION, FILES_ANNOTATION, INJECTED_FILES, INJECT_LABEL, STATUS_ANNOTATION, mutate, pointerToken,
  type Mutation,
} from '../../src/injector/mutate.js';
import type { AdmissionRequest } from '../../src/injector/review.js';

type Json = Record<string, any>;

function request(pod: Json, over: Partial<AdmissionRequest> = {}): AdmissionRequest {
  return {
    uid: 'u-1',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: { group: '', version: 'v1', resource: 'pods' },
    namespace: 'apps',
    operation: 'CREATE',
    object: pod,
    ...over,
  };
}

function pod(spec: Json, metadata: Json = { name: 'p' }): Json {
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec };
}

function apply(doc: Json, mutation: Mutation): Json {
  return jsonpatch.applyPatch(structuredClone(doc), mutation.patch as jsonpatch.Operation[], true, false).newDocument as Json;
}

/** The invariants every mutation keeps, checked on any pod. */
function checkInvariants(t: Test, input: Json, req: AdmissionRequest = request(input)): Json {
  const mutation = mutate(req);
  const output = apply(input, mutation);
  t.doesNotThrow(() => new Pod(output as never).validate(), 'the patched pod is a valid Pod');
  const again = mutate({ ...req, object: output });
  t.same(again.patch, [], 'mutating the result again changes nothing');
  const volumeNames = (output.spec.volumes ?? []).map((v: Json) => v.name);
  t.equal(new Set(volumeNames).size, volumeNames.length, 'no duplicate volume names');
  for (const c of [...(output.spec.containers ?? []), ...(output.spec.initContainers ?? [])]) {
    const paths = (c.volumeMounts ?? []).map((m: Json) => m.mountPath);
    t.equal(new Set(paths).size, paths.length, `no duplicate mountPaths in ${c.name}`);
    for (const m of c.volumeMounts ?? []) t.ok(volumeNames.includes(m.name), `${c.name} mounts an existing volume ${m.name}`);
  }
  return output;
}

const APP = { name: 'app', image: 'debian' };

t.test('a plain pod gets every file in every container, read-only from hostPath File volumes', async (t) => {
  const input = pod({ containers: [APP, { name: 'side', image: 'busybox', volumeMounts: [{ name: 'data', mountPath: '/data' }] }], volumes: [{ name: 'data', emptyDir: {} }] });
  const out = checkInvariants(t, input);
  t.equal(mutate(request(input)).outcome.kind, 'injected');
  for (const c of out.spec.containers) {
    for (const f of servedFiles()) {
      const m = c.volumeMounts.find((x: Json) => x.mountPath === f.container);
      t.ok(m?.readOnly === true, `${c.name}: ${f.container} read-only`);
      const v = out.spec.volumes.find((x: Json) => x.name === m.name);
      t.same(v.hostPath, { path: f.host, type: 'File' }, `${f.container} from ${f.host}`);
      t.equal(v.hostPath.mountPropagation, undefined);
    }
  }
  t.same(out.spec.containers[1].volumeMounts[0], { name: 'data', mountPath: '/data' }, 'existing mounts kept first');
  t.equal(out.metadata.annotations[STATUS_ANNOTATION], `v1;files=${INJECTED_FILES.map((f) => f.key).join(',')};skipped=`);
});

t.test('init containers and native sidecars are covered too', async (t) => {
  const input = pod({ initContainers: [{ name: 'init', image: 'x' }, { name: 'mesh', image: 'y', restartPolicy: 'Always' }], containers: [APP] });
  const out = checkInvariants(t, input);
  for (const c of out.spec.initContainers) t.equal(c.volumeMounts.length, INJECTED_FILES.length, c.name);
});

t.test('a path the container already mounts is left alone and reported', async (t) => {
  const input = pod({
    containers: [{ ...APP, volumeMounts: [{ name: 'mine', mountPath: '/proc/meminfo/' }] }, { name: 'other', image: 'x' }],
    volumes: [{ name: 'mine', hostPath: { path: '/srv/meminfo', type: 'File' } }],
  });
  const mutation = mutate(request(input));
  const out = checkInvariants(t, input);
  const app = out.spec.containers[0];
  t.same(app.volumeMounts.filter((m: Json) => m.mountPath.startsWith('/proc/meminfo')), [{ name: 'mine', mountPath: '/proc/meminfo/' }]);
  t.ok(out.spec.containers[1].volumeMounts.some((m: Json) => m.mountPath === '/proc/meminfo'), 'the other container still gets it');
  t.match(out.metadata.annotations[STATUS_ANNOTATION], /;skipped=app:\/proc\/meminfo$/);
  t.match(mutation.warnings.join('\n'), /left alone, something else is mounted there: app:\/proc\/meminfo/);
});

t.test('a directory mounted over a file\'s parent keeps that file out', async (t) => {
  const input = pod({ containers: [{ ...APP, volumeMounts: [{ name: 'sys', mountPath: '/sys' }] }], volumes: [{ name: 'sys', emptyDir: {} }] });
  const out = checkInvariants(t, input);
  t.notOk(out.spec.containers[0].volumeMounts.some((m: Json) => m.mountPath === '/sys/devices/system/cpu/online'));
  t.ok(out.spec.containers[0].volumeMounts.some((m: Json) => m.mountPath === '/proc/meminfo'));
});

t.test('a volume of ours by name but not by content is not used', async (t) => {
  const input = pod({ containers: [APP], volumes: [{ name: 'lxcfs-node-proc-meminfo', emptyDir: {} }] });
  const mutation = mutate(request(input));
  const out = checkInvariants(t, input);
  t.notOk(out.spec.containers[0].volumeMounts.some((m: Json) => m.mountPath === '/proc/meminfo'));
  t.match(mutation.warnings.join('\n'), /lxcfs-node-proc-meminfo exist with another definition/);
});

t.test('annotations choose files and exclude containers; unknown names warn', async (t) => {
  const input = pod({ containers: [APP, { name: 'istio-proxy', image: 'envoy' }] }, {
    name: 'p', annotations: { [FILES_ANNOTATION]: 'meminfo, /proc/cpuinfo,sys/devices/system/cpu/online,slabinfo', [EXCLUDE_ANNOTATION]: 'istio-proxy' },
  });
  const mutation = mutate(request(input));
  const out = checkInvariants(t, input);
  t.same(out.spec.containers[0].volumeMounts.map((m: Json) => m.mountPath).sort(), ['/proc/cpuinfo', '/proc/meminfo', '/sys/devices/system/cpu/online']);
  t.equal(out.spec.containers[1].volumeMounts, undefined, 'excluded container untouched');
  t.equal(out.spec.volumes.length, 3, 'volumes only for the chosen files');
  t.match(mutation.warnings, [/names "slabinfo", which lxcfs-node does not serve/]);
  t.same(mutate(request(pod({ containers: [APP] }, { name: 'p', annotations: { [FILES_ANNOTATION]: '' } }))).outcome, { kind: 'skipped', reason: 'no-files' });
  t.same(mutate(request(pod({ containers: [APP] }, { name: 'p', annotations: { [EXCLUDE_ANNOTATION]: 'app' } }))).outcome, { kind: 'skipped', reason: 'no-containers' });
});

t.test('skips: opt-out label, system namespaces, mirror pods, user namespaces, other resources and operations', async (t) => {
  const plain = pod({ containers: [APP] });
  const cases: [string, AdmissionRequest, string][] = [
    ['label false', request(pod({ containers: [APP] }, { labels: { [INJECT_LABEL]: 'false' } })), 'opted-out'],
    ['label disabled', request(pod({ containers: [APP] }, { labels: { [INJECT_LABEL]: 'disabled' } })), 'opted-out'],
    ['kube-system', request(plain, { namespace: 'kube-system' }), 'system-namespace'],
    ['our namespace', request(plain, { namespace: 'lxcfs-node' }), 'system-namespace'],
    ['mirror pod', request(pod({ containers: [APP] }, { annotations: { 'kubernetes.io/config.mirror': 'x' } })), 'mirror-pod'],
    ['hostUsers false', request(pod({ containers: [APP], hostUsers: false })), 'user-namespace'],
    ['a deployment', request(plain, { resource: { group: 'apps', version: 'v1', resource: 'deployments' } }), 'not-a-pod'],
    ['pod update', request(plain, { operation: 'UPDATE' }), 'operation'],
    ['pod status', request(plain, { operation: 'UPDATE', subResource: 'status' }), 'operation'],
    ['no object', request(plain, { object: undefined }), 'no-object'],
    ['spec not an object', request({ metadata: {}, spec: [] }), 'no-object'],
  ];
  for (const [name, req, reason] of cases) {
    const m = mutate(req);
    t.same(m.outcome, { kind: 'skipped', reason }, name);
    t.same(m.patch, [], `${name}: no patch`);
  }
  t.match(mutate(cases[5]![1]).warnings, [/hostUsers: false/]);
});

t.test('kubectl debug: ephemeral containers get the files whose volumes the pod has', async (t) => {
  const created = apply(pod({ containers: [APP] }), mutate(request(pod({ containers: [APP] }))));
  const debug = structuredClone(created);
  debug.spec.ephemeralContainers = [{ name: 'debugger', image: 'busybox', volumeMounts: [{ name: 'lxcfs-node-proc-stat', mountPath: '/proc/stat' }] }];
  const req = request(debug, { operation: 'UPDATE', subResource: 'ephemeralcontainers' });
  const mutation = mutate(req);
  t.ok(mutation.patch.every((op) => op.path.startsWith('/spec/ephemeralContainers/0/volumeMounts')), 'only the ephemeral container changes');
  const out = apply(debug, mutation);
  t.equal(out.spec.ephemeralContainers[0].volumeMounts.length, INJECTED_FILES.length);
  t.same(out.spec.containers, created.spec.containers, 'the other containers untouched');
  t.same(mutate({ ...req, object: out }).patch, [], 'idempotent');
  const bare = pod({ containers: [APP], ephemeralContainers: [{ name: 'd', image: 'b' }] });
  const none = mutate(request(bare, { operation: 'UPDATE', subResource: 'ephemeralcontainers' }));
  t.same(none.patch, [], 'no volumes in the pod: nothing can be mounted (the subresource cannot add volumes)');
});

t.test('patch hygiene: annotations created, keys escaped, a stale status replaced', async (t) => {
  const noMeta = { apiVersion: 'v1', kind: 'Pod', spec: { containers: [APP] } };
  t.same(mutate(request(noMeta)).patch.at(-1), { op: 'add', path: '/metadata', value: { annotations: { [STATUS_ANNOTATION]: `v1;files=${INJECTED_FILES.map((f) => f.key).join(',')};skipped=` } } });
  const m1 = mutate(request(pod({ containers: [APP] })));
  t.equal(m1.patch.at(-1)?.path, '/metadata/annotations');
  const m2 = mutate(request(pod({ containers: [APP] }, { name: 'p', annotations: { a: 'b' } })));
  t.equal(m2.patch.at(-1)?.path, '/metadata/annotations/lxcfs-node.io~1injected');
  t.equal(m2.patch.at(-1)?.op, 'add');
  const m3 = mutate(request(pod({ containers: [APP] }, { name: 'p', annotations: { [STATUS_ANNOTATION]: 'v0' } })));
  t.equal(m3.patch.at(-1)?.op, 'replace');
  t.equal(pointerToken('a/b~c'), 'a~1b~0c');
  t.equal(mutate(request(pod({ containers: [APP], volumes: [] }))).patch[0]?.path, '/spec/volumes/-', 'append to an existing list');
});

t.test('odd shapes never throw', async (t) => {
  const shapes: Json[] = [
    { spec: { containers: 'x' } }, { spec: { containers: [null, 1, 'a', { volumeMounts: 'x' }] } },
    { spec: { containers: [{ name: 'a', volumeMounts: [null, { mountPath: 7 }, { mountPath: 'relative' }] }] } },
    { metadata: 'x', spec: { containers: [{ name: 'a' }] } }, { metadata: { annotations: [] }, spec: { containers: [{ name: 'a' }] } },
    { metadata: { labels: { [INJECT_LABEL]: 5 } }, spec: { volumes: {}, containers: [{ name: 'a' }] } },
  ];
  for (const shape of shapes) t.doesNotThrow(() => mutate(request(shape)), JSON.stringify(shape));
});

// ---- generated pods -------------------------------------------------------------------------

const USER_PATHS = ['/data', '/proc/meminfo', '/proc/stat/', '/sys', '/etc/config', '/proc', '/var/log'];
const userMount = fc.record({ name: fc.constantFrom('data', 'cfg', 'lxcfs-node-proc-uptime'), mountPath: fc.constantFrom(...USER_PATHS), readOnly: fc.boolean() }, { requiredKeys: ['name', 'mountPath'] });
const mounts = fc.option(fc.uniqueArray(userMount, { maxLength: 3, selector: (m) => m.mountPath.replace(/\/$/, '') }), { nil: undefined });
const container = (name: string) => fc.record({ name: fc.constant(name), image: fc.constant('img'), volumeMounts: mounts }, { requiredKeys: ['name', 'image'] });
const containers = (prefix: string, min: number, max: number) => fc.integer({ min, max })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => container(`${prefix}${i}`))).map((cs) => [...cs]));
const volume = fc.constantFrom(
  { name: 'data', emptyDir: {} }, { name: 'cfg', configMap: { name: 'c' } },
  { name: 'lxcfs-node-proc-uptime', emptyDir: {} },
  { name: 'lxcfs-node-proc-stat', hostPath: { path: '/var/lib/lxcfs/proc/stat', type: 'File' } },
);
const annotations = fc.option(fc.record({
  [FILES_ANNOTATION]: fc.subarray(['meminfo', 'cpuinfo', '/proc/stat', 'sys/devices/system/cpu/online', 'nope']).map((a) => a.join(',')),
  [EXCLUDE_ANNOTATION]: fc.subarray(['c0', 'c1', 'i0']).map((a) => a.join(',')),
  other: fc.constant('x'),
}, { requiredKeys: [] }), { nil: undefined });
const generatedPod = fc.record({
  containers: containers('c', 1, 3),
  initContainers: fc.option(containers('i', 0, 2), { nil: undefined }),
  volumes: fc.option(fc.uniqueArray(volume, { selector: (v) => v.name }), { nil: undefined }),
  annotations,
}).map(({ containers, initContainers, volumes, annotations }) => {
  const spec: Json = { containers };
  if (initContainers !== undefined) spec.initContainers = initContainers;
  if (volumes !== undefined) spec.volumes = volumes;
  return pod(spec, annotations === undefined ? { name: 'gen' } : { name: 'gen', annotations });
});

t.test('generated pods: the invariants hold for every shape', async (t) => {
  let runs = 0;
  fc.assert(fc.property(generatedPod, (input) => {
    runs++;
    const mutation = mutate(request(input));
    const output = apply(input, mutation);
    new Pod(output as never).validate();
    if (mutate(request(output)).patch.length !== 0) throw new Error(`not idempotent: ${JSON.stringify(input)}`);
    const names = (output.spec.volumes ?? []).map((v: Json) => v.name);
    if (new Set(names).size !== names.length) throw new Error(`duplicate volumes: ${JSON.stringify(input)}`);
    const excluded = (input.metadata.annotations?.[EXCLUDE_ANNOTATION] ?? '').split(',');
    for (const field of ['containers', 'initContainers'] as const) {
      (output.spec[field] ?? []).forEach((c: Json, i: number) => {
        const before = input.spec[field][i];
        if (excluded.includes(c.name)) { if (JSON.stringify(c) !== JSON.stringify(before)) throw new Error(`excluded ${c.name} changed`); return; }
        const paths = (c.volumeMounts ?? []).map((m: Json) => m.mountPath.replace(/(.)\/$/, '$1'));
        if (new Set(paths).size !== paths.length) throw new Error(`duplicate mountPath in ${c.name}: ${JSON.stringify(input)}`);
        for (const m of before.volumeMounts ?? []) if (!c.volumeMounts.some((x: Json) => JSON.stringify(x) === JSON.stringify(m))) throw new Error('a user mount was lost');
        const added = (c.volumeMounts ?? []).slice(before.volumeMounts?.length ?? 0);
        for (const m of added) if (!names.includes(m.name)) throw new Error(`added a mount of a missing volume ${m.name}`);
      });
    }
  }), { numRuns: 400, seed: 20261206 });
  t.equal(runs, 400, '400 generated pods checked');
});

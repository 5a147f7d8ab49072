// The MutatingAdmissionPolicy mode: valid against the Kubernetes schemas (kubernetes-models,
// offline), and producing the same volumes and mounts as the webhook's mutation. The policy's
// CEL — match conditions, variables, apply configuration — is evaluated with cel-js; the only
// rendering change is typed object construction (Object.spec{…}, which needs Kubernetes' type
// provider) written as map literals, and the result is merged as server-side apply merges it
// (volumes by name, containers by name, volumeMounts by mountPath).
import t from 'tap';
import fc from 'fast-check';
import jsonpatch from 'fast-json-patch';
import { Environment } from '@marcbachmann/cel-js';
import { MutatingAdmissionPolicy } from 'kubernetes-models/admissionregistration.k8s.io/v1/MutatingAdmissionPolicy';
import { MutatingAdmissionPolicyBinding } from 'kubernetes-models/admissionregistration.k8s.io/v1/MutatingAdmissionPolicyBinding';
import {
  POLICY_MATCH_CONDITIONS, POLICY_VARIABLES, applyConfigurationExpression, kubernetesConstruct, mutatingAdmissionPolicy,
  policyBindings, type Construct,
} from '../../src/deploy/admission-policy.js';
import { EXCLUDE_ANNOTATION, FILES_ANNOTATION, INJECT_LABEL, mutate } from '../../src/injector/mutate.js';

type Json = Record<string, any>;

const mapConstruct: Construct = (_type, fields) => `{${Object.entries(fields).map(([k, v]) => `${JSON.stringify(k)}: dyn(${v})`).join(', ')}}`;
const env = new Environment({ unlistedVariablesAreDyn: true });
const APPLY = applyConfigurationExpression(mapConstruct);

/** The policy applied to a pod: undefined when a match condition excludes it. */
function applyPolicy(pod: Json): Json | undefined {
  const ctx: Json = { object: pod, variables: {} };
  if (!POLICY_MATCH_CONDITIONS.every((c) => env.evaluate(c.expression, ctx) === true)) return undefined;
  for (const v of POLICY_VARIABLES) ctx.variables[v.name] = env.evaluate(v.expression, ctx);
  const config = env.evaluate(APPLY, ctx) as Json;
  const out = structuredClone(pod);
  for (const volume of config.spec.volumes) {
    out.spec.volumes ??= [];
    if (!out.spec.volumes.some((v: Json) => v.name === volume.name)) out.spec.volumes.push(volume);
  }
  for (const field of ['containers', 'initContainers']) {
    for (const applied of config.spec[field]) {
      const container = out.spec[field].find((c: Json) => c.name === applied.name);
      container.volumeMounts ??= [];
      for (const mount of applied.volumeMounts) {
        const i = container.volumeMounts.findIndex((m: Json) => m.mountPath === mount.mountPath);
        if (i === -1) container.volumeMounts.push(mount); else container.volumeMounts[i] = mount;
      }
    }
  }
  return out;
}

function webhook(pod: Json): Json | undefined {
  const m = mutate({ uid: 'u', kind: { group: '', version: 'v1', kind: 'Pod' }, resource: { group: '', version: 'v1', resource: 'pods' }, namespace: 'apps', operation: 'CREATE', object: pod });
  return m.outcome.kind === 'skipped' ? undefined : jsonpatch.applyPatch(structuredClone(pod), m.patch as jsonpatch.Operation[], true, false).newDocument as Json;
}

/** What both must agree on: volumes by name, and each container's mounts. */
function mounts(pod: Json): unknown {
  const byName = (list: Json[] | undefined) => Object.fromEntries((list ?? []).map((x) => [x.name, x]));
  const sortedMounts = (c: Json) => [...(c.volumeMounts ?? [])].sort((a, b) => a.mountPath.localeCompare(b.mountPath));
  return {
    volumes: byName(pod.spec.volumes),
    containers: (pod.spec.containers ?? []).map(sortedMounts),
    initContainers: (pod.spec.initContainers ?? []).map(sortedMounts),
  };
}

const APP = { name: 'app', image: 'i' };
const pod = (spec: Json, metadata: Json = { name: 'p' }): Json => ({ apiVersion: 'v1', kind: 'Pod', metadata, spec });

t.test('the policy and its bindings validate against the schemas', async (t) => {
  t.doesNotThrow(() => new MutatingAdmissionPolicy(mutatingAdmissionPolicy()).validate());
  for (const b of policyBindings()) t.doesNotThrow(() => new MutatingAdmissionPolicyBinding(b).validate(), String(b.metadata?.name));
  const broken = structuredClone(mutatingAdmissionPolicy());
  (broken.spec!.mutations![0] as { patchType: string }).patchType = 'StrategicMerge';
  t.throws(() => new MutatingAdmissionPolicy(broken).validate(), /patchType/, 'the validator bites');
  const expression = mutatingAdmissionPolicy().spec!.mutations![0]!.applyConfiguration!.expression!;
  t.equal(expression, applyConfigurationExpression(kubernetesConstruct));
  t.match(expression, /^Object\{spec: Object\.spec\{volumes: .*Object\.spec\.volumes\.hostPath\{path: f\.host, type: "File"\}/);
  t.same(policyBindings().map((b) => b.spec!.policyName), ['lxcfs-node', 'lxcfs-node']);
});

t.test('the same mounts as the webhook, pod by pod', async (t) => {
  const cases: [string, Json][] = [
    ['plain', pod({ containers: [APP] })],
    ['two containers and an init', pod({ initContainers: [{ name: 'init', image: 'i' }], containers: [APP, { name: 'b', image: 'i' }] })],
    ['a user mount at a file', pod({ containers: [{ ...APP, volumeMounts: [{ name: 'm', mountPath: '/proc/meminfo' }] }], volumes: [{ name: 'm', emptyDir: {} }] })],
    ['a directory above a file', pod({ containers: [{ ...APP, volumeMounts: [{ name: 's', mountPath: '/sys/' }] }], volumes: [{ name: 's', emptyDir: {} }] })],
    ['a volume with our name', pod({ containers: [APP], volumes: [{ name: 'lxcfs-node-proc-stat', emptyDir: {} }] })],
    ['files annotation', pod({ containers: [APP] }, { name: 'p', annotations: { [FILES_ANNOTATION]: 'meminfo, /proc/cpuinfo, sys/devices/system/cpu/online, nope' } })],
    ['exclude annotation', pod({ containers: [APP, { name: 'istio-proxy', image: 'e' }] }, { name: 'p', annotations: { [EXCLUDE_ANNOTATION]: ' istio-proxy ' } })],
    ['opted out', pod({ containers: [APP] }, { name: 'p', labels: { [INJECT_LABEL]: 'disabled' } })],
    ['mirror pod', pod({ containers: [APP] }, { name: 'p', annotations: { 'kubernetes.io/config.mirror': 'x' } })],
    ['user namespaces', pod({ containers: [APP], hostUsers: false })],
  ];
  for (const [name, input] of cases) {
    const policy = applyPolicy(input);
    const hook = webhook(input);
    t.equal(policy === undefined, hook === undefined, `${name}: both skip it, or neither`);
    t.same(mounts(policy ?? input), mounts(hook ?? input), name);
  }
  const plain = applyPolicy(pod({ containers: [APP] }))!;
  t.equal(plain.spec.containers[0].volumeMounts.length, 8, 'every file, really mounted');
  t.same(mounts(applyPolicy(plain)!), mounts(plain), 'applying the policy again changes nothing');
});

t.test('generated pods: the policy and the webhook agree', async (t) => {
  const paths = ['/data', '/proc/meminfo', '/proc/stat/', '/sys', '/proc', '/etc'];
  const container = (name: string) => fc.record({
    name: fc.constant(name), image: fc.constant('i'),
    volumeMounts: fc.option(fc.uniqueArray(fc.record({ name: fc.constantFrom('d', 'lxcfs-node-proc-uptime'), mountPath: fc.constantFrom(...paths) }), { maxLength: 3, selector: (m) => m.mountPath.replace(/\/$/, '') }), { nil: undefined }),
  }, { requiredKeys: ['name', 'image'] });
  const gen = fc.record({
    containers: fc.tuple(container('c0'), container('c1')).map((cs) => [...cs]),
    initContainers: fc.option(fc.tuple(container('i0')).map((cs) => [...cs]), { nil: undefined }),
    volumes: fc.option(fc.subarray([{ name: 'd', emptyDir: {} }, { name: 'lxcfs-node-proc-uptime', emptyDir: {} }, { name: 'lxcfs-node-proc-stat', hostPath: { path: '/var/lib/lxcfs/proc/stat', type: 'File' } }]), { nil: undefined }),
    files: fc.option(fc.subarray(['meminfo', '/proc/stat', 'cpuinfo', 'online', 'sys/devices/system/cpu/online']).map((a) => a.join(',')), { nil: undefined }),
    exclude: fc.option(fc.subarray(['c0', 'i0']).map((a) => a.join(',')), { nil: undefined }),
  });
  let runs = 0;
  fc.assert(fc.property(gen, (g) => {
    runs++;
    const spec: Json = { containers: g.containers };
    if (g.initContainers !== undefined) spec.initContainers = g.initContainers;
    if (g.volumes !== undefined) spec.volumes = g.volumes;
    const annotations: Json = {};
    if (g.files !== undefined) annotations[FILES_ANNOTATION] = g.files;
    if (g.exclude !== undefined) annotations[EXCLUDE_ANNOTATION] = g.exclude;
    const input = pod(spec, Object.keys(annotations).length > 0 ? { name: 'p', annotations } : { name: 'p' });
    // A pod neither changes (e.g. an empty files annotation) counts as itself.
    const policy = JSON.stringify(mounts(applyPolicy(input) ?? input));
    const hook = JSON.stringify(mounts(webhook(input) ?? input));
    if (policy !== hook) throw new Error(`differ for ${JSON.stringify(input)}:\npolicy  ${policy}\nwebhook ${hook}`);
  }), { numRuns: 300, seed: 61206 });
  t.equal(runs, 300);
});

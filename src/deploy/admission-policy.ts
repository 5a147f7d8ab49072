// The webhook-less mode: a MutatingAdmissionPolicy (admissionregistration.k8s.io/v1, Kubernetes
// ≥ 1.36) whose CEL adds the same volumes and mounts as the injector, evaluated by the API
// server itself — no Deployment, no certificates. It covers pod creation with the opt-in and
// opt-out labels, the files and exclude-containers annotations, and leaves paths a container
// already uses alone; what needs code stays webhook-only (daemonset/README.md lists it).
//
// The CEL is generated from the same file list as the webhook's mutation. Typed object
// construction (`Object.spec{…}`, which Kubernetes' apply configurations require) is rendered
// by a function the caller passes, so the tests can render it as map literals and evaluate the
// very same expressions with a CEL library that has no Kubernetes type provider.
import type { IMutatingAdmissionPolicy } from 'kubernetes-models/admissionregistration.k8s.io/v1/MutatingAdmissionPolicy';
import type { IMutatingAdmissionPolicyBinding } from 'kubernetes-models/admissionregistration.k8s.io/v1/MutatingAdmissionPolicyBinding';
import { EXCLUDE_ANNOTATION, FILES_ANNOTATION, INJECTED_FILES, INJECT_LABEL, SYSTEM_NAMESPACES } from '../injector/mutate.js';
import type { ManifestFile } from './manifests.js';

export const POLICY_NAME = 'lxcfs-node';

/** Renders `Type{field: value, …}`: Kubernetes' typed construction, or something equivalent. */
export type Construct = (type: string, fields: Readonly<Record<string, string>>) => string;

export const kubernetesConstruct: Construct = (type, fields) =>
  `${type}{${Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join(', ')}}`;

const quote = (s: string) => JSON.stringify(s);

/** The names a pod may use for a file in the files annotation, as the webhook accepts them. */
function spellings(key: string): string[] {
  return key.startsWith('proc/') ? [key.slice('proc/'.length), key, `/${key}`] : [key, `/${key}`];
}

/** Each file as a CEL map; dyn() because Kubernetes' CEL requires homogeneous literals. */
const FILE_LIST = `[${INJECTED_FILES.map((f) => `{${[
  `"volume": dyn(${quote(f.volume)})`, `"path": dyn(${quote(f.container)})`, `"host": dyn(${quote(f.host)})`,
  `"names": dyn([${spellings(f.key).map(quote).join(', ')}])`,
].join(', ')}}`).join(', ')}]`;

/** A mount `m` is in the way of file `f`: at its path, or a directory above it. */
const IN_THE_WAY = 'm.mountPath == f.path || m.mountPath == f.path + "/" || (m.mountPath != "/" && f.path.startsWith(m.mountPath.endsWith("/") ? m.mountPath : m.mountPath + "/"))';

/** spec.variables, in order (later ones use earlier ones). */
export const POLICY_VARIABLES: readonly { readonly name: string; readonly expression: string }[] = Object.freeze([
  { name: 'annotations', expression: 'has(object.metadata.annotations) ? object.metadata.annotations : {}' },
  {
    name: 'excluded',
    expression: `${quote(EXCLUDE_ANNOTATION)} in variables.annotations ? variables.annotations[${quote(EXCLUDE_ANNOTATION)}].split(",").map(s, s.trim()) : []`,
  },
  {
    name: 'files',
    expression: `${quote(FILES_ANNOTATION)} in variables.annotations ? ${FILE_LIST}.filter(f, variables.annotations[${quote(FILES_ANNOTATION)}].split(",").exists(n, n.trim() in f.names)) : ${FILE_LIST}`,
  },
  {
    // A volume of ours by name but with another definition is not used (as the webhook does).
    name: 'usable',
    expression: 'variables.files.filter(f, !has(object.spec.volumes) || !object.spec.volumes.exists(v, v.name == f.volume && !(has(v.hostPath) && v.hostPath.path == f.host)))',
  },
  ...(['containers', 'initContainers'] as const).map((field) => ({
    name: `${field}Plan`,
    expression: `(has(object.spec.${field}) ? object.spec.${field} : []).filter(c, !(c.name in variables.excluded)).map(c, {"name": dyn(c.name), "files": dyn(variables.usable.filter(f, !(has(c.volumeMounts) && c.volumeMounts.exists(m, ${IN_THE_WAY}))))})`,
  })),
]);

/** The apply configuration: volumes for the files some container gets, and each container's mounts. */
export function applyConfigurationExpression(construct: Construct): string {
  const mounts = (plan: string, field: string) => `${plan}.filter(p, size(p.files) > 0).map(p, ${construct(`Object.spec.${field}`, {
    name: 'p.name',
    volumeMounts: `p.files.map(f, ${construct(`Object.spec.${field}.volumeMounts`, { name: 'f.volume', mountPath: 'f.path', readOnly: 'true' })})`,
  })})`;
  const volumes = `variables.usable.filter(f, variables.containersPlan.exists(p, f in p.files) || variables.initContainersPlan.exists(p, f in p.files)).map(f, ${construct('Object.spec.volumes', {
    name: 'f.volume',
    hostPath: construct('Object.spec.volumes.hostPath', { path: 'f.host', type: '"File"' }),
  })})`;
  return construct('Object', {
    spec: construct('Object.spec', {
      volumes,
      containers: mounts('variables.containersPlan', 'containers'),
      initContainers: mounts('variables.initContainersPlan', 'initContainers'),
    }),
  });
}

export const POLICY_MATCH_CONDITIONS: readonly { readonly name: string; readonly expression: string }[] = Object.freeze([
  { name: 'not-opted-out', expression: `!has(object.metadata.labels) || !(${quote(INJECT_LABEL)} in object.metadata.labels) || !(object.metadata.labels[${quote(INJECT_LABEL)}] in ["false", "disabled"])` },
  { name: 'not-a-mirror-pod', expression: '!has(object.metadata.annotations) || !("kubernetes.io/config.mirror" in object.metadata.annotations)' },
  { name: 'host-users', expression: '!has(object.spec.hostUsers) || object.spec.hostUsers' },
]);

export function mutatingAdmissionPolicy(): IMutatingAdmissionPolicy {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingAdmissionPolicy',
    metadata: { name: POLICY_NAME, labels: { 'app.kubernetes.io/name': 'lxcfs-node', 'app.kubernetes.io/component': 'policy' } },
    spec: {
      failurePolicy: 'Ignore',
      reinvocationPolicy: 'IfNeeded',
      matchConstraints: {
        resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }],
      },
      matchConditions: POLICY_MATCH_CONDITIONS.map((c) => ({ ...c })),
      variables: POLICY_VARIABLES.map((v) => ({ ...v })),
      mutations: [{ patchType: 'ApplyConfiguration', applyConfiguration: { expression: applyConfigurationExpression(kubernetesConstruct) } }],
    },
  };
}

const EXCLUSIONS = [
  { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [...SYSTEM_NAMESPACES] },
  { key: 'pod-security.kubernetes.io/enforce', operator: 'NotIn', values: ['baseline', 'restricted'] },
];

/** Namespace opt-in and pod opt-in, as the webhooks select them. */
export function policyBindings(): IMutatingAdmissionPolicyBinding[] {
  const binding = (name: string, namespaceOptIn: boolean, pod: { operator: string; values: string[] }): IMutatingAdmissionPolicyBinding => ({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingAdmissionPolicyBinding',
    metadata: { name, labels: { 'app.kubernetes.io/name': 'lxcfs-node', 'app.kubernetes.io/component': 'policy' } },
    spec: {
      policyName: POLICY_NAME,
      matchResources: {
        namespaceSelector: { matchExpressions: [...EXCLUSIONS, { key: INJECT_LABEL, operator: namespaceOptIn ? 'In' : 'NotIn', values: ['enabled'] }] },
        objectSelector: { matchExpressions: [{ key: INJECT_LABEL, ...pod }] },
      },
    },
  });
  return [
    binding(`${POLICY_NAME}-namespaces`, true, { operator: 'NotIn', values: ['false', 'disabled'] }),
    binding(`${POLICY_NAME}-pods`, false, { operator: 'In', values: ['true', 'enabled', 'required'] }),
  ];
}

/** daemonset/policy/: instead of the injector (the daemon's kustomization comes with it). */
export function policyManifestFiles(): readonly ManifestFile[] {
  return [
    { name: 'mutatingadmissionpolicy.yaml', objects: [mutatingAdmissionPolicy()] },
    { name: 'bindings.yaml', objects: policyBindings() },
  ];
}

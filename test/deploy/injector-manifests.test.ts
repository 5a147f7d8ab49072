// The injector's objects: valid against the Kubernetes schemas (offline), wired to each other
// (the webhook calls the Service, the Service reaches the Deployment's port, the Deployment runs
// `injector` on it), least privilege, Pod Security "restricted", and selectors that send each
// namespace/pod combination to the intended webhook only (evaluated here as the API server does).
import t from 'tap';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { MutatingWebhookConfiguration } from 'kubernetes-models/admissionregistration.k8s.io/v1/MutatingWebhookConfiguration';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import {
  INJECTOR_PORT, injectorClusterRole, injectorClusterRoleBinding, injectorDeployment, injectorDisruptionBudget,
  injectorManifestFiles, injectorRole, injectorRoleBinding, injectorService, injectorServiceAccount, mutatingWebhookConfiguration,
} from '../../src/deploy/injector-manifests.js';
import { NAMESPACE } from '../../src/deploy/manifests.js';
import { INJECTOR_DEFAULTS } from '../../src/injector/defaults.js';
import { parseInjectorArgs } from '../../src/injector/injector-command.js';

const deployment = injectorDeployment('1.2.3');
const pod = deployment.spec!.template.spec!;
const container = pod.containers[0]!;
const mwc = mutatingWebhookConfiguration();

t.test('every object validates against its schema', async (t) => {
  const models: [string, () => { validate(): void }][] = [
    ['ServiceAccount', () => new ServiceAccount(injectorServiceAccount())],
    ['Role', () => new Role(injectorRole())], ['RoleBinding', () => new RoleBinding(injectorRoleBinding())],
    ['ClusterRole', () => new ClusterRole(injectorClusterRole())], ['ClusterRoleBinding', () => new ClusterRoleBinding(injectorClusterRoleBinding())],
    ['Service', () => new Service(injectorService())], ['Deployment', () => new Deployment(deployment)],
    ['PodDisruptionBudget', () => new PodDisruptionBudget(injectorDisruptionBudget())],
    ['MutatingWebhookConfiguration', () => new MutatingWebhookConfiguration(mwc)],
  ];
  for (const [name, make] of models) t.doesNotThrow(() => make().validate(), name);
  const broken = structuredClone(mwc);
  (broken.webhooks![0] as { timeoutSeconds: unknown }).timeoutSeconds = 'five';
  t.throws(() => new MutatingWebhookConfiguration(broken).validate(), /timeoutSeconds must be integer/, 'the validator bites');
  t.equal(injectorManifestFiles('1.2.3').flatMap((f) => f.objects).length, 9);
});

t.test('wired together: webhook → Service → Deployment port → the injector\'s own arguments', async (t) => {
  const service = injectorService();
  for (const webhook of mwc.webhooks!) {
    t.same(webhook.clientConfig.service, { name: service.metadata!.name, namespace: NAMESPACE, path: '/mutate', port: service.spec!.ports![0]!.port });
    t.equal(webhook.clientConfig.caBundle, undefined, 'the injector sets the caBundle itself');
  }
  t.equal(service.spec!.ports![0]!.targetPort, 'https');
  t.same(container.ports, [{ name: 'https', containerPort: INJECTOR_PORT, protocol: 'TCP' }]);
  t.same(service.spec!.selector, deployment.spec!.selector.matchLabels);
  t.same(injectorDisruptionBudget().spec!.selector, deployment.spec!.selector);
  t.equal(container.args![0], 'injector', 'the image entrypoint runs the subcommand');
  const parsed = parseInjectorArgs(container.args!.slice(1), () => NAMESPACE);
  if (parsed.kind !== 'run') throw new Error('args do not run');
  t.equal(parsed.options.listen.port, INJECTOR_PORT);
  t.equal(parsed.options.service, service.metadata!.name, 'the serving certificate names the Service');
  t.same(parsed.options.certificates, { kind: 'self-signed', secret: INJECTOR_DEFAULTS.secret, webhookConfig: mwc.metadata!.name });
  t.equal(container.readinessProbe?.httpGet?.scheme, 'HTTPS');
  t.equal(pod.serviceAccountName, injectorServiceAccount().metadata!.name);
});

t.test('availability: two replicas spread over nodes, a PDB, never both down in a rollout', async (t) => {
  t.equal(deployment.spec!.replicas, 2);
  t.equal(injectorDisruptionBudget().spec!.minAvailable, 1);
  t.same(deployment.spec!.strategy?.rollingUpdate, { maxUnavailable: 0, maxSurge: 1 });
  t.equal(pod.topologySpreadConstraints?.[0]?.topologyKey, 'kubernetes.io/hostname');
});

t.test('Pod Security restricted', async (t) => {
  t.equal(pod.securityContext?.runAsNonRoot, true);
  t.equal(pod.securityContext?.seccompProfile?.type, 'RuntimeDefault');
  t.equal(container.securityContext?.allowPrivilegeEscalation, false);
  t.same(container.securityContext?.capabilities?.drop, ['ALL']);
  t.equal(container.securityContext?.readOnlyRootFilesystem, true);
  t.equal(pod.hostPID, undefined);
  t.equal(pod.volumes, undefined, 'no hostPath, no volumes at all');
  t.ok(container.resources?.limits?.memory, 'a memory limit is fine here: the injector holds no node state');
});

t.test('least privilege: its Secret and its webhook configuration, by name', async (t) => {
  const rules = injectorRole().rules!;
  t.same(rules[0], { apiGroups: [''], resources: ['secrets'], resourceNames: [INJECTOR_DEFAULTS.secret], verbs: ['get', 'update'] });
  t.same(rules[1], { apiGroups: [''], resources: ['secrets'], verbs: ['create'] }, 'create cannot be limited by name');
  t.same(injectorClusterRole().rules, [{ apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], resourceNames: [mwc.metadata!.name], verbs: ['get', 'patch'] }]);
  t.equal(injectorRole().metadata!.namespace, NAMESPACE);
  for (const binding of [injectorRoleBinding(), injectorClusterRoleBinding()]) {
    t.same(binding.subjects, [{ kind: 'ServiceAccount', name: injectorServiceAccount().metadata!.name, namespace: NAMESPACE }]);
  }
});

t.test('webhook settings', async (t) => {
  for (const w of mwc.webhooks!) {
    t.ok(w.timeoutSeconds! <= 5, `${w.name} timeout`);
    t.equal(w.sideEffects, 'None');
    t.equal(w.reinvocationPolicy, 'IfNeeded');
    t.same(w.admissionReviewVersions, ['v1']);
    t.same(w.rules!.map((r) => `${r.operations!.join()} ${r.resources!.join()}`), ['CREATE pods', 'UPDATE pods/ephemeralcontainers']);
    t.match(w.matchConditions?.[0]?.expression, /kubernetes\.io\/config\.mirror/);
  }
  t.same(mwc.webhooks!.map((w) => w.failurePolicy), ['Ignore', 'Ignore', 'Fail'], 'only the strict one refuses pods when the injector is down');
});

type Expr = { key: string; operator: string; values?: string[] };
function matches(selector: { matchExpressions?: Expr[] } | undefined, labels: Record<string, string>): boolean {
  return (selector?.matchExpressions ?? []).every((e) => {
    const has = Object.hasOwn(labels, e.key);
    if (e.operator === 'In') return has && e.values!.includes(labels[e.key]!);
    if (e.operator === 'NotIn') return !has || !e.values!.includes(labels[e.key]!);
    if (e.operator === 'Exists') return has;
    if (e.operator === 'DoesNotExist') return !has;
    throw new Error(`operator ${e.operator}`);
  });
}

t.test('selectors: which webhook a namespace and pod combination reaches', async (t) => {
  const fired = (ns: Record<string, string>, podLabels: Record<string, string>) => mwc.webhooks!
    .filter((w) => matches(w.namespaceSelector as never, ns) && matches(w.objectSelector as never, podLabels)).map((w) => w.name.split('.')[0]);
  const app = { 'kubernetes.io/metadata.name': 'shop' };
  const enabled = { ...app, 'lxcfs-node.io/inject': 'enabled' };
  const cases: [Record<string, string>, Record<string, string>, string[]][] = [
    [app, {}, []],
    [enabled, {}, ['namespaces']],
    [enabled, { 'lxcfs-node.io/inject': 'false' }, []],
    [enabled, { 'lxcfs-node.io/inject': 'disabled' }, []],
    [enabled, { 'lxcfs-node.io/inject': 'true' }, ['namespaces']],
    [app, { 'lxcfs-node.io/inject': 'true' }, ['pods']],
    [app, { 'lxcfs-node.io/inject': 'enabled' }, ['pods']],
    [app, { 'lxcfs-node.io/inject': 'required' }, ['required']],
    [enabled, { 'lxcfs-node.io/inject': 'required' }, ['required']],
    [{ 'kubernetes.io/metadata.name': 'kube-system', 'lxcfs-node.io/inject': 'enabled' }, { 'lxcfs-node.io/inject': 'true' }, []],
    [{ 'kubernetes.io/metadata.name': NAMESPACE }, { 'lxcfs-node.io/inject': 'required' }, []],
    [{ ...enabled, 'pod-security.kubernetes.io/enforce': 'baseline' }, {}, []],
    [{ ...app, 'pod-security.kubernetes.io/enforce': 'restricted' }, { 'lxcfs-node.io/inject': 'true' }, []],
    [{ ...enabled, 'pod-security.kubernetes.io/enforce': 'privileged' }, {}, ['namespaces']],
  ];
  for (const [ns, podLabels, expected] of cases) t.same(fired(ns, podLabels), expected, `${JSON.stringify(ns)} ${JSON.stringify(podLabels)}`);
});

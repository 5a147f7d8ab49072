// The pod injector's Kubernetes objects, as plain data (daemonset/injector/*.yaml is generated
// from here). Names, labels and annotations come from the injector's own constants, so the
// selectors the API server applies and the checks mutate() makes cannot drift apart.
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IMutatingWebhook } from 'kubernetes-models/admissionregistration.k8s.io/v1/MutatingWebhook';
import type { IMutatingWebhookConfiguration } from 'kubernetes-models/admissionregistration.k8s.io/v1/MutatingWebhookConfiguration';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import type { IClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import type { IRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import type { IRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { INJECTOR_DEFAULTS } from '../injector/defaults.js';
import { INJECT_LABEL, SYSTEM_NAMESPACES } from '../injector/mutate.js';
import { IMAGE_REPOSITORY, NAMESPACE, type ManifestFile } from './manifests.js';

export const INJECTOR_NAME = INJECTOR_DEFAULTS.service;
export const INJECTOR_PORT = Number(INJECTOR_DEFAULTS.listen.split(':')[1]);
const LABELS = Object.freeze({ 'app.kubernetes.io/name': 'lxcfs-node', 'app.kubernetes.io/component': 'injector' });
const meta = (name: string, namespaced = true) => ({ name, ...(namespaced ? { namespace: NAMESPACE } : {}), labels: { ...LABELS } });

export function injectorServiceAccount(): IServiceAccount {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(INJECTOR_NAME) };
}

/**
 * Least privilege: its own Secret (get, update by name; create cannot be limited by name in
 * RBAC, so the Role allows creating Secrets in our namespace only) and its own webhook
 * configuration (get, patch by name). No pods, no nodes: the mutation needs no API call.
 */
export function injectorRole(): IRole {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: meta(INJECTOR_NAME),
    rules: [
      { apiGroups: [''], resources: ['secrets'], resourceNames: [INJECTOR_DEFAULTS.secret], verbs: ['get', 'update'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
    ],
  };
}

export function injectorRoleBinding(): IRoleBinding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: meta(INJECTOR_NAME),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: INJECTOR_NAME },
    subjects: [{ kind: 'ServiceAccount', name: INJECTOR_NAME, namespace: NAMESPACE }],
  };
}

export function injectorClusterRole(): IClusterRole {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: meta(INJECTOR_NAME, false),
    rules: [{
      apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'],
      resourceNames: [INJECTOR_DEFAULTS.webhookConfig], verbs: ['get', 'patch'],
    }],
  };
}

export function injectorClusterRoleBinding(): IClusterRoleBinding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: meta(INJECTOR_NAME, false),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: INJECTOR_NAME },
    subjects: [{ kind: 'ServiceAccount', name: INJECTOR_NAME, namespace: NAMESPACE }],
  };
}

export function injectorService(): IService {
  return {
    apiVersion: 'v1', kind: 'Service', metadata: meta(INJECTOR_NAME),
    spec: { selector: { ...LABELS }, ports: [{ name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' }] },
  };
}

export function injectorDeployment(version: string): IDeployment {
  const probe = (path: string) => ({ httpGet: { path, port: 'https', scheme: 'HTTPS' as const }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 });
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta(INJECTOR_NAME),
    spec: {
      // Two, on different nodes: with failurePolicy Ignore, no injector means pods start without the files.
      replicas: 2,
      selector: { matchLabels: { ...LABELS } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: { ...LABELS, [INJECT_LABEL]: 'disabled' } },
        spec: {
          serviceAccountName: INJECTOR_NAME,
          priorityClassName: 'system-cluster-critical',
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { ...LABELS } } }],
          // Pod Security "restricted": it needs nothing from the node.
          securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{
            name: 'injector',
            image: `${IMAGE_REPOSITORY}:${version}`,
            imagePullPolicy: 'IfNotPresent',
            args: ['injector', '--listen', `0.0.0.0:${INJECTOR_PORT}`],
            ports: [{ name: 'https', containerPort: INJECTOR_PORT, protocol: 'TCP' }],
            readinessProbe: probe('/readyz'),
            livenessProbe: probe('/livez'),
            resources: { requests: { cpu: '20m', memory: '64Mi' }, limits: { memory: '256Mi' } },
            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
          }],
        },
      },
    },
  };
}

export function injectorDisruptionBudget(): IPodDisruptionBudget {
  return {
    apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta(INJECTOR_NAME),
    spec: { minAvailable: 1, selector: { matchLabels: { ...LABELS } } },
  };
}

/** Namespaces never injected, and ones whose Pod Security level forbids hostPath volumes. */
const NAMESPACE_EXCLUSIONS = [
  { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [...SYSTEM_NAMESPACES] },
  { key: 'pod-security.kubernetes.io/enforce', operator: 'NotIn', values: ['baseline', 'restricted'] },
];

function webhook(name: string, namespaceOptIn: boolean, podValues: { operator: 'In' | 'NotIn'; values: string[] }, failurePolicy: 'Ignore' | 'Fail'): IMutatingWebhook {
  return {
    name,
    admissionReviewVersions: ['v1'],
    sideEffects: 'None',
    timeoutSeconds: 5,
    failurePolicy,
    matchPolicy: 'Equivalent',
    // Another webhook may add a container after us (a mesh sidecar); we run again for it.
    reinvocationPolicy: 'IfNeeded',
    clientConfig: { service: { name: INJECTOR_NAME, namespace: NAMESPACE, path: '/mutate', port: 443 } },
    rules: [
      { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'], scope: 'Namespaced' },
      { apiGroups: [''], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['pods/ephemeralcontainers'], scope: 'Namespaced' },
    ],
    namespaceSelector: {
      matchExpressions: [
        ...NAMESPACE_EXCLUSIONS,
        { key: INJECT_LABEL, operator: namespaceOptIn ? 'In' : 'NotIn', values: ['enabled'] },
      ],
    },
    objectSelector: { matchExpressions: [{ key: INJECT_LABEL, ...podValues }] },
    matchConditions: [{
      name: 'not-a-mirror-pod',
      expression: "!has(object.metadata.annotations) || !('kubernetes.io/config.mirror' in object.metadata.annotations)",
    }],
  };
}

/**
 * Three webhooks, one endpoint: a namespace labelled `lxcfs-node.io/inject: enabled` (pods may
 * opt out with `false`/`disabled`); a pod labelled `true`/`enabled` elsewhere (the two never both
 * match); and `required`, with failurePolicy Fail, for pods that must not start without the files.
 * No caBundle here: the injector sets it (and a re-apply that drops it is repaired).
 */
export function mutatingWebhookConfiguration(): IMutatingWebhookConfiguration {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: meta(INJECTOR_DEFAULTS.webhookConfig, false),
    webhooks: [
      webhook('namespaces.lxcfs-node.io', true, { operator: 'NotIn', values: ['false', 'disabled', 'required'] }, 'Ignore'),
      webhook('pods.lxcfs-node.io', false, { operator: 'In', values: ['true', 'enabled'] }, 'Ignore'),
      { ...webhook('required.lxcfs-node.io', true, { operator: 'In', values: ['required'] }, 'Fail'), namespaceSelector: { matchExpressions: NAMESPACE_EXCLUSIONS } },
    ],
  };
}

/** In apply order, under daemonset/injector/ (whose kustomization also pulls in the daemon's). */
export function injectorManifestFiles(version: string): readonly ManifestFile[] {
  return [
    { name: 'serviceaccount.yaml', objects: [injectorServiceAccount()] },
    { name: 'rbac.yaml', objects: [injectorRole(), injectorRoleBinding(), injectorClusterRole(), injectorClusterRoleBinding()] },
    { name: 'service.yaml', objects: [injectorService()] },
    { name: 'deployment.yaml', objects: [injectorDeployment(version)] },
    { name: 'poddisruptionbudget.yaml', objects: [injectorDisruptionBudget()] },
    { name: 'mutatingwebhookconfiguration.yaml', objects: [mutatingWebhookConfiguration()] },
  ];
}

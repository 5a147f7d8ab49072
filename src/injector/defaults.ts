// The injector's names and defaults, apart from the code that uses them so the manifests'
// generator can import them without loading the Kubernetes client.
export const INJECTOR_DEFAULTS = Object.freeze({
  listen: '0.0.0.0:8443',
  service: 'lxcfs-node-injector',
  secret: 'lxcfs-node-injector-tls',
  webhookConfig: 'lxcfs-node',
  reconcileSeconds: 60,
});

// The injector's /metrics: admissions by outcome (injected, unchanged, skipped with its reason,
// error with its kind), how long answering took, and when the serving certificate expires —
// the figure to alert on before the API server starts refusing the webhook's TLS.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Outcome } from './mutate.js';

export type ErrorKind = 'invalid' | 'too-large' | 'content-type' | 'internal';

export interface InjectorMetrics {
  readonly contentType: string;
  admitted(outcome: Outcome, seconds: number): void;
  failed(kind: ErrorKind, seconds: number): void;
  certificateExpires(at: Date): void;
  render(): Promise<string>;
}

export function createInjectorMetrics(version: string): InjectorMetrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  new Gauge({ name: 'lxcfs_node_injector_info', help: 'Always 1; the version label says which injector answers.', labelNames: ['version'], registers })
    .set({ version }, 1);
  const admissions = new Counter({
    name: 'lxcfs_node_injector_admissions_total',
    help: 'Admission requests answered, by outcome (injected, unchanged, skipped, error) and reason (why skipped, what failed).',
    labelNames: ['outcome', 'reason'], registers,
  });
  const duration = new Histogram({
    name: 'lxcfs_node_injector_admission_duration_seconds',
    help: 'Time from the request\'s first byte to the response, per admission request.',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5], registers,
  });
  const expiry = new Gauge({
    name: 'lxcfs_node_injector_certificate_expiry_timestamp_seconds',
    help: 'When the serving certificate in use expires (Unix time).', registers,
  });
  return {
    contentType: registry.contentType,
    admitted(outcome, seconds) {
      admissions.inc({ outcome: outcome.kind, reason: outcome.kind === 'skipped' ? outcome.reason : '' });
      duration.observe(seconds);
    },
    failed(kind, seconds) {
      admissions.inc({ outcome: 'error', reason: kind });
      duration.observe(seconds);
    },
    certificateExpires(at) {
      expiry.set(at.getTime() / 1000);
    },
    render: () => registry.metrics(),
  };
}

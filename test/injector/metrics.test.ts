// The injector's metrics: outcomes and reasons as labels, the latency histogram, the expiry gauge.
import t from 'tap';
import { createInjectorMetrics } from '../../src/injector/metrics.js';

t.test('counts by outcome and reason', async (t) => {
  const m = createInjectorMetrics('1.0.0');
  m.admitted({ kind: 'injected' }, 0.002);
  m.admitted({ kind: 'skipped', reason: 'opted-out' }, 0.001);
  m.admitted({ kind: 'skipped', reason: 'opted-out' }, 0.001);
  m.failed('too-large', 0.0001);
  m.certificateExpires(new Date('2027-01-01T00:00:00Z'));
  const text = await m.render();
  t.match(text, /admissions_total\{outcome="injected",reason=""\} 1/);
  t.match(text, /admissions_total\{outcome="skipped",reason="opted-out"\} 2/);
  t.match(text, /admissions_total\{outcome="error",reason="too-large"\} 1/);
  t.match(text, /admission_duration_seconds_count 4/);
  t.match(text, /admission_duration_seconds_bucket\{le="0.001"\} 3/);
  t.match(text, /certificate_expiry_timestamp_seconds 1798761600/);
  t.match(text, /process_resident_memory_bytes \d+/);
  t.match(m.contentType, /^text\/plain/);
});

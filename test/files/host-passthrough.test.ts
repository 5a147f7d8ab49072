import t from 'tap';
import type { GatherContext, HostPath } from '../../src/files/types.js';
import { hostPassthrough } from '../../src/files/host-passthrough.js';

function context(files: Record<string, string>, calls: HostPath[]): GatherContext {
  return {
    pid: 1,
    options: { swap: true, cfs: false, loadavg: false },
    hostFile: (file) => {
      calls.push(file);
      const text = files[`${file.root}:${file.path}`];
      if (text === undefined) throw new Error(`no ${file.root}:${file.path}`);
      return text;
    },
    memory: () => { throw new Error('a passthrough never asks for memory'); },
  };
}

t.test('describes the file it was given', async (t) => {
  const host = { root: 'sys', path: 'devices/system/cpu/online' } as const;
  const file = hostPassthrough('sys/devices/system/cpu/online', host, 4096, 'online CPUs');
  t.equal(file.path, 'sys/devices/system/cpu/online');
  t.equal(file.host, host);
  t.equal(file.size, 4096);
  t.equal(file.summary, 'online CPUs');
  t.ok(Object.isFrozen(file), 'frozen');
});

t.test('gather reads the host file through the context; render is the identity', async (t) => {
  const calls: HostPath[] = [];
  const file = hostPassthrough('proc/uptime', { root: 'proc', path: 'uptime' }, 0, 'uptime');
  const ctx = context({ 'proc:uptime': '12.34 56.78\n', 'sys:uptime': 'wrong root\n' }, calls);
  const input = file.gather(ctx);
  t.equal(input, '12.34 56.78\n');
  t.same(calls, [{ root: 'proc', path: 'uptime' }]);
  t.equal(file.render(input), '12.34 56.78\n');
  t.equal(file.render(''), '', 'render does not invent content');
});

t.test('gather errors propagate (the FileRenderer falls back)', async (t) => {
  const file = hostPassthrough('proc/loadavg', { root: 'proc', path: 'loadavg' }, 0, 'loadavg');
  t.throws(() => file.gather(context({}, [])), { message: 'no proc:loadavg' });
});

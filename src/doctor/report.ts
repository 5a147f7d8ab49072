// The doctor's two outputs: one line per finding for people (status, check id, message,
// and an indented fix when something is wrong), or one JSON document for scripts.
import type { DoctorReport } from './run.js';

/** Wide enough for the longest check id ('cgroup-layout'). */
const ID_WIDTH = 14;

export function formatHuman(report: DoctorReport): string {
  return report.findings.map((f) => {
    const line = `${f.status.padEnd(6)}${f.check.padEnd(ID_WIDTH)}${f.message}\n`;
    return f.fix === undefined ? line : `${line}${' '.repeat(6 + ID_WIDTH)}fix: ${f.fix}\n`;
  }).join('');
}

export function formatJson(report: DoctorReport): string {
  const { mountpoint, pid, findings, exit } = report;
  return `${JSON.stringify({ mountpoint, pid, findings, exit }, null, 2)}\n`;
}

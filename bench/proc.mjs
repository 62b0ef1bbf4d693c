// Server CPU from /proc (Linux): utime+stime (+ cutime+cstime of reaped children) of every process
// in a server's process tree, so a benchmark can divide the CPU a server spent by the requests it
// served. Resolution is one clock tick (normally 10 ms); phases are long enough for that.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

export const CLK_TCK = (() => {
  try { return Number(execFileSync('getconf', ['CLK_TCK'], { timeout: 5_000 }).toString().trim()) || 100; } catch { return 100; }
})();
const TICK_MS = 1000 / CLK_TCK;

/** {pid, ppid, comm, ticks} of one process, or null if it is gone. */
export function procStat(pid) {
  let s;
  try { s = readFileSync(`/proc/${pid}/stat`, 'utf8'); } catch { return null; }
  // comm is in parentheses and may contain spaces; fields after it are space-separated.
  const close = s.lastIndexOf(')');
  const comm = s.slice(s.indexOf('(') + 1, close);
  const f = s.slice(close + 2).split(' ');
  // f[0] = state (field 3); utime = field 14 → f[11], stime f[12], cutime f[13], cstime f[14]
  const user = Number(f[11]) + Number(f[13]);
  const sys = Number(f[12]) + Number(f[14]);
  return { pid, ppid: Number(f[1]), comm, ticks: user + sys, sys };
}

/** Run-queue wait (ms, summed over threads: ready to run but waiting for a CPU) and bytes written
 *  to storage (/proc/<pid>/io write_bytes) of one process; 0 where unreadable. */
function extras(pid) {
  let runq = 0;
  try {
    for (const t of readdirSync(`/proc/${pid}/task`)) {
      try { runq += Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[1]) / 1e6; } catch { /* thread gone */ }
    }
  } catch { /* gone */ }
  let written = 0;
  try { written = Number((readFileSync(`/proc/${pid}/io`, 'utf8').match(/^write_bytes:\s*(\d+)/m) ?? [])[1] ?? 0); } catch { /* no access */ }
  return { runq, written };
}

/** The process `rootPid` and all its live descendants. */
export function processTree(rootPid) {
  const all = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const p = procStat(Number(name));
    if (p) all.push(p);
  }
  const byParent = new Map();
  for (const p of all) {
    if (!byParent.has(p.ppid)) byParent.set(p.ppid, []);
    byParent.get(p.ppid).push(p);
  }
  const root = all.find((p) => p.pid === rootPid);
  if (!root) return [];
  const out = [];
  const stack = [root];
  while (stack.length) {
    const p = stack.pop();
    Object.assign(p, extras(p.pid));
    out.push(p);
    for (const c of byParent.get(p.pid) ?? []) stack.push(c);
  }
  return out;
}

/** Live descendants of pid via /proc/<pid>/task/<tid>/children (cheaper than a full /proc scan). */
function descendants(pid) {
  const out = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop();
    try {
      for (const t of readdirSync(`/proc/${p}/task`)) {
        let s = '';
        try { s = readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').trim(); } catch { /* gone */ }
        if (s) for (const c of s.split(/\s+/).map(Number)) { out.push(c); stack.push(c); }
      }
    } catch { /* gone */ }
  }
  return out;
}

/** Inode of the socket listening on 127.0.0.1:port (IPv4), or null. */
function listeningInode(port) {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text;
    try { text = readFileSync(file, 'utf8'); } catch { continue; }
    for (const line of text.split('\n').slice(1)) {
      const c = line.trim().split(/\s+/);
      if (c.length > 9 && c[1].endsWith(':' + hex) && c[3] === '0A') return c[9];
    }
  }
  return null;
}

/** The pids (among `pids`) holding the listening socket of `port`. */
export function listenerPids(pids, port) {
  const inode = listeningInode(port);
  if (!inode) return [];
  const want = `socket:[${inode}]`;
  const out = [];
  for (const pid of pids) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        let link;
        try { link = readlinkSync(`/proc/${pid}/fd/${fd}`); } catch { continue; }
        if (link === want) { out.push(pid); break; }
      }
    } catch { /* gone */ }
  }
  return out;
}

/**
 * A CPU meter for one server: snapshot() → per-process ticks; delta(a, b) → { total_ms, sys_ms, by_role }
 * where role(proc) names each process (e.g. "workerd", "node (wrangler)"). Processes born in the
 * window count from zero; a process that exits mid-window loses its share (noted as `lost`).
 */
export function cpuMeter(rootPid, role) {
  const snapshot = () => {
    const procs = processTree(rootPid);
    return { at: performance.now(), procs: new Map(procs.map((p) => [p.pid, { ...p, role: role(p, procs) }])) };
  };
  const delta = (a, b) => {
    const byRole = {};
    let total = 0;
    let sys = 0;
    let runq = 0;
    let written = 0;
    for (const [pid, p] of b.procs) {
      runq += p.runq - (a.procs.get(pid)?.runq ?? 0);
      written += p.written - (a.procs.get(pid)?.written ?? 0);
      const d = (p.ticks - (a.procs.get(pid)?.ticks ?? 0)) * TICK_MS;
      sys += (p.sys - (a.procs.get(pid)?.sys ?? 0)) * TICK_MS;
      total += d;
      const r = (byRole[p.role] ??= { ms: 0, processes: 0 });
      r.ms += d;
      r.processes += 1;
    }
    const lost = [...a.procs.keys()].filter((pid) => !b.procs.has(pid)).length;
    return { total_ms: total, sys_ms: sys, runq_ms: runq, written_bytes: written, by_role: byRole, lost, window_ms: b.at - a.at };
  };
  const ticks = () => {
    let sum = 0;
    for (const pid of [rootPid, ...descendants(rootPid)]) sum += procStat(pid)?.ticks ?? 0;
    return sum;
  };
  return { snapshot, delta, ticks };
}

/**
 * Waits (bounded) until the server's CPU is quiet: at most `quietTicks` ticks over `windowMs`,
 * so that asynchronous work a phase started (queue consumers, waitUntil) is charged to it.
 */
export async function settle(meter, { windowMs = 400, quietTicks = 1, maxMs = 6_000 } = {}) {
  const end = performance.now() + maxMs;
  let last = meter.ticks();
  while (performance.now() < end) {
    await new Promise((r) => setTimeout(r, windowMs));
    const now = meter.ticks();
    if (now - last <= quietTicks) return true;
    last = now;
  }
  return false;
}

/** Aggregate machine CPU (all cores) in ms from /proc/stat: { busy, total }. */
export function machineCpu() {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal guest guest_nice (guest* already in user/nice)
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line;
    const busy = user + nice + system + irq + softirq + steal;
    return { busy: busy * TICK_MS, total: (busy + idle + iowait) * TICK_MS };
  } catch {
    return { busy: NaN, total: NaN };
  }
}

// Memory and CPU of a process and everything it started (an --operator-cmd may be a
// shell or a wrapper), read from /proc. Sampled a few times a second for the peak RSS of
// the whole tree; the kernel's own high-water mark (VmHWM) covers peaks between samples.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

function parentOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined; // gone meanwhile
  }
}

function usage(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const after = fields.slice(fields.lastIndexOf(')') + 2).split(' ');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (key) => Number(status.match(new RegExp(`${key}:\\s+(\\d+)`))?.[1] ?? 0);
    return { pid, cpuTicks: Number(after[11]) + Number(after[12]), rssKiB: kib('VmRSS'), hwmKiB: kib('VmHWM') };
  } catch {
    return undefined;
  }
}

/** Usage of the root and its descendants alive now. */
function tree(root) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = parentOf(entry);
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  const pids = [root];
  for (let i = 0; i < pids.length; i++) pids.push(...(children.get(pids[i]) ?? []));
  return pids.map(usage).filter(Boolean);
}

export class ProcessStats {
  peakRssKiB = 0;
  rssKiB = 0;
  /** Last CPU ticks of every member ever seen: members that exit still count. */
  #cpuByPid = new Map();

  constructor(pid, everyMs = 250) {
    this.pid = pid;
    this.timer = setInterval(() => this.sample(), everyMs);
    this.sample();
  }

  sample() {
    const members = tree(this.pid);
    if (members.length === 0) return this;
    this.rssKiB = members.reduce((t, m) => t + m.rssKiB, 0);
    this.peakRssKiB = Math.max(this.peakRssKiB, this.rssKiB, ...members.map((m) => m.hwmKiB));
    for (const m of members) this.#cpuByPid.set(m.pid, m.cpuTicks);
    return this;
  }

  get cpuSeconds() {
    let ticks = 0;
    for (const t of this.#cpuByPid.values()) ticks += t;
    return ticks / TICKS_PER_SECOND;
  }

  /** Figures as reported: MiB and seconds. */
  figures() {
    this.sample();
    return { peakRssMiB: round(this.peakRssKiB / 1024), rssMiB: round(this.rssKiB / 1024), cpuSeconds: round(this.cpuSeconds, 2) };
  }

  stop() {
    clearInterval(this.timer);
  }
}

const round = (x, digits = 1) => Number(x.toFixed(digits));

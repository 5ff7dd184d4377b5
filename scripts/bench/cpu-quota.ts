/**
 * A fixed CPU share per process, for the scale-out bench: each process limited is moved into a
 * cgroup of its own whose CFS quota is `percent` of one core (cgroup v1 `cpu.cfs_quota_us`, or v2
 * `cpu.max`). On a machine with few cores this makes "one more gateway" mean one more fixed slice
 * of CPU, whatever else runs there, so that the 1-vs-2 ratio says how the gateway tier scales.
 * Needs write access to the cgroup file system (root in a container that mounts it writable).
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const V1 = '/sys/fs/cgroup/cpu';
const V2 = '/sys/fs/cgroup';

export interface CpuQuota {
  percent: number;
  /** Moves the process (all its threads) into a cgroup of its own capped at `percent` of a core. */
  limit(pid: number): void;
  /** Removes the cgroups (their processes, if still running, go back to the root group). */
  remove(): void;
}

/** The quota, or an error saying why it cannot be applied here. */
export function cpuQuota(percent: number): CpuQuota {
  if (!Number.isFinite(percent) || percent < 1 || percent > 100) throw new Error(`CPU quota ${percent}% is not valid: expected 1 to 100 (% of one core)`);
  const period = 100_000;
  const quota = Math.round((percent / 100) * period);
  const v2 = existsSync(path.join(V2, 'cgroup.controllers'));
  const root = v2 ? V2 : V1;
  if (!v2 && !existsSync(path.join(V1, 'cpu.cfs_quota_us'))) throw new Error('no cgroup cpu controller at /sys/fs/cgroup/cpu or /sys/fs/cgroup');
  const made: string[] = [];
  // Probe: a group can be created and capped.
  const probe = path.join(root, `credit-bench-probe-${process.pid}`);
  try {
    mkdirSync(probe);
    if (v2) writeFileSync(path.join(probe, 'cpu.max'), `${quota} ${period}`);
    else writeFileSync(path.join(probe, 'cpu.cfs_quota_us'), String(quota));
  } catch (err) {
    throw new Error(`cannot create a capped cgroup under ${root}: ${(err as Error).message}`);
  } finally {
    try {
      rmdirSync(probe);
    } catch {}
  }
  return {
    percent,
    limit(pid) {
      const dir = path.join(root, `credit-bench-${process.pid}-${pid}`);
      mkdirSync(dir);
      made.push(dir);
      if (v2) writeFileSync(path.join(dir, 'cpu.max'), `${quota} ${period}`);
      else {
        writeFileSync(path.join(dir, 'cpu.cfs_period_us'), String(period));
        writeFileSync(path.join(dir, 'cpu.cfs_quota_us'), String(quota));
      }
      writeFileSync(path.join(dir, 'cgroup.procs'), String(pid));
    },
    remove() {
      for (const dir of made.splice(0)) {
        try {
          for (const pid of readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) writeFileSync(path.join(root, 'cgroup.procs'), pid);
          rmdirSync(dir);
        } catch {}
      }
    },
  };
}

import { execFileSync } from 'node:child_process';
import fs, { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A small disk a test can fill up, for the till's full-disk behaviour.
//
// Where the machine allows it (root, as CI runs), a real tmpfs of `sizeBytes` is mounted: SQLite, the logger
// and every store file meet a real ENOSPC. Elsewhere the full disk is injected at the file layer instead:
// statfs reports no free space (which the till checks before each SeQura call), and SQLite's own writes are
// not limited. `kind` says which one the test got, and the test prints it.
export interface SmallDisk {
  readonly kind: 'tmpfs' | 'injected';
  /** A folder on the small disk. */
  readonly dir: string;
  /**
   * Fills the disk to the last byte, then gives back `leaveFreeBytes`: room enough for SQLite to write, less
   * than the till wants before it calls SeQura.
   */
  fill(leaveFreeBytes?: number): void;
  /** Frees what `fill` took. */
  free(): void;
  /** Unmounts and removes everything. */
  dispose(): void;
}

export function mountSmallDisk(sizeBytes: number): SmallDisk {
  const mountPoint = mkdtempSync(join(tmpdir(), 'sequra-pos-small-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', mountPoint], { stdio: 'pipe' });
  } catch {
    return injectedDisk(mountPoint);
  }
  const filler = join(mountPoint, 'filler.bin');
  return {
    kind: 'tmpfs',
    dir: mkdirAndReturn(join(mountPoint, 'till')),
    fill(leaveFreeBytes = 0) {
      const fd = openSync(filler, 'a');
      const chunk = Buffer.alloc(64 * 1024, 1);
      try {
        // Big chunks first, then single bytes, until the file system refuses.
        for (const size of [chunk.length, 4096, 1]) {
          for (;;) {
            try {
              writeSync(fd, chunk, 0, size);
            } catch (error) {
              if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
              throw error;
            }
          }
        }
      } finally {
        closeSync(fd);
      }
      if (leaveFreeBytes > 0) truncateSync(filler, Math.max(0, statSync(filler).size - leaveFreeBytes));
    },
    free() {
      rmSync(filler, { force: true });
    },
    dispose() {
      try {
        execFileSync('umount', ['-l', mountPoint], { stdio: 'pipe' });
      } finally {
        rmSync(mountPoint, { recursive: true, force: true });
      }
    },
  };
}

function injectedDisk(dir: string): SmallDisk {
  const realStatfs = fs.statfsSync;
  const restore = () => {
    fs.statfsSync = realStatfs;
    syncBuiltinESMExports();
  };
  return {
    kind: 'injected',
    dir: mkdirAndReturn(join(dir, 'till')),
    fill() {
      // Node's builtin modules keep their ESM named exports in step with the CommonJS object on request.
      fs.statfsSync = ((path: fs.PathLike, options?: fs.StatFsOptions) => ({
        ...realStatfs(path, options as never),
        bavail: 0,
        bfree: 0,
      })) as typeof fs.statfsSync;
      syncBuiltinESMExports();
    },
    free: restore,
    dispose() {
      restore();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function mkdirAndReturn(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

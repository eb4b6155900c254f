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

// A data folder that turns read-only while the till runs.
//
// Linux refuses `mount -o remount,ro` (EBUSY) while any file on the volume is open for writing, and the till
// holds its database open for as long as it runs; root also ignores permissions. The way a folder really
// turns read-only under a running program is the kernel's own emergency remount after a disk error (ext4's
// default `errors=remount-ro`). Where the machine allows it (root, loop devices), that is what this gives:
// a small ext4 image on a loop device, and `failReadOnly` raises a file-system error through ext4's test
// hook, after which every write on it, through files already open too, answers EROFS. The kernel keeps the
// volume read-only until it is unmounted, as after a real disk error: `repair` (with the till stopped)
// unmounts, checks and mounts it again. Elsewhere (no loop device, or not root) the folder turns read-only for
// every file opened from then on: a read-only bind mount over itself (root), else its permissions.
export interface ReadOnlyDisk {
  readonly kind: 'ext4-emergency-ro' | 'read-only bind mount' | 'permissions';
  /** A folder on the disk. */
  readonly dir: string;
  /** Turns the volume (or the folder) read-only now, under whatever has files open on it. */
  failReadOnly(): void;
  /** Whether writing on it is refused right now (checked by creating a file). */
  isReadOnly(): boolean;
  /** Makes it writable again: an unmount, fsck and mount (ext4: the till must be stopped), or the permissions. */
  repair(): void;
  dispose(): void;
}

export function mountReadOnlyCapableDisk(sizeBytes: number): ReadOnlyDisk {
  const root = mkdtempSync(join(tmpdir(), 'sequra-pos-ro-disk-'));
  const image = join(root, 'disk.img');
  const mountPoint = join(root, 'mnt');
  mkdirSync(mountPoint);
  let device: string | null = null;
  const mountImage = () => {
    execFileSync('mount', ['-o', 'loop,errors=remount-ro', image, mountPoint], { stdio: 'pipe' });
    device = execFileSync('findmnt', ['-no', 'SOURCE', mountPoint], { encoding: 'utf8' }).trim();
  };
  try {
    truncateSync(createEmpty(image), sizeBytes);
    execFileSync('mkfs.ext4', ['-q', '-F', image], { stdio: 'pipe' });
    mountImage();
  } catch {
    return folderDisk(root);
  }
  const dir = mkdirAndReturn(join(mountPoint, 'till'));
  return {
    kind: 'ext4-emergency-ro',
    dir,
    failReadOnly() {
      const name = device!.split('/').pop()!;
      fs.writeFileSync(`/sys/fs/ext4/${name}/trigger_fs_error`, '1');
    },
    isReadOnly: () => !canCreateFileIn(dir),
    repair() {
      execFileSync('umount', [mountPoint], { stdio: 'pipe' });
      // fsck answers 1 when it corrected something (the error the test raised): not a failure.
      try {
        execFileSync('fsck.ext4', ['-f', '-y', image], { stdio: 'pipe' });
      } catch (error) {
        if ((error as { status?: number }).status !== 1) throw error;
      }
      mountImage();
    },
    dispose() {
      try {
        execFileSync('umount', ['-l', mountPoint], { stdio: 'pipe' });
      } catch {
        // not mounted (a failed repair)
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * No loop device (or not root): the folder itself turns read-only for everything opened from then on
 * (`readOnlyFromNow`: a read-only bind mount as root, its permissions otherwise). The till's open database
 * keeps writing, but its write check before each SeQura call and its log (opened for each line) meet the
 * refusal, which is what the test asserts.
 */
function folderDisk(root: string): ReadOnlyDisk {
  const dir = mkdirAndReturn(join(root, 'till'));
  let undo: (() => void) | null = null;
  let kind: ReadOnlyDisk['kind'] = 'permissions';
  const repair = () => {
    undo?.();
    undo = null;
  };
  return {
    get kind() {
      return kind;
    },
    dir,
    failReadOnly() {
      const readOnly = readOnlyFromNow(dir);
      kind = readOnly.kind;
      undo = readOnly.undo;
    },
    isReadOnly: () => !canCreateFileIn(dir),
    repair,
    dispose() {
      repair();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Every folder and file under `dir` read-only (or writable again) by its permissions. */
function setReadOnly(dir: string, readOnly: boolean): void {
  const walk = (path: string) => {
    const isDir = statSync(path).isDirectory();
    fs.chmodSync(path, isDir ? (readOnly ? 0o555 : 0o755) : readOnly ? 0o444 : 0o644);
    if (isDir) for (const entry of fs.readdirSync(path)) walk(join(path, entry));
  };
  walk(dir);
}

function createEmpty(path: string): string {
  closeSync(openSync(path, 'w'));
  return path;
}

function canCreateFileIn(dir: string): boolean {
  const probe = join(dir, `.write-probe-${process.pid}`);
  try {
    closeSync(openSync(probe, 'w'));
    rmSync(probe, { force: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * Turns `dir` read-only for everything opened from now on, and back: a read-only bind mount of the folder over
 * itself (root), else its permissions (a non-root test process obeys them). Files already open — the till's
 * database — keep writing, as they do when IT changes a share's or a folder's rights under a running app;
 * whatever the till opens anew (its log, its write check before each SeQura call) meets EROFS (EACCES).
 */
export function readOnlyFromNow(dir: string): { kind: 'read-only bind mount' | 'permissions'; undo(): void } {
  try {
    execFileSync('mount', ['--bind', dir, dir], { stdio: 'pipe' });
  } catch {
    setReadOnly(dir, true);
    return { kind: 'permissions', undo: () => setReadOnly(dir, false) };
  }
  try {
    execFileSync('mount', ['-o', 'remount,bind,ro', dir], { stdio: 'pipe' });
  } catch (error) {
    execFileSync('umount', [dir], { stdio: 'pipe' });
    throw error;
  }
  return { kind: 'read-only bind mount', undo: () => execFileSync('umount', [dir], { stdio: 'pipe' }) };
}

// Types for scripts/image/tar.mjs, so the image test can check the tar writer.
export interface TarEntry {
  path: string;
  type: 'file' | 'dir' | 'symlink';
  data?: Buffer;
  link?: string;
  mode?: number;
  uid?: number;
  gid?: number;
}
export function tarEntries(entries: TarEntry[], mtime: number): Buffer;
export function entriesFromDir(dir: string, prefix?: string): TarEntry[];
export function withParents(entries: TarEntry[]): TarEntry[];

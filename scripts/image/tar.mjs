// A deterministic tar writer (POSIX ustar, with PAX records for long names): the same
// entries always give the same bytes, whatever the files' times, owners or umask were.
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

const BLOCK = 512;
const TYPE = { file: '0', symlink: '2', dir: '5', pax: 'x' };

/**
 * An entry: { path, type: 'file'|'dir'|'symlink', data?, link?, mode?, uid?, gid? }.
 * Paths are relative, without a leading slash; directories without a trailing one.
 */
export function tarEntries(entries, mtime) {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const chunks = [];
  for (const entry of sorted) {
    const name = entry.type === 'dir' ? `${entry.path}/` : entry.path;
    const link = entry.link ?? '';
    const pax = {};
    if (Buffer.byteLength(name) > 100 || /[^\x20-\x7e]/.test(name)) pax.path = name;
    if (Buffer.byteLength(link) > 100) pax.linkpath = link;
    if (Object.keys(pax).length > 0) {
      const body = paxRecords(pax);
      chunks.push(header({ name: 'PaxHeader', type: TYPE.pax, size: body.length, mode: 0o644, mtime }), pad(body));
    }
    const data = entry.type === 'file' ? entry.data : Buffer.alloc(0);
    const mode = entry.mode ?? (entry.type === 'dir' ? 0o755 : entry.type === 'symlink' ? 0o777 : 0o644);
    chunks.push(header({ name: name.slice(0, 100), type: TYPE[entry.type], size: data.length, mode, mtime, uid: entry.uid, gid: entry.gid, link: link.slice(0, 100) }));
    if (data.length > 0) chunks.push(pad(data));
  }
  chunks.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(chunks);
}

/** The entries for a folder's contents, under prefix: modes normalised to 0755 (executable) or 0644. */
export function entriesFromDir(dir, prefix = '') {
  const entries = [];
  const walk = (abs, rel) => {
    for (const name of readdirSync(abs).sort()) {
      const path = rel ? `${rel}/${name}` : name;
      const file = join(abs, name);
      const stat = lstatSync(file);
      if (stat.isSymbolicLink()) entries.push({ path, type: 'symlink', link: readlinkSync(file) });
      else if (stat.isDirectory()) {
        entries.push({ path, type: 'dir' });
        walk(file, path);
      } else if (stat.isFile()) entries.push({ path, type: 'file', data: readFileSync(file), mode: stat.mode & 0o111 ? 0o755 : 0o644 });
    }
  };
  walk(dir, prefix);
  return entries;
}

/** Adds the parent directories that entries imply but do not list (a tar needs them to own modes). */
export function withParents(entries) {
  const have = new Set(entries.map((e) => e.path));
  const added = [];
  for (const e of entries) {
    const parts = e.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (!have.has(dir)) {
        have.add(dir);
        added.push({ path: dir, type: 'dir' });
      }
    }
  }
  return [...entries, ...added];
}

function paxRecords(records) {
  let out = '';
  for (const [key, value] of Object.entries(records)) {
    const rest = ` ${key}=${value}\n`;
    // The length prefix counts itself: grow it until it is stable.
    let len = Buffer.byteLength(rest) + 1;
    while (String(len).length + Buffer.byteLength(rest) !== len) len = String(len).length + Buffer.byteLength(rest);
    out += `${len}${rest}`;
  }
  return Buffer.from(out);
}

function header({ name, type, size, mode, mtime, uid = 0, gid = 0, link = '' }) {
  const block = Buffer.alloc(BLOCK);
  block.write(name, 0, 100);
  octal(block, 100, 8, mode);
  octal(block, 108, 8, uid);
  octal(block, 116, 8, gid);
  octal(block, 124, 12, size);
  octal(block, 136, 12, mtime);
  block.fill(' ', 148, 156); // checksum is computed with its own field as spaces
  block.write(type, 156, 1);
  block.write(link, 157, 100);
  block.write('ustar\u000000', 257, 8);
  block.write(uid === 0 ? 'root' : '', 265, 32);
  block.write(gid === 0 ? 'root' : '', 297, 32);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8);
  return block;
}

function octal(block, offset, width, value) {
  block.write(`${value.toString(8).padStart(width - 1, '0')}\u0000`, offset, width);
}

function pad(data) {
  const rest = data.length % BLOCK;
  return rest === 0 ? data : Buffer.concat([data, Buffer.alloc(BLOCK - rest)]);
}

// Points www/package-lock.json at the package tarball just packed from pkg/, so npm
// installs this build's package (npm would otherwise reuse the cached tarball of the
// integrity recorded earlier). The lockfile then changes exactly when the package does.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

const [tarball, lockPath] = process.argv.slice(2);
const integrity = 'sha512-' + createHash('sha512').update(readFileSync(tarball)).digest('base64');
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
const entry = lock.packages?.['node_modules/backstage-oauth2-wasm'];
if (entry && entry.integrity !== integrity) {
  entry.integrity = integrity;
  writeFileSync(lockPath, JSON.stringify(lock, null, 2) + '\n');
  console.log('[www] package-lock.json now points at this build of backstage-oauth2-wasm');
}

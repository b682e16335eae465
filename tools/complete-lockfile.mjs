#!/usr/bin/env node
// The package registry reachable from our build machines serves only the platform packages of
// this platform (linux-x64), so `npm install` leaves the other platforms' optional packages
// (@swc/core-darwin-arm64, ...) out of package-lock.json, and `npm ci` then refuses the lockfile
// as out of sync. This adds those entries back as optional, platform-tagged packages that npm
// skips on any other platform. Run it after changing dependencies: `node tools/complete-lockfile.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages;
let added = 0;

for (const [path, entry] of Object.entries(packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const parentDir = path === '' ? '' : `${path}/`;
    const candidates = [`${parentDir}node_modules/${name}`, `node_modules/${name}`];
    if (candidates.some((candidate) => packages[candidate])) continue;
    const platform = platformOf(name);
    if (!platform) continue; // not a platform package: leave it to npm
    packages[`node_modules/${name}`] = {
      version: range.replace(/^[~^=]/, ''),
      ...(entry.dev && { dev: true }),
      optional: true,
      ...platform,
    };
    added++;
  }
}

writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`complete-lockfile: added ${added} platform package entries`);

function platformOf(name) {
  const os = ['darwin', 'win32', 'linux', 'freebsd', 'android', 'openharmony', 'sunos', 'aix', 'netbsd', 'openbsd'].find((o) => name.includes(o));
  const cpu = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'wasm32', 'mips64el'].find((c) =>
    new RegExp(`[-_.]${c}([-_.]|$)`).test(name),
  );
  if (!os && !cpu) return undefined;
  return { ...(os && { os: [os] }), ...(cpu && { cpu: [cpu] }) };
}

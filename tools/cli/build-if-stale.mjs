// Runs `npm run build` only when a TypeScript source (or a file the build reads) is newer than the
// built CLI, so that `npm run replay -- --help` answers at once instead of after a 20-second build.
// A build that failed its type check still emits, so it counts as built: `npm test` catches it.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const built = statSync(join(root, 'dist', 'tools', 'cli', 'main.js'), { throwIfNoEntry: false });

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const inputs = ['tsconfig.base.json', 'tsconfig.build.json', 'package-lock.json'].map((file) => statSync(join(root, file)).mtimeMs);
const newest = Math.max(...inputs, ...['apps', 'libs', 'tools'].map((dir) => newestSource(join(root, dir))));
if (built === undefined || built.mtimeMs < newest) {
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  process.exitCode = build.status ?? 1;
}

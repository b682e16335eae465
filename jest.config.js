// Every project's tests in one jest process: `npm run test:unit`, `test:int` and `test:e2e` run it for one
// level each (by file name, *.<level>.spec.ts); `npm test` runs every level per project through Nx.
const { readdirSync, existsSync } = require('fs');
const path = require('path');

function projectConfigs(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (existsSync(path.join(full, 'jest.config.js'))) found.push(full);
    else found.push(...projectConfigs(full));
  }
  return found;
}

module.exports = { projects: ['apps', 'libs', 'tools'].flatMap((dir) => projectConfigs(path.join(__dirname, dir))) };

// Runs every project's tests in one jest process (`npm run test:unit`); `npm test` runs them per project through Nx.
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

module.exports = { projects: [...projectConfigs(path.join(__dirname, 'apps')), ...projectConfigs(path.join(__dirname, 'libs')), ...projectConfigs(path.join(__dirname, 'tools'))] };

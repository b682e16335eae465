// The contract suites, run against every adapter of each port that can run here.
module.exports = { ...require('../../jest.preset.js'), displayName: 'testing', rootDir: __dirname };

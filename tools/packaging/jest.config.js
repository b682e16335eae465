module.exports = { ...require('../../jest.preset.js'), displayName: 'packaging', rootDir: __dirname, testTimeout: 30000 };

module.exports = { ...require('../../jest.preset.js'), displayName: 'env-example', rootDir: __dirname };

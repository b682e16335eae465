module.exports = { ...require('../../../jest.preset.js'), displayName: 'labels-domain', rootDir: __dirname };

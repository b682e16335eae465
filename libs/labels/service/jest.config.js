module.exports = { ...require('../../../jest.preset.js'), displayName: 'labels-service', rootDir: __dirname };

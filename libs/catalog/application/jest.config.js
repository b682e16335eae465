module.exports = { ...require('../../../jest.preset.js'), displayName: 'catalog-application', rootDir: __dirname };

module.exports = { ...require('../../../jest.preset.js'), displayName: 'catalog-domain', rootDir: __dirname };

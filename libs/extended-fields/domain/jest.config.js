module.exports = { ...require('../../../jest.preset.js'), displayName: 'extended-fields-domain', rootDir: __dirname };

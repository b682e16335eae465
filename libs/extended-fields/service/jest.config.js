module.exports = { ...require('../../../jest.preset.js'), displayName: 'extended-fields-service', rootDir: __dirname };

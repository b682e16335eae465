module.exports = { ...require('../../../jest.preset.js'), displayName: 'contacts-application', rootDir: __dirname };

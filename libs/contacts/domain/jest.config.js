module.exports = { ...require('../../../jest.preset.js'), displayName: 'contacts-domain', rootDir: __dirname };

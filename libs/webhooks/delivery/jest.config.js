module.exports = { ...require('../../../jest.preset.js'), displayName: 'webhooks-delivery', rootDir: __dirname };

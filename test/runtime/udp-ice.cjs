// Node CommonJS: require() of the package's CJS builds (omnirtc/ice, omnirtc/node).
const ice = require('omnirtc/ice');
const rt = require('omnirtc/node');

import('./udp-ice-scenario.mjs').then(({ scenario }) => scenario(rt.nodeAdapter, ice, rt));

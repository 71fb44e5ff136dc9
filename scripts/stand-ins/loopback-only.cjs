// Preloaded into fauxqs (node --require), which always listens on 0.0.0.0: its queues hold task tokens, so it
// listens on the loopback interface only, as every other process `npm start` runs does.
const net = require('node:net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (args[0] && typeof args[0] === 'object' && (args[0].host === '0.0.0.0' || args[0].host === '::')) {
    args[0] = { ...args[0], host: '127.0.0.1' };
  }
  return listen.apply(this, args);
};

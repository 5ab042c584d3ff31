/** Wire protocol v1, shared by the relay, the connection core, the worker and tests. */
export * from './codes.js';
export * from './channels.js';
export * from './limits.js';
export * from './messages.js';
export * from './validate.js';

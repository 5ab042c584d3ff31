// Browser tests run under web-test-runner's mocha: describe/it/beforeEach are globals there.
/// <reference types="mocha" />

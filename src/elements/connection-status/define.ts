/** Registers `<connection-status>` (unless a tag of that name exists already) and re-exports the class. */
import { defineElement } from '../shared/define-element.js';
import { ConnectionStatus } from './connection-status.js';

export { ConnectionStatus };
defineElement('connection-status', ConnectionStatus);

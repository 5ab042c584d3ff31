/** Registers `<connection-status>` (unless a tag of that name exists already) and re-exports the class. */
import { ConnectionStatus } from './connection-status.js';

export { ConnectionStatus };
if (!customElements.get('connection-status')) customElements.define('connection-status', ConnectionStatus);

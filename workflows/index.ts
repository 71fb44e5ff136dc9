export { actUpdate, drawNowUpdate, exchange, exchangeStatusQuery } from './exchange';
export { exchangePage } from './exchange-page';
export { batchStatusQuery, notifyBatch } from './notify-batch';
export { resendMessage } from './resend-message';
export { revealDraw } from './reveal-draw';
export { progressQuery, secretSanta, statusQuery } from './secret-santa';
// The States Language runtime's workflow, so this worker also runs definitions a trusted client gives inline.
export { stateMachine } from 'states-language-temporal/workflow';

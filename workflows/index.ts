export { notifyBatch } from './notify-batch';
export { resendMessage } from './resend-message';
export { secretSanta, statusQuery } from './secret-santa';
export { stateMachine } from './asl/state-machine';

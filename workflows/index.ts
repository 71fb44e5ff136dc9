export { notifyBatch } from './notify-batch';
export { secretSanta, statusQuery } from './secret-santa';
export { stateMachine } from './asl/state-machine';

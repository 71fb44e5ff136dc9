export { secretSanta, statusQuery } from './secret-santa';
